#include <cstdio>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "commands.h"
#include "tern/error.h"
#include "tern/options.h"

namespace tern::cli {

namespace {

// The option's one spelling (tern/options.h), or an error listing them.
template <class T>
T parse_option(std::optional<T> value, std::span<const OptionName<T>> names, const char* flag, const std::string& given) {
    if (value) return *value;
    std::string list;
    for (size_t i = 0; i < names.size(); ++i) list += std::string(i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i].name;
    throw Error(std::string(flag) + " must be " + list + ", not '" + given + "'");
}

}  // namespace

Precision parse_precision(const std::string& name) {
    return parse_option(tern::parse_precision(name), precision_names(), "--precision", name);
}
HeadType parse_head(const std::string& name) { return parse_option(tern::parse_head(name), head_names(), "--head", name); }
KvType parse_kv(const std::string& name) { return parse_option(tern::parse_kv(name), kv_type_names(), "--kv", name); }

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
