// The benchmark file format: written by `tern-cli bench --json`, read back by the app's import.
// Field names follow llama-bench where the meaning is the same (cpu_info, model_filename,
// n_threads, avg_ts, ...), beside Tern's own (tokens_per_second, bytes_per_token, ...).
#include <cmath>
#include <limits>
#include <optional>
#include <nlohmann/json.hpp>

#include "tern/bench.h"
#include "tern/error.h"

namespace tern {

namespace {

using Json = nlohmann::ordered_json;

Json machine_json(const MachineInfo& m) {
    return {{"cpu_model", m.cpu_model},         {"isa", m.isa},
            {"logical_cores", m.logical_cores}, {"physical_cores", m.physical_cores},
            {"read_bandwidth", m.read_bandwidth}, {"gpus", m.gpus},
            {"rapl", m.rapl},                   {"rapl_reason", m.rapl_reason}};
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
    return s;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double sample_stddev(const std::vector<double>& v) {
    if (v.size() < 2) return 0;
    const double m = mean(v);
    double ss = 0;
    for (double x : v) ss += (x - m) * (x - m);
    return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

Json result_json(const BenchResult& r, const MachineInfo& m) {
    // llama-bench's view of a test: tokens of the prompt or of the generation, samples in ns and t/s.
    const bool pp = r.test.rfind("pp", 0) == 0, tg = r.test.rfind("tg", 0) == 0;
    std::vector<double> ns, ts;
    for (uint64_t s : r.samples_ns) {
        ns.push_back(static_cast<double>(s));
        // The quality test's speed counts the tokens it evaluated, not the n_tokens it scored.
        ts.push_back(!pp && !tg ? r.tokens_per_second : s > 0 ? 1e9 * r.n_tokens / static_cast<double>(s) : 0);
    }
    const auto nullable = [](double v, bool present) { return present ? Json(v) : Json(nullptr); };
    return {
        // llama-bench's fields
        {"cpu_info", m.cpu_model},
        {"gpu_info", join(m.gpus, ", ")},
        {"backends", r.backend.rfind("vulkan", 0) == 0 ? "Vulkan" : "CPU"},
        {"model_filename", r.model_filename},
        {"model_type", r.model_type},
        {"model_size", r.model_size},
        {"model_n_params", r.model_n_params},
        {"n_threads", r.threads},
        {"type_k", lower(r.kv)},
        {"type_v", lower(r.kv)},
        {"n_prompt", pp ? r.n_tokens : 0},
        {"n_gen", tg ? r.n_tokens : 0},
        {"n_depth", r.n_depth},
        {"test_time", r.test_time},
        {"avg_ns", static_cast<uint64_t>(std::llround(mean(ns)))},
        {"stddev_ns", static_cast<uint64_t>(std::llround(sample_stddev(ns)))},
        {"avg_ts", r.tokens_per_second},
        {"stddev_ts", r.stddev},
        {"samples_ns", r.samples_ns},
        {"samples_ts", ts},
        // Tern's
        {"group", r.group},
        {"test", r.test},
        {"precision", r.precision},
        {"backend", r.backend},
        {"head", r.head},
        {"kv", r.kv},
        {"threads", r.threads},
        {"n_tokens", r.n_tokens},
        {"model_arch", r.model_arch},
        {"tokens_per_second", r.tokens_per_second},
        {"stddev", r.stddev},
        {"ttft_ms", r.ttft_ms},
        {"load_ms", r.load_ms},
        {"peak_rss_bytes", r.peak_rss_bytes},
        {"weight_bytes", r.weight_bytes},
        {"kv_bytes", r.kv_bytes},
        {"device_memory_bytes", r.device_memory_bytes},
        {"bytes_per_token", r.bytes_per_token},
        {"gb_per_second", r.gb_per_second},
        {"roof_fraction", r.roof_fraction},
        {"roof_tokens_per_second", r.roof_tokens_per_second},
        {"joules_per_token_est", r.joules_per_token_est},
        {"joules_per_token_measured", nullable(r.joules_per_token_measured, r.joules_per_token_measured >= 0)},
        {"perplexity", nullable(r.perplexity, r.perplexity > 0)},
        {"sweep", r.sweep},
        {"sweep_value", r.sweep_value},
        {"series", r.series},
        {"machine", machine_json(m)},
    };
}

// Reads typed fields of one JSON object, each error naming where it is ("result 2: n_threads").
class Reader {
public:
    Reader(const nlohmann::json& object, std::string where) : o_(object), where_(std::move(where)) {
        if (!o_.is_object()) fail("", "must be an object, not " + std::string(o_.type_name()));
    }

    std::string str(const char* key) const {
        const auto& v = at(key);
        if (!v.is_string()) fail(key, "must be a string, not " + describe(v));
        return v.get<std::string>();
    }

    bool boolean(const char* key) const {
        const auto& v = at(key);
        if (!v.is_boolean()) fail(key, "must be true or false, not " + describe(v));
        return v.get<bool>();
    }

    uint64_t u64(const char* key) const { return u64_of(at(key), key); }

    int count(const char* key) const {
        const uint64_t v = u64(key);
        if (v > static_cast<uint64_t>(std::numeric_limits<int>::max())) fail(key, "is out of range: " + std::to_string(v));
        return static_cast<int>(v);
    }

    // A finite, non-negative number; `null_as` when the field may be null.
    double number(const char* key, std::optional<double> null_as = std::nullopt) const {
        const auto& v = at(key);
        if (v.is_null() && null_as) return *null_as;
        if (!v.is_number()) fail(key, "must be a number, not " + describe(v));
        const double d = v.get<double>();
        if (!std::isfinite(d) || d < 0) fail(key, "must be a finite number >= 0, not " + v.dump());
        return d;
    }

    std::vector<uint64_t> u64_list(const char* key) const {
        const auto& v = at(key);
        if (!v.is_array()) fail(key, "must be an array, not " + describe(v));
        std::vector<uint64_t> out;
        for (const auto& x : v) out.push_back(u64_of(x, key));
        return out;
    }

    std::vector<std::string> str_list(const char* key) const {
        const auto& v = at(key);
        if (!v.is_array()) fail(key, "must be an array, not " + describe(v));
        std::vector<std::string> out;
        for (const auto& x : v) {
            if (!x.is_string()) fail(key, "must hold strings, not " + describe(x));
            out.push_back(x.get<std::string>());
        }
        return out;
    }

    Reader object(const char* key) const { return Reader(at(key), where_ + ": " + key); }

private:
    const nlohmann::json& at(const char* key) const {
        const auto it = o_.find(key);
        if (it == o_.end()) fail(key, "is missing");
        return *it;
    }

    uint64_t u64_of(const nlohmann::json& v, const char* key) const {
        if (v.is_number_unsigned()) return v.get<uint64_t>();
        if (v.is_number_integer()) fail(key, "must not be negative: " + v.dump());
        fail(key, "must be a whole number, not " + describe(v));
    }

    static std::string describe(const nlohmann::json& v) {
        std::string text = v.dump();
        if (text.size() > 40) text = text.substr(0, 40) + "...";
        return std::string(v.type_name()) + " " + text;
    }

    [[noreturn]] void fail(const char* key, const std::string& what) const {
        throw Error("bench JSON: " + where_ + (*key ? std::string(": ") + key : "") + " " + what);
    }

    const nlohmann::json& o_;
    std::string where_;
};

MachineInfo read_machine(const Reader& r) {
    MachineInfo m;
    m.cpu_model = r.str("cpu_model");
    m.isa = r.str("isa");
    m.logical_cores = r.count("logical_cores");
    m.physical_cores = r.count("physical_cores");
    m.read_bandwidth = r.number("read_bandwidth");
    m.gpus = r.str_list("gpus");
    m.rapl = r.boolean("rapl");
    m.rapl_reason = r.str("rapl_reason");
    return m;
}

BenchResult read_result(const Reader& r) {
    BenchResult x;
    x.group = r.str("group");
    x.test = r.str("test");
    x.precision = r.str("precision");
    x.backend = r.str("backend");
    x.head = r.str("head");
    x.kv = r.str("kv");
    x.threads = r.count("threads");
    x.n_tokens = r.count("n_tokens");
    x.n_depth = r.count("n_depth");
    x.model_filename = r.str("model_filename");
    x.model_type = r.str("model_type");
    x.model_arch = r.str("model_arch");
    x.model_n_params = r.u64("model_n_params");
    x.model_size = r.u64("model_size");
    x.test_time = r.str("test_time");
    x.tokens_per_second = r.number("tokens_per_second");
    x.stddev = r.number("stddev");
    x.samples_ns = r.u64_list("samples_ns");
    x.ttft_ms = r.number("ttft_ms");
    x.load_ms = r.number("load_ms");
    x.peak_rss_bytes = r.u64("peak_rss_bytes");
    x.weight_bytes = r.u64("weight_bytes");
    x.kv_bytes = r.u64("kv_bytes");
    x.device_memory_bytes = r.u64("device_memory_bytes");
    x.bytes_per_token = r.number("bytes_per_token");
    x.gb_per_second = r.number("gb_per_second");
    x.roof_fraction = r.number("roof_fraction");
    x.roof_tokens_per_second = r.number("roof_tokens_per_second");
    x.joules_per_token_est = r.number("joules_per_token_est");
    x.joules_per_token_measured = r.number("joules_per_token_measured", -1.0);
    x.perplexity = r.number("perplexity", 0.0);
    x.sweep = r.str("sweep");
    x.sweep_value = r.count("sweep_value");
    x.series = r.str("series");
    return x;
}

}  // namespace

std::string bench_json(const BenchReport& report) {
    Json out = Json::array();
    for (const BenchResult& r : report.results) out.push_back(result_json(r, report.machine));
    return out.dump(2);
}

std::string bench_json(const std::vector<BenchResult>& results) { return bench_json({describe_machine(), results}); }

BenchReport parse_bench_json(std::string_view text) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("bench JSON: not valid JSON (") + e.what() + ")");
    }
    if (!doc.is_array())
        throw Error(std::string("bench JSON: must be an array of results, not ") + doc.type_name());
    BenchReport report;
    for (size_t i = 0; i < doc.size(); ++i) {
        const Reader r(doc[i], "result " + std::to_string(i + 1));
        const MachineInfo machine = read_machine(r.object("machine"));
        if (i == 0) report.machine = machine;
        else if (!(machine == report.machine))
            throw Error("bench JSON: result " + std::to_string(i + 1) +
                        " ran on another machine than result 1; import the files of each machine separately");
        report.results.push_back(read_result(r));
    }
    return report;
}

}  // namespace tern
