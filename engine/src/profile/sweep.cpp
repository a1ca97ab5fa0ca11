#include "tern/sweep.h"

#include <algorithm>
#include <thread>

#include "tern/devices.h"
#include "tern/error.h"
#include "tern/profile.h"

namespace tern {

namespace {

using BackendKind = LoadOptions::BackendKind;

struct Line {
    Precision precision;
    BackendKind backend;
    std::string label() const {
        return std::string(precision_name(precision)) + (backend == BackendKind::Vulkan ? " vulkan" : " cpu");
    }
};

// One point: a line, a value on the axis, and the one test it runs.
struct Point {
    Line line;
    int value = 0;
    BenchOptions bench;
    std::string label;
};

// The bench options of the one test a point runs.
BenchOptions point_bench(const BenchOptions& base, SweepAxis axis, int value, bool prompt_test) {
    BenchOptions b = base;
    b.quality_text.clear();
    b.progress = nullptr;
    switch (axis) {
        case SweepAxis::Threads:
            if (prompt_test) b.n_gen = 0;
            else b.n_prompt = 0;
            break;
        case SweepAxis::Prompt:
            b.n_prompt = value;
            b.n_gen = 0;
            break;
        case SweepAxis::Depth:
            b.n_prompt = 0;
            b.n_depth = value;
            break;
    }
    return b;
}

std::vector<Point> plan(const SweepOptions& o, const std::vector<int>& values) {
    std::vector<Point> points;
    for (Precision p : o.precisions) {
        for (BackendKind k : o.backends) {
            const Line line{p, k};
            for (int v : values) {
                std::vector<bool> tests;  // true: the pp test
                if (o.axis != SweepAxis::Threads) tests = {o.axis == SweepAxis::Prompt};
                if (o.axis == SweepAxis::Threads && o.bench.n_prompt > 0) tests.push_back(true);
                if (o.axis == SweepAxis::Threads && o.bench.n_gen > 0) tests.push_back(false);
                for (bool pp : tests) {
                    Point pt{line, v, point_bench(o.bench, o.axis, v, pp), ""};
                    const int n = pp ? pt.bench.n_prompt : pt.bench.n_gen;
                    std::string test = (pp ? "pp" : "tg") + std::to_string(n);
                    if (pt.bench.n_depth > 0) test += "@d" + std::to_string(pt.bench.n_depth);
                    pt.label = line.label() + ", " + sweep_axis_name(o.axis) + " " + std::to_string(v) + ": " + test;
                    points.push_back(std::move(pt));
                }
            }
        }
    }
    return points;
}

// Every point's test must fit the context and be valid before the first one runs, so that a
// sweep does not fail half way.
void check(const SweepOptions& o, const std::vector<int>& values, const std::vector<Point>& points, int n_ctx) {
    if (o.bench.repetitions < 1) throw Error("sweep: repetitions must be at least 1");
    if (o.axis == SweepAxis::Depth && o.bench.n_gen <= 0) throw Error("sweep: a depth sweep needs a tg test (n_gen > 0)");
    if (points.empty()) throw Error("sweep: nothing to run (no pp and no tg test)");
    const int min_value = o.axis == SweepAxis::Depth ? 0 : 1;
    for (int v : values)
        if (v < min_value)
            throw Error(std::string("sweep: ") + sweep_axis_name(o.axis) + " values must be at least " +
                        std::to_string(min_value) + ", not " + std::to_string(v));
    for (const Point& p : points) {
        const BenchOptions& b = p.bench;
        if (b.n_prompt < 0 || b.n_gen < 0 || b.n_depth < 0) throw Error("sweep: token counts must not be negative");
        if (b.n_depth + b.n_prompt > n_ctx || (b.n_gen > 0 && b.n_depth + b.n_gen + 1 > n_ctx))
            throw Error("sweep: " + p.label + " is longer than the model's context (" + std::to_string(n_ctx) + ")");
    }
}

// The measured bandwidth is the CPU's memory: it bounds a line whose weights live there (the CPU,
// and Vulkan devices sharing system memory: integrated GPUs, lavapipe), not a discrete GPU's.
bool roof_applies(const Model& model) {
    const std::string& backend = model.info().backend;
    if (backend.rfind("vulkan", 0) != 0) return true;
    for (const DeviceInfo& d : list_devices())
        if (backend == "vulkan (" + d.name + ")") return d.type != DeviceType::Discrete;
    return false;
}

}  // namespace

const char* sweep_axis_name(SweepAxis axis) {
    switch (axis) {
        case SweepAxis::Threads: return "threads";
        case SweepAxis::Prompt: return "pp";
        case SweepAxis::Depth: return "depth";
    }
    return "?";
}

std::optional<SweepAxis> parse_sweep_axis(std::string_view name) {
    for (SweepAxis a : {SweepAxis::Threads, SweepAxis::Prompt, SweepAxis::Depth})
        if (name == sweep_axis_name(a)) return a;
    return std::nullopt;
}

std::vector<int> default_sweep_values(SweepAxis axis, int n_ctx_train, int n_gen) {
    std::vector<int> v;
    switch (axis) {
        case SweepAxis::Threads: {
            const int n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
            for (int t = 1; t < n; t *= 2) v.push_back(t);
            v.push_back(n);
            break;
        }
        case SweepAxis::Prompt:
            for (int p = 16; p <= 1024 && p <= n_ctx_train; p *= 2) v.push_back(p);
            break;
        case SweepAxis::Depth: {
            const int deepest = n_ctx_train - n_gen - 1;
            if (deepest < 0) break;
            v.push_back(0);
            for (int part : {8, 4, 2})
                if (n_ctx_train / part > v.back() && n_ctx_train / part < deepest) v.push_back(n_ctx_train / part);
            if (deepest > v.back()) v.push_back(deepest);
            break;
        }
    }
    return v;
}

std::vector<BenchResult> bench_sweep(const std::string& path, const SweepOptions& o) {
    if (o.precisions.empty() || o.backends.empty()) throw Error("sweep: no precision or no backend to run");
    for (BackendKind k : o.backends) {
        if (k != BackendKind::Vulkan) continue;
        const auto devices = list_devices();
        if (std::none_of(devices.begin(), devices.end(), [](const DeviceInfo& d) { return d.usable; }))
            throw Error("sweep: no usable Vulkan device for the vulkan line" +
                        (vulkan_status().empty() ? std::string() : " (" + vulkan_status() + ")"));
    }
    if (o.backends.end() != std::find(o.backends.begin(), o.backends.end(), BackendKind::Auto))
        throw Error("sweep: each line names its backend (cpu or vulkan), not auto");

    std::vector<BenchResult> results;
    std::vector<Point> points;
    std::vector<int> values = o.values;
    const std::string group = o.bench.group.empty() ? new_bench_group() : o.bench.group;
    size_t next = 0;  // the next point to run
    auto report = [&](float within_point) {
        if (!o.progress) return true;
        const float n = static_cast<float>(std::max<size_t>(points.size(), 1));
        return o.progress({static_cast<int>(next), static_cast<int>(points.size()),
                           next < points.size() ? points[next].label : "",
                           (static_cast<float>(next) + within_point) / n});
    };

    std::shared_ptr<Model> model;
    Line loaded{};
    int loaded_threads = -1;
    auto load = [&](const Line& line, int threads) {
        if (model && loaded.precision == line.precision && loaded.backend == line.backend && loaded_threads == threads)
            return;
        model.reset();  // one model in memory at a time
        LoadOptions lo = o.load;
        lo.precision = line.precision;
        lo.backend = line.backend;
        lo.n_threads = threads;
        lo.progress = [&](float f) { return report(f * 0.1f); };
        reset_peak_rss();  // each load's peak of its own
        model = Model::load(path, lo);
        if (line.backend == BackendKind::Vulkan && !model->backend_fallback_reason().empty())
            throw Error("sweep: the Vulkan backend cannot run this model: " + model->backend_fallback_reason());
        loaded = line;
        loaded_threads = threads;
    };

    // The first line's model tells the context that the values must fit in.
    const Line first{o.precisions.front(), o.backends.front()};
    const int first_threads = o.axis == SweepAxis::Threads && !values.empty() ? values.front() : o.load.n_threads;
    if (o.axis == SweepAxis::Threads)
        for (int v : values)
            if (v < 1) throw Error("sweep: threads values must be at least 1, not " + std::to_string(v));
    load(first, first_threads);
    const int n_ctx = model->info().n_ctx_train;
    if (values.empty()) values = default_sweep_values(o.axis, n_ctx, o.bench.n_gen);
    if (values.empty()) throw Error("sweep: no values to run");
    points = plan(o, values);
    check(o, values, points, n_ctx);

    for (next = 0; next < points.size(); ++next) {
        const Point& p = points[next];
        if (!report(0)) throw Cancelled();
        load(p.line, o.axis == SweepAxis::Threads ? p.value : o.load.n_threads);
        BenchOptions b = p.bench;
        b.group = group;
        if (!roof_applies(*model)) b.read_bandwidth = 0;
        b.progress = [&](std::string_view, float f) { return report(f); };
        for (BenchResult& r : bench(model, b)) {
            r.sweep = sweep_axis_name(o.axis);
            r.sweep_value = p.value;
            r.series = p.line.label();
            if (o.on_point) o.on_point(r);
            results.push_back(std::move(r));
        }
    }
    if (o.progress) report(0);
    return results;
}

}  // namespace tern
