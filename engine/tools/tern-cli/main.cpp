// tern-cli: run, inspect and generate BitNet b1.58 models from the command line.
#include <cstring>
#include <iostream>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "commands.h"
#include "tern/error.h"

namespace {

struct Command {
    const char* name;
    int (*run)(int, char**);
    const char* help;
};

constexpr Command kCommands[] = {
    {"info", tern::cli::cmd_info, "architecture, hyper-parameters, tensor types and memory of a model"},
    {"tokenize", tern::cli::cmd_tokenize, "print the token ids of a text"},
    {"generate", tern::cli::cmd_generate, "generate text from a prompt, streaming it"},
    {"chat", tern::cli::cmd_chat, "interactive chat in the terminal"},
    {"logits", tern::cli::cmd_logits, "write the logits of given token ids as float32"},
    {"perplexity", tern::cli::cmd_perplexity, "perplexity of a text file (llama.cpp chunking)"},
    {"synth", tern::cli::cmd_synth, "write a random ternary model in the official layout"},
    {"bench", tern::cli::cmd_bench, "prompt and generation speed, memory and energy; ternary vs FP16"},
#ifdef TERN_HAVE_SERVER
    {"serve", tern::cli::cmd_serve, "OpenAI-compatible HTTP server on this machine (/v1/chat/completions, ...)"},
#endif
    {"devices", tern::cli::cmd_devices, "list the Vulkan compute devices (--device N picks one)"},
};

void print_usage(std::ostream& out) {
    out << "usage: tern-cli COMMAND [options]   (tern-cli COMMAND --help for its options)\n\ncommands:\n";
    for (const auto& c : kCommands) out << "  " << c.name << std::string(12 - std::strlen(c.name), ' ') << c.help << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    // Logs go to stderr: stdout carries what a command prints (bench --json, tokenize's ids).
    spdlog::set_default_logger(spdlog::stderr_color_mt("tern-cli"));
    spdlog::set_level(spdlog::level::warn);
    spdlog::set_pattern("[%l] %v");
    if (argc < 2) {
        print_usage(std::cerr);
        return 2;
    }
    const std::string name = argv[1];
    if (name == "-h" || name == "--help" || name == "help") {
        print_usage(std::cout);
        return 0;
    }
    for (const auto& c : kCommands) {
        if (name != c.name) continue;
        try {
            return c.run(argc - 2, argv + 2);
        } catch (const tern::Cancelled&) {
            std::cerr << "tern-cli: cancelled\n";
            return 130;
        } catch (const std::exception& e) {
            std::cerr << "tern-cli " << name << ": error: " << e.what() << "\n";
            return 1;
        }
    }
    std::cerr << "tern-cli: unknown command '" << name << "'\n";
    print_usage(std::cerr);
    return 2;
}
