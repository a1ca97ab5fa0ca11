#include <cstdio>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "commands.h"
#include "tern/error.h"

namespace tern::cli {

Precision parse_precision(const std::string& name) {
    if (name == "ternary") return Precision::Ternary;
    if (name == "fp16") return Precision::Fp16;
    throw Error("--precision must be ternary or fp16, not '" + name + "'");
}

HeadType parse_head(const std::string& name) {
    if (name == "f16" || name == "as-stored") return HeadType::AsStored;
    if (name == "q8" || name == "q8_0") return HeadType::Q8_0;
    if (name == "q6" || name == "q6_k") return HeadType::Q6_K;
    throw Error("--head must be f16, q8 or q6, not '" + name + "'");
}

KvType parse_kv(const std::string& name) {
    if (name == "f16") return KvType::F16;
    if (name == "f32") return KvType::F32;
    if (name == "q8" || name == "q8_0") return KvType::Q8_0;
    throw Error("--kv must be f16, f32 or q8, not '" + name + "'");
}

LoadOptions load_options(const Args& args) {
    if (args.flag("-v")) spdlog::set_level(spdlog::level::debug);
    LoadOptions opt;
    opt.n_threads = args.get_int("-t", 0);
    const std::string backend = args.get("--backend").value_or(args.get("--device") ? "vulkan" : "cpu");
    if (backend == "cpu") opt.backend = LoadOptions::BackendKind::Cpu;
    else if (backend == "vulkan") opt.backend = LoadOptions::BackendKind::Vulkan;
    else if (backend == "auto") opt.backend = LoadOptions::BackendKind::Auto;
    else throw Error("--backend must be cpu, vulkan or auto, not '" + backend + "'");
    opt.device = args.get_int("--device", -1);
    if (const auto p = args.get("--precision"); p && *p != "both") opt.precision = parse_precision(*p);
    opt.head = parse_head(args.get("--head").value_or("f16"));
    opt.kv_type = parse_kv(args.get("--kv").value_or("f16"));
    if (args.get("--device") && opt.device < 0) throw Error("--device must be a device index (0, 1, ...)");
    check(validate(opt));
    if (isatty(STDERR_FILENO)) {
        opt.progress = [last = -1](float p) mutable {
            const int pct = static_cast<int>(p * 100);
            if (pct != last) std::fprintf(stderr, "\rloading %3d%%%s", pct, pct == 100 ? "\n" : "");
            last = pct;
            return true;
        };
    }
    return opt;
}

std::shared_ptr<Model> load_model(const Args& args) { return load_model(args, load_options(args)); }

std::shared_ptr<Model> load_model(const Args& args, const LoadOptions& opt) {
    auto model = Model::load(args.require("-m"), opt);
    if (opt.backend != LoadOptions::BackendKind::Cpu)
        std::fprintf(stderr, "backend: %s%s%s\n", model->backend_name().c_str(),
                     model->backend_fallback_reason().empty() ? "" : " (Vulkan not used: ",
                     model->backend_fallback_reason().empty() ? ""
                                                              : (model->backend_fallback_reason() + ")").c_str());
    return model;
}

SessionOptions session_options(const Args& args) {
    SessionOptions o;
    o.n_ctx = args.get_int("-c", 0);
    check(validate(o));
    return o;
}

void check(const std::string& error) {
    if (!error.empty()) throw Error(error);
}

}  // namespace tern::cli
