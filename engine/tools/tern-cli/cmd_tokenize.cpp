#include <cstdio>
#include <string>

#include "commands.h"
#include "tern/error.h"

namespace tern::cli {

int cmd_tokenize(int argc, char** argv) {
    Args args("tokenize", "-m MODEL (-p TEXT | -f FILE) [--no-bos]",
              {{{"-m", "--model"}, "FILE", "model file (GGUF)"},
               {{"-p", "--prompt"}, "TEXT", "text to tokenize"},
               {{"-f", "--file"}, "FILE", "read the text from a file"},
               {{"--no-bos"}, "", "do not add the BOS token"},
               {{"--no-special"}, "", "treat control-token text such as <|eot_id|> as plain text"},
               {{"-v", "--verbose"}, "", "log what the engine does"}});
    if (!args.parse(argc, argv)) return 0;
    const auto prompt = args.get("-p");
    const auto file = args.get("-f");
    if (prompt.has_value() == file.has_value()) throw Error("give exactly one of -p TEXT or -f FILE");
    const std::string text = prompt ? *prompt : read_text_file(*file);
    LoadOptions opt;
    opt.n_threads = 1;
    const auto model = Model::load(args.require("-m"), opt);
    const auto& tok = model->tokenizer();
    const auto ids = tok.encode(text, !args.flag("--no-bos") && tok.add_bos_default(), !args.flag("--no-special"));
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) line += (i ? "," : "") + std::to_string(ids[i]);
    std::printf("%s\n", line.c_str());
    return 0;
}

}  // namespace tern::cli
