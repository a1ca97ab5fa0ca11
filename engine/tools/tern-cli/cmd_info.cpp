#include <cstdio>

#include "commands.h"
#include "tern/error.h"

namespace tern::cli {

int cmd_info(int argc, char** argv) {
    Args args("info", "MODEL", {{{"-v", "--verbose"}, "", "log what the engine does"},
                                {{"-c", "--ctx-size"}, "N", "context length for the memory estimate (default: the model's, at most 4096)"}});
    // The model is positional here: take it out before parsing options.
    std::string path;
    std::vector<char*> rest;
    for (int i = 0; i < argc; ++i) {
        const std::string a = argv[i];
        if (path.empty() && !a.empty() && a[0] != '-' && (i == 0 || std::string(argv[i - 1]) != "-c")) path = a;
        else rest.push_back(argv[i]);
    }
    if (!args.parse(static_cast<int>(rest.size()), rest.data())) return 0;
    if (path.empty()) throw Error("missing MODEL (see tern-cli info --help)");
    const SessionOptions so = session_options(args);
    LoadOptions opt;
    opt.n_threads = 1;
    const auto model = Model::load(path, opt);
    const ModelInfo& i = model->info();
    const int ctx = so.n_ctx > 0 ? so.n_ctx : std::min(i.n_ctx_train, 4096);
    const double mib = 1024.0 * 1024.0;
    std::printf("file:          %s (%.1f MiB)\n", i.path.c_str(), i.file_bytes / mib);
    std::printf("name:          %s\n", i.name.c_str());
    std::printf("architecture:  %s\n", i.arch.c_str());
    std::printf("vocabulary:    %d tokens\n", i.n_vocab);
    std::printf("context:       %d (trained)\n", i.n_ctx_train);
    std::printf("embedding:     %d\n", i.n_embd);
    std::printf("layers:        %d\n", i.n_layer);
    std::printf("heads:         %d (kv %d, head size %d)\n", i.n_head, i.n_head_kv, i.head_dim);
    std::printf("feed-forward:  %d (%s gated)\n", i.n_ff, i.activation.c_str());
    std::printf("rope:          %s, theta %g", i.rope_type.c_str(), i.rope_theta);
    if (i.rope_scaling == "linear") std::printf(", linear scaling x%g", 1.0 / i.rope_freq_scale);
    if (i.rope_scaling == "yarn")
        std::printf(", YaRN x%g from %d tokens (ext %g, attn %g, beta %g/%g)", 1.0 / i.rope_freq_scale, i.rope_ctx_orig,
                    i.yarn_ext_factor, i.yarn_attn_factor, i.yarn_beta_fast, i.yarn_beta_slow);
    if (i.rope_freqs) std::printf(", frequency factors (rope_freqs)");
    std::printf("\n");
    std::printf("norms:         %s%s\n", i.sub_norms ? "BitNet sub-norms" : "no sub-norms",
                i.qk_norm ? ", per-head Q/K norms" : "");
    std::printf("rms epsilon:   %g\n", i.rms_eps);
    std::printf("lm head:       %s\n", i.tied_head ? "tied to token_embd" : "output.weight");
    std::printf("chat template: %s\n", chat_template_name(model->chat_template()));
    std::printf("ternary type:  %s\n", i.ternary_type.c_str());
    std::printf("projections:   %s\n", i.projection_note.c_str());
    std::printf("activations:   %s\n", i.activation_numerics.c_str());
    std::printf("parameters:    %.3f B\n", i.parameters / 1e9);
    std::printf("tensor types: ");
    for (const auto& [type, count] : i.tensor_types) std::printf(" %s x%d", type.c_str(), count);
    std::printf("\n");
    const double kv = static_cast<double>(i.kv_bytes_per_token) * ctx;
    std::printf("memory:        weights %.1f MiB (ternary %.1f MiB) + KV cache %.1f MiB at %d tokens = %.1f MiB\n",
                i.weight_bytes / mib, i.ternary_bytes / mib, kv / mib, ctx, (i.weight_bytes + kv) / mib);
    return 0;
}

}  // namespace tern::cli
