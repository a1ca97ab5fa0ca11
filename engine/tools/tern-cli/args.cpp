#include "args.h"

#include <charconv>
#include <iostream>

#include "tern/error.h"

namespace tern::cli {

Args::Args(std::string command, std::string synopsis, std::vector<Option> options)
    : command_(std::move(command)), synopsis_(std::move(synopsis)), options_(std::move(options)) {
    options_.push_back({{"-h", "--help"}, "", "show this help"});
}

const Option* Args::find(const std::string& name) const {
    for (const auto& o : options_)
        for (const auto& n : o.names)
            if (n == name) return &o;
    return nullptr;
}

bool Args::parse(int argc, char** argv) {
    for (int i = 0; i < argc; ++i) {
        std::string arg = argv[i];
        std::optional<std::string> inline_value;
        if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        const Option* o = find(arg);
        if (!o) throw Error("unknown option '" + arg + "' for '" + command_ + "' (see tern-cli " + command_ + " --help)");
        if (o->names.front() == "-h") {
            std::cout << usage();
            return false;
        }
        if (o->value_name.empty()) {
            values_[o->names.front()] = "1";
        } else if (inline_value) {
            values_[o->names.front()] = *inline_value;
        } else {
            if (i + 1 >= argc) throw Error("option '" + arg + "' needs a value " + o->value_name);
            values_[o->names.front()] = argv[++i];
        }
    }
    return true;
}

std::string Args::usage() const {
    std::string s = "usage: tern-cli " + command_ + " " + synopsis_ + "\n\noptions:\n";
    for (const auto& o : options_) {
        std::string left = "  ";
        for (size_t i = 0; i < o.names.size(); ++i) left += (i ? ", " : "") + o.names[i];
        if (!o.value_name.empty()) left += " " + o.value_name;
        if (left.size() < 30) left.resize(30, ' ');
        else left += "  ";
        s += left + o.help + "\n";
    }
    return s;
}

bool Args::flag(const std::string& name) const {
    const Option* o = find(name);
    return o && values_.count(o->names.front());
}

std::optional<std::string> Args::get(const std::string& name) const {
    const Option* o = find(name);
    if (!o) return std::nullopt;
    auto it = values_.find(o->names.front());
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

void Args::set(const std::string& name, std::string value) {
    if (const Option* o = find(name)) values_[o->names.front()] = std::move(value);
}

std::string Args::require(const std::string& name) const {
    if (auto v = get(name)) return *v;
    throw Error("missing required option " + name + " (see tern-cli " + command_ + " --help)");
}

namespace {
template <typename T>
T parse_number(const std::string& name, const std::string& text) {
    T value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) throw Error("option " + name + ": '" + text + "' is not a valid number");
    return value;
}
}  // namespace

int Args::get_int(const std::string& name, int fallback) const {
    auto v = get(name);
    return v ? parse_number<int>(name, *v) : fallback;
}

double Args::get_double(const std::string& name, double fallback) const {
    auto v = get(name);
    return v ? parse_number<double>(name, *v) : fallback;
}

uint64_t Args::get_u64(const std::string& name, uint64_t fallback) const {
    auto v = get(name);
    return v ? parse_number<uint64_t>(name, *v) : fallback;
}

std::vector<Option> common_model_options() {
    return {
        {{"-m", "--model"}, "FILE", "model file (GGUF)"},
        {{"-t", "--threads"}, "N", "threads (default: all hardware threads)"},
        {{"-c", "--ctx-size"}, "N", "context length (default: the model's, at most 4096)"},
        {{"-v", "--verbose"}, "", "log what the engine does"},
        {{"--backend"}, "NAME", "cpu (default), vulkan, or auto (a GPU if there is one, else the CPU)"},
        {{"--device"}, "N", "Vulkan device index (see tern-cli devices); implies --backend vulkan"},
        {{"--precision"}, "P", "ternary (default), or fp16: the FP16 baseline (weights expanded to dense F16)"},
        {{"--head"}, "TYPE", "LM head: f16 (as stored, default), q8 or q6 (Q8_0 / Q6_K built at load: fewer bytes per token)"},
        {{"--kv"}, "TYPE",
         "KV cache: f16 (default), f32, or q8 (int8 + per-32 scales: about half of F16's memory, small accuracy cost)"},
    };
}

}  // namespace tern::cli
