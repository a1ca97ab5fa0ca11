#include <cstdio>
#include <unistd.h>

#include "commands.h"
#include "synth/synth.h"
#include "tern/error.h"

namespace tern::cli {

int cmd_synth(int argc, char** argv) {
    Args args("synth", "--preset NAME [--arch ARCH] --seed S --tokenizer tokenizer.json -o OUT.gguf [--type TYPE]",
              {{{"--preset"}, "NAME",
                "tiny, small, or the real shapes: 2b4t (BitNet), falcon3-1b and llama3-8b (--arch llama), "
                "bonsai-1.7b and bonsai-4b (--arch qwen3)"},
               {{"--arch"}, "ARCH",
                "bitnet-b1.58 (default), bitnet-25, bitnet (1bitLLM, SiLU, own vocab), llama (Falcon3 / "
                "Llama3-1.58 layout: no sub-norms, normal RoPE, untied head) or qwen3 (Ternary-Bonsai: Q/K "
                "norms, tied head)"},
               {{"--seed"}, "S", "random seed (default 1)"},
               {{"--tokenizer"}, "FILE", "Hugging Face tokenizer.json with the Llama-3 vocabulary (required for the BitNet b1.58 "
                "architectures; without it llama and qwen3 get a small synthetic SentencePiece vocabulary)"},
               {{"--type"}, "TYPE", "i2_s (default), tq2_0, tq1_0, f16 or f32 (bitnet: ternary values with *.scale; llama: a dense "
                "model; qwen3: ternary values with a scale per 128 weights)"},
               {{"-o", "--output"}, "FILE", "output GGUF file"}});
    if (!args.parse(argc, argv)) return 0;
    SynthOptions o;
    o.preset = args.get("--preset").value_or("tiny");
    o.arch = args.get("--arch").value_or("bitnet-b1.58");
    o.seed = args.get_u64("--seed", 1);
    o.tokenizer_json = args.get("--tokenizer").value_or("");
    const std::string type = args.get("--type").value_or("i2_s");
    if (type == "i2_s") o.type = TypeId::I2_S;
    else if (type == "tq2_0") o.type = TypeId::TQ2_0;
    else if (type == "tq1_0") o.type = TypeId::TQ1_0;
    else if (type == "f16") o.type = TypeId::F16;
    else if (type == "f32") o.type = TypeId::F32;
    else throw Error("--type: unknown type '" + type + "' (use i2_s, tq2_0, tq1_0, f16 or f32)");
    if (isatty(STDERR_FILENO))
        o.progress = [](float p) { std::fprintf(stderr, "\rwriting %3d%%%s", static_cast<int>(p * 100), p >= 1 ? "\n" : ""); };
    const std::string out = args.require("-o");
    write_synth_model(o, out);
    std::fprintf(stderr, "wrote %s\n", out.c_str());
    return 0;
}

}  // namespace tern::cli
