#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "commands.h"
#include "tern/error.h"

namespace tern::cli {

std::shared_ptr<Model> load_model(const Args& args) {
    if (args.flag("-v")) spdlog::set_level(spdlog::level::debug);
    LoadOptions opt;
    opt.n_threads = args.get_int("-t", 0);
    if (opt.n_threads < 0) throw Error("-t must be positive");
    if (isatty(STDERR_FILENO)) {
        opt.progress = [last = -1](float p) mutable {
            const int pct = static_cast<int>(p * 100);
            if (pct != last) std::fprintf(stderr, "\rloading %3d%%%s", pct, pct == 100 ? "\n" : "");
            last = pct;
            return true;
        };
    }
    return Model::load(args.require("-m"), opt);
}

SessionOptions session_options(const Args& args) {
    SessionOptions o;
    o.n_ctx = args.get_int("-c", 0);
    if (o.n_ctx < 0) throw Error("-c must be positive");
    return o;
}

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace tern::cli
