#include <cstdio>
#include <string>

#include "commands.h"
#include "tern/error.h"

namespace tern::cli {

int cmd_logits(int argc, char** argv) {
    auto opts = common_model_options();
    opts.push_back({{"--ids"}, "1,2,3", "token ids to evaluate at positions 0..n-1 (no BOS is added)"});
    opts.push_back({{"-o", "--output"}, "FILE", "output: little-endian float32 [n_ids][n_vocab]"});
    Args args("logits", "-m MODEL --ids 1,2,3 -o OUT", opts);
    if (!args.parse(argc, argv)) return 0;
    std::vector<int32_t> ids;
    const std::string list = args.require("--ids");
    size_t pos = 0;
    while (pos <= list.size()) {
        const size_t comma = std::min(list.find(',', pos), list.size());
        const std::string item = list.substr(pos, comma - pos);
        try {
            size_t used = 0;
            const long v = std::stol(item, &used);
            if (used != item.size() || v < 0 || v > INT32_MAX) throw std::invalid_argument(item);
            ids.push_back(static_cast<int32_t>(v));
        } catch (const std::exception&) {
            throw Error("--ids: '" + item + "' is not a token id");
        }
        pos = comma + 1;
    }
    const std::string out_path = args.require("-o");
    const auto model = load_model(args);
    SessionOptions so = session_options(args);
    if (so.n_ctx == 0) so.n_ctx = std::max<int>(std::min(model->info().n_ctx_train, 4096), static_cast<int>(ids.size()));
    Session session(model, so);
    std::vector<float> logits;
    session.eval(ids, &logits);
    const std::string tmp = out_path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error(out_path + ": cannot open for writing");
    const size_t written = std::fwrite(logits.data(), sizeof(float), logits.size(), f);
    const bool ok = written == logits.size() && std::fclose(f) == 0;
    if (!ok || std::rename(tmp.c_str(), out_path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error(out_path + ": write failed (disk full?)");
    }
    std::fprintf(stderr, "wrote %zu x %d logits to %s\n", ids.size(), model->info().n_vocab, out_path.c_str());
    return 0;
}

}  // namespace tern::cli
