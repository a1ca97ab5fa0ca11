#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
#include "tern/chat.h"
#include "tern/error.h"
#include "tern/generate.h"

namespace tern::cli {
namespace {

std::vector<Option> generation_options() {
    auto o = common_model_options();
    o.insert(o.end(), {
        {{"-n", "--n-predict"}, "N", "tokens to generate (default 128; chat: 512)"},
        {{"--temp"}, "T", "temperature, 0 = greedy (default 0.8)"},
        {{"--top-k"}, "K", "keep the K most likely tokens, 0 = off (default 40)"},
        {{"--top-p"}, "P", "nucleus sampling, 1 = off (default 0.95)"},
        {{"--min-p"}, "P", "drop tokens below P times the best one, 0 = off (default 0.05)"},
        {{"--repeat-penalty"}, "R", "penalty for the last 64 tokens, 1 = off (default 1.1)"},
        {{"--seed"}, "S", "random seed (default 0)"},
        {{"--system"}, "TEXT", "system prompt (chat format)"},
        {{"--chat-template"}, "NAME",
         "chat format instead of the one detected from the file: bitnet, llama3, chatml, falcon3 or plain"},
    });
    return o;
}

// The chat format: --chat-template, else the one the model detected from its file.
ChatTemplate chat_template_for(const Args& a, const Model& model) {
    const auto name = a.get("--chat-template");
    if (!name) return model.chat_template();
    if (auto t = chat_template_from_name(*name)) return *t;
    throw Error("--chat-template: unknown template '" + *name + "' (bitnet, llama3, chatml, falcon3 or plain)");
}

GenerateOptions generate_options(const Args& a, int default_n) {
    GenerateOptions g;
    g.max_tokens = a.get_int("-n", default_n);
    if (g.max_tokens < 0) throw Error("-n must not be negative");
    SamplerParams& s = g.sampling;
    s.temperature = static_cast<float>(a.get_double("--temp", s.temperature));
    s.top_k = a.get_int("--top-k", s.top_k);
    s.top_p = static_cast<float>(a.get_double("--top-p", s.top_p));
    s.min_p = static_cast<float>(a.get_double("--min-p", s.min_p));
    s.repeat_penalty = static_cast<float>(a.get_double("--repeat-penalty", s.repeat_penalty));
    s.seed = a.get_u64("--seed", s.seed);
    check(validate(g));
    return g;
}

void print_timings(const GenerateResult& r) {
    std::fprintf(stderr,
                 "\n[prompt %d tokens (%d cached) in %.0f ms, %.2f t/s | first token %.0f ms | %d generated, "
                 "%.2f t/s | stop: %s]\n",
                 r.n_prompt, r.n_reused, r.prefill_ms, r.prefill_tokens_per_second(), r.ttft_ms, r.n_generated,
                 r.decode_tokens_per_second(), r.stop_reason.c_str());
}

GenerateResult stream(Session& session, const std::vector<int32_t>& prompt, const GenerateOptions& g) {
    return generate(session, prompt, g, [](std::string_view text, int32_t) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return true;
    });
}

}  // namespace

int cmd_generate(int argc, char** argv) {
    auto opts = generation_options();
    opts.insert(opts.begin(), {{"-p", "--prompt"}, "TEXT", "the prompt"});
    opts.push_back({{"--chat"}, "", "wrap the prompt in the model's chat format"});
    Args args("generate", "-m MODEL -p PROMPT [options]", opts);
    if (!args.parse(argc, argv)) return 0;
    const std::string prompt = args.require("-p");
    const GenerateOptions g = generate_options(args, 128);
    const SessionOptions so = session_options(args);
    const auto model = load_model(args);
    Session session(model, so);
    const Tokenizer& tok = model->tokenizer();

    std::vector<int32_t> ids;
    if (args.flag("--chat") || args.get("--system")) {
        std::vector<ChatMessage> msgs;
        if (auto sys = args.get("--system")) msgs.push_back({ChatMessage::Role::System, *sys});
        msgs.push_back({ChatMessage::Role::User, prompt});
        ids = tok.encode(format_chat(msgs, chat_template_for(args, *model), true), true, true);
    } else {
        ids = tok.encode(prompt, tok.add_bos_default(), false);
        std::fwrite(prompt.data(), 1, prompt.size(), stdout);  // continue the prompt, as llama.cpp does
    }
    print_timings(stream(session, ids, g));
    return 0;
}

int cmd_chat(int argc, char** argv) {
    Args args("chat", "-m MODEL [options]   (type /reset to start over, /quit or Ctrl-D to leave)",
              generation_options());
    if (!args.parse(argc, argv)) return 0;
    const GenerateOptions g = generate_options(args, 512);
    const SessionOptions so = session_options(args);
    const auto model = load_model(args);
    Session session(model, so);
    std::vector<ChatMessage> history;
    if (auto sys = args.get("--system")) history.push_back({ChatMessage::Role::System, *sys});
    const size_t base = history.size();
    const ChatTemplate tmpl = chat_template_for(args, *model);
    std::fprintf(stderr, "chatting with %s (%s, chat template %s); /reset starts over, /quit leaves\n",
                 model->info().name.c_str(), model->info().arch.c_str(), chat_template_name(tmpl));
    std::string line;
    while (true) {
        std::fprintf(stdout, "\n> ");
        std::fflush(stdout);
        if (!std::getline(std::cin, line) || line == "/quit" || line == "/exit") break;
        if (line == "/reset") {
            history.resize(base);
            session.reset();
            continue;
        }
        if (line.empty()) continue;
        history.push_back({ChatMessage::Role::User, line});
        const auto ids = model->tokenizer().encode(format_chat(history, tmpl, true), true, true);
        std::string answer;
        const auto r = generate(session, ids, g, [&](std::string_view text, int32_t) {
            answer += text;
            std::fwrite(text.data(), 1, text.size(), stdout);
            std::fflush(stdout);
            return true;
        });
        history.push_back({ChatMessage::Role::Assistant, answer});
        print_timings(r);
    }
    return 0;
}

}  // namespace tern::cli
