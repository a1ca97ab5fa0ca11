#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "tern/error.h"

namespace tern::cli {
namespace {

// Writes beside the target and renames over it, so a failed write never leaves a half file and a
// symlink named by -o keeps pointing at the (new) target.
void write_atomically(const std::string& name, const std::string& target, const std::vector<float>& data) {
    const std::string tmp = target + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error(name + ": cannot create " + tmp + ": " + std::strerror(errno));
    const bool written = std::fwrite(data.data(), sizeof(float), data.size(), f) == data.size() && std::fflush(f) == 0;
    const int write_errno = errno;
    if (std::fclose(f) != 0 || !written) {
        const int e = written ? errno : write_errno;
        std::remove(tmp.c_str());
        throw Error(name + ": write failed: " + std::strerror(e));
    }
    if (std::rename(tmp.c_str(), target.c_str()) != 0) {
        const int e = errno;
        std::remove(tmp.c_str());
        throw Error(name + ": cannot rename " + tmp + " into place: " + std::strerror(e));
    }
}

}  // namespace

int cmd_logits(int argc, char** argv) {
    auto opts = common_model_options();
    opts.push_back({{"--ids"}, "1,2,3", "token ids to evaluate at positions 0..n-1 (no BOS is added)"});
    opts.push_back({{"-o", "--output"}, "FILE", "output: little-endian float32 [n_ids][n_vocab]; - for standard output"});
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
    // Checked before the model loads: a directory or a device at -o fails at once.
    const std::string target = out_path == "-" ? out_path : output_file_target(out_path);
    SessionOptions so = session_options(args);
    const auto model = load_model(args);
    if (so.n_ctx == 0) so.n_ctx = std::max<int>(std::min(model->info().n_ctx_train, 4096), static_cast<int>(ids.size()));
    Session session(model, so);
    std::vector<float> logits;
    session.eval(ids, &logits);
    if (target == "-") {
        if (std::fwrite(logits.data(), sizeof(float), logits.size(), stdout) != logits.size() || std::fflush(stdout) != 0)
            throw Error(std::string("standard output: write failed: ") + std::strerror(errno));
    } else {
        write_atomically(out_path, target, logits);
    }
    std::fprintf(stderr, "wrote %zu x %d logits to %s\n", ids.size(), model->info().n_vocab,
                 target == "-" ? "standard output" : out_path.c_str());
    return 0;
}

}  // namespace tern::cli
