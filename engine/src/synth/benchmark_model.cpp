#include "tern/benchmark_model.h"

#include "synth/synth.h"

namespace tern {

void write_benchmark_model(const BenchmarkModelOptions& options, const std::string& out_path) {
    SynthOptions o;
    o.preset = options.preset;
    o.arch = options.arch;
    o.seed = options.seed;
    o.tokenizer_json = options.tokenizer_json;
    o.progress = options.progress;
    write_synth_model(o, out_path);
}

}  // namespace tern
