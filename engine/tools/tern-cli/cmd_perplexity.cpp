#include <cstdio>

#include "commands.h"
#include "tern/error.h"
#include "tern/perplexity.h"

namespace tern::cli {

int cmd_perplexity(int argc, char** argv) {
    auto opts = common_model_options();
    opts.push_back({{"-f", "--file"}, "FILE", "text file to score"});
    Args args("perplexity", "-m MODEL -f TEXT -c CTX", opts);
    if (!args.parse(argc, argv)) return 0;
    const int ctx = args.get_int("-c", 512);
    // Half of each chunk is scored, after the half that gives it context: 2 tokens at least.
    if (ctx < 2) throw Error("-c must be at least 2 for perplexity, not " + std::to_string(ctx));
    const std::string text = read_text_file(args.require("-f"));
    const auto model = load_model(args);
    SessionOptions so;
    so.n_ctx = ctx;
    so.n_batch = ctx;
    Session session(model, so);
    const auto tokens = model->tokenizer().encode(text, true, false);
    std::fprintf(stderr, "%zu tokens, %zu chunks of %d\n", tokens.size(), tokens.size() / ctx, ctx);
    const auto r = perplexity(session, tokens, ctx, [](int chunk, double ppl) {
        std::printf("[%d]%.4f,", chunk + 1, ppl);
        std::fflush(stdout);
    });
    std::printf("\nPPL = %.4f\n", r.ppl());
    return 0;
}

}  // namespace tern::cli
