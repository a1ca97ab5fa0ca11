#pragma once
// Sweeps: one benchmark setting run over a list of values (threads, prompt length, context depth),
// one line per precision and backend, for the charts that show where a model stops scaling and
// how close each point gets to the memory-bandwidth roof.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tern/bench.h"
#include "tern/model.h"

namespace tern {

enum class SweepAxis {
    Threads,  // LoadOptions::n_threads; each point runs the pp and tg tests BenchOptions asks for
    Prompt,   // the pp test's prompt length (BenchOptions::n_prompt)
    Depth,    // the tg test's depth (BenchOptions::n_depth): decode speed as the context fills
};
const char* sweep_axis_name(SweepAxis axis);  // "threads", "pp", "depth"
std::optional<SweepAxis> parse_sweep_axis(std::string_view name);

// The values a sweep runs when none are given: threads 1, 2, 4, ... and every hardware thread;
// pp 16, 32, ... 1024 (at most the context); depth 0, an eighth, a quarter and half the context,
// and the deepest a tg test of n_gen tokens fits in.
std::vector<int> default_sweep_values(SweepAxis axis, int n_ctx_train, int n_gen);

struct SweepProgress {
    int points_done = 0;
    int n_points = 0;
    std::string label;    // the point running: "ternary cpu, threads 4: tg64"
    float fraction = 0;   // of the whole sweep
};

struct SweepOptions {
    SweepAxis axis = SweepAxis::Threads;
    std::vector<int> values;  // empty: default_sweep_values()
    // One line per precision and backend (Cpu or Vulkan; a Vulkan line needs a usable device).
    std::vector<Precision> precisions = {Precision::Ternary};
    std::vector<LoadOptions::BackendKind> backends = {LoadOptions::BackendKind::Cpu};
    // How each line's model loads (head, KV type, device, threads off the threads axis); its
    // precision, backend and progress are the sweep's.
    LoadOptions load;
    // The tests at every point (token counts, repetitions, read_bandwidth for the roof, group);
    // the axis overrides its own setting. The quality test does not run in sweeps.
    BenchOptions bench;
    // Called before each point and during it; return false to cancel: bench_sweep() then throws
    // tern::Cancelled, the points finished so far having gone to on_point.
    std::function<bool(const SweepProgress&)> progress;
    std::function<void(const BenchResult&)> on_point;  // each finished point, as it finishes
};

// Runs every point of the sweep on the model at `path`: for each line, the model is loaded once
// (on the threads axis once per thread count: the CPU backend's thread pool is sized at load), and
// each point is one bench() test, so one result. Results carry sweep, sweep_value, series and the
// roof (BenchOptions::read_bandwidth / bytes per token; 0 on a discrete GPU, whose own memory that
// bandwidth does not measure). All results share one group.
// Throws tern::Error (bad values, a test longer than the context, no usable Vulkan device),
// tern::Cancelled.
std::vector<BenchResult> bench_sweep(const std::string& path, const SweepOptions& options);

}  // namespace tern
