// tern-cli's contract, run as a user runs it: the real binary, its output and exit codes.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "synth_models.h"
#include "tern/bench.h"
#include "tern/machine.h"
#include "tern/model.h"
#include "tern/session.h"
#include "util/user_files.h"

namespace tern {
namespace {

struct CliRun {
    int code = -1;
    std::string out, err;
};

CliRun run_cli(const std::string& args, const std::string& env = "") {
    const auto err_path = (test::temp_dir() / "stderr.txt").string();
    const std::string cmd = env + " " + std::string(TERN_CLI) + " " + args + " 2>" + err_path;
    CliRun r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream e(err_path);
    std::stringstream ss;
    ss << e.rdbuf();
    r.err = ss.str();
    return r;
}

std::string q(const std::string& s) { return "'" + s + "'"; }

TEST(Cli, SynthWritesALoadableModelAndInfoDescribesIt) {
    const auto path = (test::temp_dir() / "cli-tiny.gguf").string();
    CliRun r = run_cli("synth --preset tiny --seed 3 --tokenizer " + q(TERN_TOKENIZER_JSON) + " -o " + q(path));
    ASSERT_EQ(r.code, 0) << r.err;
    r = run_cli("info " + q(path));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("architecture:  bitnet-b1.58"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("layers:        2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("I2_S x14"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("memory:"), std::string::npos) << r.out;
}

TEST(Cli, TokenizePrintsCommaSeparatedIds) {
    const std::string model = test::synth_model();
    CliRun r = run_cli("tokenize -m " + q(model) + " -p " + q("User: hi<|eot_id|>Assistant: "));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "128000,1502,25,15960,128009,72803,25,220\n");
    r = run_cli("tokenize -m " + q(model) + " -p " + q("read_file") + " --no-bos");
    EXPECT_EQ(r.out, "888,2517\n");
}

TEST(Cli, LogitsFileMatchesTheEngine) {
    const std::string model = test::synth_model();
    const auto out = (test::temp_dir() / "logits.bin").string();
    CliRun r = run_cli("logits -m " + q(model) + " --ids 1,2,3 -t 2 --kv f32 -o " + q(out));
    ASSERT_EQ(r.code, 0) << r.err;
    auto m = Model::load(model);
    ASSERT_EQ(std::filesystem::file_size(out), 3u * m->info().n_vocab * sizeof(float));
    std::vector<float> file(3 * m->info().n_vocab);
    std::ifstream(out, std::ios::binary).read(reinterpret_cast<char*>(file.data()), file.size() * sizeof(float));
    Session s(m);
    std::vector<float> want;
    s.eval(std::vector<int32_t>{1, 2, 3}, &want);
    EXPECT_EQ(file, want);
}

std::vector<float> read_floats(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<float> v(bytes.size() / sizeof(float));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
    return v;
}

// The ternary kernels are bit-exact (simd_kernels_test); the F16 head's SIMD kernel sums in
// another order, so whole-model logits agree to float rounding. Any error in the ternary path
// would be far larger: int8 activation quantization turns it into whole quantization steps.
bool same_logits(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size() || a.empty()) return false;
    float scale = 0;
    for (float v : a) scale = std::max(scale, std::fabs(v));
    for (size_t i = 0; i < a.size(); ++i)
        if (std::fabs(a[i] - b[i]) > 1e-5f * scale) return false;
    return true;
}

// The SIMD kernels must give the reference kernels' logits, for every ternary encoding.
TEST(Cli, FastKernelsGiveTheReferenceLogits) {
    for (TypeId type : {TypeId::I2_S, TypeId::TQ2_0, TypeId::TQ1_0}) {
        const std::string model = test::synth_model("bitnet-b1.58", type);
        const auto fast = (test::temp_dir() / "fast.bin").string(), ref = (test::temp_dir() / "ref.bin").string();
        const std::string args = "logits -m " + q(model) + " --ids 128000,791,6864,315,9822 -t 2 -o ";
        ASSERT_EQ(run_cli(args + q(fast)).code, 0);
        ASSERT_EQ(run_cli(args + q(ref), "TERN_CPU_KERNEL=reference").code, 0);
        EXPECT_TRUE(same_logits(read_floats(fast), read_floats(ref))) << type_name(static_cast<uint32_t>(type));
    }
    for (const char* kernel : {"scalar", "avx2", "avxvnni"}) {
        const std::string model = test::synth_model();
        const auto a = (test::temp_dir() / "a.bin").string(), b = (test::temp_dir() / "b.bin").string();
        const std::string args = "logits -m " + q(model) + " --ids 1,2,3 -o ";
        ASSERT_EQ(run_cli(args + q(a), "TERN_CPU_KERNEL=reference").code, 0);
        const CliRun r = run_cli(args + q(b), std::string("TERN_CPU_KERNEL=") + kernel);
        if (r.code != 0) continue;  // this CPU lacks the kernel
        EXPECT_TRUE(same_logits(read_floats(a), read_floats(b))) << kernel;
    }
}

// What other tools parse: `bench --precision both --json` gives one object per test and precision.
TEST(Cli, BenchBothPrecisionsAsJson) {
    const std::string model = test::synth_model();
    const CliRun r = run_cli("bench -m " + q(model) + " -p 8 -n 4 -r 1 -t 2 --precision both --json");
    ASSERT_EQ(r.code, 0) << r.err;
    const auto json = nlohmann::json::parse(r.out);
    ASSERT_EQ(json.size(), 4u);
    const char* want[][2] = {{"pp8", "ternary"}, {"tg4", "ternary"}, {"pp8", "fp16"}, {"tg4", "fp16"}};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(json[i]["test"], want[i][0]);
        EXPECT_EQ(json[i]["precision"], want[i][1]);
        EXPECT_EQ(json[i]["threads"], 2);
        EXPECT_GT(json[i]["tokens_per_second"].get<double>(), 0);
        EXPECT_GT(json[i]["joules_per_token_est"].get<double>(), 0);
    }
    // The FP16 baseline really runs dense F16 weights: it reads far more bytes per token.
    EXPECT_GT(json[3]["bytes_per_token"].get<double>(), json[1]["bytes_per_token"].get<double>());
    EXPECT_NE(run_cli("bench -m " + q(model) + " --precision fp8").code, 0);
    // The app imports this file: it parses, and one invocation is one group on one machine.
    const BenchReport report = parse_bench_json(r.out);
    ASSERT_EQ(report.results.size(), 4u);
    for (const BenchResult& x : report.results) EXPECT_EQ(x.group, report.results[0].group);
    EXPECT_EQ(report.machine.isa, describe_machine().isa);
}

// A sweep from the command line: the same JSON, each point labelled, its roof from the bandwidth
// the sweep measured.
TEST(Cli, BenchSweepPrintsPointsWithTheirRoof) {
    const std::string model = test::synth_model();
    const CliRun r = run_cli("bench -m " + q(model) + " --sweep pp --values 8,16 -n 4 -r 1 -t 1 --json");
    ASSERT_EQ(r.code, 0) << r.err;
    const BenchReport report = parse_bench_json(r.out);
    ASSERT_EQ(report.results.size(), 2u);
    EXPECT_GT(report.machine.read_bandwidth, 0);
    MachineInfo here = describe_machine();
    here.read_bandwidth = report.machine.read_bandwidth;
    EXPECT_TRUE(report.machine == here);
    for (int i = 0; i < 2; ++i) {
        const BenchResult& x = report.results[i];
        EXPECT_EQ(x.sweep, "pp");
        EXPECT_EQ(x.sweep_value, 8 << i);
        EXPECT_EQ(x.test, "pp" + std::to_string(8 << i));
        EXPECT_EQ(x.series, "ternary cpu");
        EXPECT_EQ(x.group, report.results[0].group);
        EXPECT_DOUBLE_EQ(x.roof_tokens_per_second, report.machine.read_bandwidth / x.bytes_per_token);
    }
    const std::string bench = "bench -m " + q(model) + " -r 1 ";
    for (const char* bad : {"--sweep batch", "--sweep pp --values 8,x", "--sweep pp --values ''", "--values 8",
                            "--backend both", "--sweep depth --values 0 -n 0"}) {
        const CliRun e = run_cli(bench + bad);
        EXPECT_NE(e.code, 0) << bad;
        EXPECT_NE(e.err.find("error"), std::string::npos) << bad << ": " << e.err;
    }
}

// A warning (here: no Vulkan device 99, so the CPU runs) goes to stderr and leaves the JSON on
// stdout parseable.
TEST(Cli, WarningsGoToStderrNotIntoTheJson) {
    const CliRun r = run_cli("bench -m " + q(test::synth_model()) + " --device 99 -p 8 -n 2 -r 1 -t 2 --json");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("[warning]"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("[warning]"), std::string::npos) << r.out;
    EXPECT_EQ(nlohmann::json::parse(r.out).size(), 2u) << r.out;
}

// info names the chat template detected from the file; --chat-template overrides it (another
// prompt: another token count), and an unknown name is an error that lists the known ones.
TEST(Cli, ChatTemplateIsShownAndCanBeOverridden) {
    const std::string model = TERN_SOURCE_DIR "/resources/models/demo-fp16.gguf";
    CliRun r = run_cli("info " + q(model));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("chat template: bitnet"), std::string::npos) << r.out;
    const std::string gen = "generate -m " + q(model) + " -p hi --chat -n 1 --temp 0 -t 2";
    auto prompt_tokens = [](const std::string& err) {
        const size_t at = err.find("[prompt ");
        return at == std::string::npos ? -1 : std::stoi(err.substr(at + 8));
    };
    const CliRun detected = run_cli(gen), chatml = run_cli(gen + " --chat-template chatml");
    ASSERT_EQ(detected.code, 0) << detected.err;
    ASSERT_EQ(chatml.code, 0) << chatml.err;
    EXPECT_GT(prompt_tokens(detected.err), 0) << detected.err;
    EXPECT_NE(prompt_tokens(chatml.err), prompt_tokens(detected.err)) << chatml.err;
    r = run_cli(gen + " --chat-template jinja");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("falcon3"), std::string::npos) << r.err;
}

TEST(Cli, GenerateStreamsAndGreedyIsRepeatable) {
    const std::string model = test::synth_model();
    const std::string cmd = "generate -m " + q(model) + " -p " + q("Hello") + " -n 12 --temp 0 -t 2";
    const CliRun a = run_cli(cmd), b = run_cli(cmd);
    ASSERT_EQ(a.code, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(a.out.rfind("Hello", 0), 0u) << a.out;
    EXPECT_GT(a.out.size(), 5u);
    EXPECT_NE(a.err.find("t/s"), std::string::npos) << a.err;
    const CliRun q8 = run_cli(cmd + " --kv q8");  // the int8 KV cache
    ASSERT_EQ(q8.code, 0) << q8.err;
    EXPECT_EQ(q8.out.rfind("Hello", 0), 0u) << q8.out;
    const CliRun chat = run_cli("generate -m " + q(model) + " -p hi --chat --system " + q("Be brief.") + " -n 4 --seed 9");
    EXPECT_EQ(chat.code, 0) << chat.err;
}

TEST(Cli, PerplexityEndsWithThePplLine) {
    const std::string model = test::synth_model();
    const auto text = (test::temp_dir() / "text.txt").string();
    std::ofstream(text) << "The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst "
                           "of times, it was the age of wisdom, it was the age of foolishness.";
    const CliRun r = run_cli("perplexity -m " + q(model) + " -f " + q(text) + " -c 16 -t 2");
    ASSERT_EQ(r.code, 0) << r.err;
    const auto last_line = r.out.substr(r.out.rfind("PPL = "));
    const double ppl = std::stod(last_line.substr(6));
    EXPECT_TRUE(std::isfinite(ppl) && ppl > 1.0) << r.out;
}

// The llama and qwen3 layouts through every command a user runs: synth writes them, info says
// how the projections run, logits equal the engine's (which ForwardVsReference checks against
// the double-precision reference), generate --chat, perplexity and bench work.
TEST(Cli, LlamaAndQwen3FilesRunThroughEveryCommand) {
    struct Family {
        const char *arch, *type, *numerics, *rope;
        bool llama3_vocab;  // else synth's small SentencePiece vocabulary (fast)
    };
    const Family families[] = {
        {"llama", "f16", "activations:   float", "rope:          normal", false},
        {"llama", "tq1_0", "activations:   int8 per-token absmax (BitNet)", "rope:          normal", true},
        {"qwen3", "tq2_0", "weight-only ternary", "per-head Q/K norms", false}};
    const auto text = (test::temp_dir() / "family-text.txt").string();
    std::ofstream(text) << "The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst "
                           "of times, it was the age of wisdom, it was the age of foolishness.";
    for (const Family& f : families) {
        const std::string what = std::string(f.arch) + " " + f.type;
        const auto path = (test::temp_dir() / ("cli-" + std::string(f.arch) + f.type + ".gguf")).string();
        CliRun r = run_cli(std::string("synth --arch ") + f.arch + " --type " + f.type + " --preset tiny " +
                           (f.llama3_vocab ? "--tokenizer " + q(TERN_TOKENIZER_JSON) : "") + " -o " + q(path));
        ASSERT_EQ(r.code, 0) << what << r.err;
        r = run_cli("info " + q(path));
        ASSERT_EQ(r.code, 0) << what << r.err;
        EXPECT_NE(r.out.find(std::string("architecture:  ") + f.arch), std::string::npos) << r.out;
        EXPECT_NE(r.out.find(f.numerics), std::string::npos) << r.out;
        EXPECT_NE(r.out.find(f.rope), std::string::npos) << r.out;
        const auto out = (test::temp_dir() / "family-logits.bin").string();
        const std::vector<int32_t> ids = f.llama3_vocab ? std::vector<int32_t>{128000, 791, 6864, 315}
                                                        : std::vector<int32_t>{1, 791, 64, 315};
        r = run_cli("logits -m " + q(path) + " --ids " + std::to_string(ids[0]) + "," + std::to_string(ids[1]) + "," +
                    std::to_string(ids[2]) + "," + std::to_string(ids[3]) + " -t 2 --kv f32 -o " + q(out));
        ASSERT_EQ(r.code, 0) << what << r.err;
        LoadOptions lo;
        lo.n_threads = 2;
        Session s(Model::load(path, lo));
        std::vector<float> want;
        s.eval(ids, &want);
        EXPECT_TRUE(same_logits(read_floats(out), want)) << what;
        r = run_cli("generate -m " + q(path) + " -p hi --chat -n 4 --seed 9 -t 2");
        EXPECT_EQ(r.code, 0) << what << r.err;
        r = run_cli("perplexity -m " + q(path) + " -f " + q(text) + " -c 16 -t 2");
        ASSERT_EQ(r.code, 0) << what << r.err;
        EXPECT_NE(r.out.find("PPL = "), std::string::npos) << r.out;
        r = run_cli("bench -m " + q(path) + " -p 8 -n 4 -r 1 -t 2 --json");
        ASSERT_EQ(r.code, 0) << what << r.err;
        EXPECT_GT(nlohmann::json::parse(r.out)[1]["tokens_per_second"].get<double>(), 0) << what;
    }
}

TEST(Cli, ChatAnswersFromStdin) {
    const std::string model = test::synth_model();
    const CliRun r = run_cli("chat -m " + q(model) + " -n 3 < /dev/null");
    EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Cli, ErrorsGoToStderrWithNonZeroExit) {
    const auto bad = (test::temp_dir() / "not-a-model.gguf").string();
    std::ofstream(bad) << "this is not a gguf file";
    CliRun r = run_cli("info " + q(bad));
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
    r = run_cli("generate -m " + q(test::synth_model()) + " -p x --top-k abc");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("--top-k"), std::string::npos) << r.err;
    r = run_cli("generate -m " + q(test::synth_model()) + " -p x --kv q4");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("--kv must be f16, f32 or q8"), std::string::npos) << r.err;
    r = run_cli("frobnicate");
    EXPECT_NE(r.code, 0);
    r = run_cli("generate --bogus");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("--bogus"), std::string::npos) << r.err;
}

TEST(Cli, EveryCommandHasHelp) {
    for (const char* c : {"info", "tokenize", "generate", "chat", "logits", "perplexity", "synth"}) {
        const CliRun r = run_cli(std::string(c) + " --help");
        EXPECT_EQ(r.code, 0) << c;
        EXPECT_NE(r.out.find("usage: tern-cli"), std::string::npos) << c << ": " << r.out;
    }
}

// ---- Hostile input (issue 17): each refused with a message naming it, never a crash or a hang ----

// Under `timeout`: a command that blocks fails the test with code 124 instead of hanging it.
CliRun run_bounded(const std::string& args) { return run_cli(args, "timeout -s KILL 30"); }

std::string make_fifo(const std::string& name) {
    const auto path = (test::temp_dir() / name).string();
    ::unlink(path.c_str());
    EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
    return path;
}

// `-c 0` used to divide by zero (SIGFPE) before the context was checked.
TEST(Cli, PerplexityRefusesAContextTooShortToScore) {
    const std::string model = test::synth_model();
    const auto text = (test::temp_dir() / "ppl.txt").string();
    std::ofstream(text) << "The quick brown fox jumps over the lazy dog.";
    for (const char* ctx : {"0", "1", "-3"}) {
        const CliRun r = run_bounded("perplexity -m " + q(model) + " -f " + q(text) + " -c " + ctx + " -t 2");
        EXPECT_EQ(r.code, 1) << "-c " << ctx << ": " << r.err;
        EXPECT_NE(r.err.find("-c must be at least 2"), std::string::npos) << r.err;
    }
}

// A FIFO as the model, the text or the tokenizer used to block in open() forever; /dev/zero as the
// text was read until memory ran out; a directory as -f was read as empty text.
TEST(Cli, NonRegularFilesAreRefusedWithoutBlocking) {
    const std::string model = test::synth_model();
    const std::string fifo = make_fifo("input.fifo");
    const std::string dir = test::temp_dir().string();
    const auto out = (test::temp_dir() / "unused.gguf").string();
    const struct {
        std::string args, why;
    } cases[] = {
        {"info " + q(fifo), fifo + ": is a FIFO (named pipe), not a regular file"},
        {"tokenize -m " + q(fifo) + " -p hi", fifo + ": is a FIFO (named pipe)"},
        {"generate -m " + q(fifo) + " -p hi -n 1", fifo + ": is a FIFO (named pipe)"},
        {"tokenize -m " + q(model) + " -f " + q(fifo), fifo + ": is a FIFO (named pipe)"},
        {"perplexity -m " + q(model) + " -f " + q(fifo) + " -c 16", fifo + ": is a FIFO (named pipe)"},
        {"synth --preset tiny --tokenizer " + q(fifo) + " -o " + q(out), fifo + ": is a FIFO (named pipe)"},
        {"tokenize -m " + q(model) + " -f /dev/zero", "/dev/zero: is a character device, not a regular file"},
        {"tokenize -m " + q(model) + " -f " + q(dir), dir + ": is a directory"},
        {"info " + q(dir), dir + ": is a directory"},
    };
    for (const auto& c : cases) {
        const CliRun r = run_bounded(c.args);
        EXPECT_EQ(r.code, 1) << c.args << "\n" << r.err;  // 124: it blocked
        EXPECT_NE(r.err.find(c.why), std::string::npos) << c.args << "\n" << r.err;
        EXPECT_TRUE(r.out.empty()) << c.args;
    }
}

TEST(Cli, TextInputIsBounded) {
    const auto big = (test::temp_dir() / "huge.txt").string();
    { std::ofstream touch(big); }
    std::filesystem::resize_file(big, 300ull << 20);  // sparse: nothing is written
    const CliRun r = run_bounded("tokenize -m " + q(test::synth_model()) + " -f " + q(big));
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find(big + ": is 300.0 MiB; text input is limited to 256.0 MiB"), std::string::npos) << r.err;
    std::filesystem::remove(big);
}

// -t 100000 used to create threads until the machine ran out of process ids.
TEST(Cli, ThreadCountsAboveTheCapAreRefused) {
    const std::string model = test::synth_model();
    const std::string too_many = std::to_string(max_threads() + 1);
    for (const std::string& cmd : {"generate -m " + q(model) + " -p hi -n 1 -t ",
                                   "bench -m " + q(model) + " --membw -p 1 -n 1 -r 1 -t ",
                                   "logits -m " + q(model) + " --ids 1 -o - -t "}) {
        for (const std::string& n : {std::string("100000"), too_many, std::string("-2")}) {
            const CliRun r = run_bounded(cmd + n);
            EXPECT_EQ(r.code, 1) << cmd << n << "\n" << r.err;
            EXPECT_NE(r.err.find("threads must be between 1 and " + std::to_string(max_threads()) + " (4 per hardware"),
                      std::string::npos)
                << r.err;
        }
    }
    EXPECT_EQ(run_bounded("generate -m " + q(model) + " -p hi -n 1 -t " + std::to_string(max_threads())).code, 0);
}

// Every numeric option is checked (finite, in range) before the model loads: the command prints
// nothing but the error. These used to be accepted and used.
TEST(Cli, NonsenseNumbersAreRefusedBeforeLoading) {
    const std::string gen = "generate -m " + q(test::synth_model()) + " -p hi -n 2 ";
    const struct {
        std::string args, why;
    } cases[] = {
        {gen + "--temp nan", "temperature must be a finite number >= 0 (0 = greedy), not nan"},
        {gen + "--temp -1", "temperature must be a finite number >= 0 (0 = greedy), not -1"},
        {gen + "--temp inf", "temperature must be a finite number >= 0 (0 = greedy), not inf"},
        {gen + "--top-p nan", "top-p must be between 0 and 1 (1 = off), not nan"},
        {gen + "--top-p 5", "top-p must be between 0 and 1 (1 = off), not 5"},
        {gen + "--min-p -1", "min-p must be between 0 and 1 (0 = off), not -1"},
        {gen + "--min-p 2", "min-p must be between 0 and 1 (0 = off), not 2"},
        {gen + "--top-k -5", "top-k must be a whole number >= 0 (0 = off), not -5"},
        {gen + "--repeat-penalty nan", "repeat penalty must be a finite number > 0 (1 = off), not nan"},
        {gen + "--repeat-penalty inf", "repeat penalty must be a finite number > 0 (1 = off), not inf"},
        {gen + "--repeat-penalty 0", "repeat penalty must be a finite number > 0 (1 = off), not 0"},
        {gen + "-c -5", "context length must be at least 1"},
        {"chat -m " + q(test::synth_model()) + " --temp nan < /dev/null", "temperature must be a finite number"},
        {"info " + q(test::synth_model()) + " -c -5", "context length must be at least 1 (0 = the model's, at most 4096), not -5"},
        {"bench -m " + q(test::synth_model()) + " -r 0", "repetitions must be at least 1, not 0"},
        {"bench -m " + q(test::synth_model()) + " -p -4", "token counts must not be negative"},
    };
    for (const auto& c : cases) {
        const CliRun r = run_bounded(c.args);
        EXPECT_EQ(r.code, 1) << c.args << "\n" << r.err;
        EXPECT_NE(r.err.find(c.why), std::string::npos) << c.args << "\n" << r.err;
        EXPECT_TRUE(r.out.empty()) << c.args << "\n" << r.out;  // generate echoes the prompt once loaded
    }
    // The edges of each range are fine.
    const CliRun ok = run_bounded(gen + "--temp 0 --top-p 1 --min-p 0 --top-k 0 --repeat-penalty 1 -t 1");
    EXPECT_EQ(ok.code, 0) << ok.err;
}

// -o used to write PATH.tmp and rename it over PATH: a symlink (or a device node, as root) at PATH
// was replaced by a regular file, and -o DIR said "disk full?".
TEST(Cli, OutputsFollowSymlinksAndRefuseNonRegularTargets) {
    namespace fs = std::filesystem;
    const std::string model = test::synth_model();
    const fs::path dir = test::temp_dir() / "outputs";
    fs::create_directories(dir);
    const int n_vocab = Model::load(model)->info().n_vocab;
    const uintmax_t want_bytes = 3u * n_vocab * sizeof(float);
    const std::string logits = "logits -m " + q(model) + " --ids 1,2,3 -t 2 --kv f32 -o ";

    // A symlink to a regular file: the target gets the logits, the link stays a link.
    std::ofstream(dir / "real.bin") << "old contents";
    fs::create_symlink("real.bin", dir / "link.bin");
    CliRun r = run_bounded(logits + q((dir / "link.bin").string()));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir / "link.bin"));
    EXPECT_EQ(fs::file_size(dir / "real.bin"), want_bytes);
    EXPECT_FALSE(fs::exists(dir / "link.bin.tmp"));
    EXPECT_FALSE(fs::exists(dir / "real.bin.tmp"));

    // A dangling symlink names the file to create.
    fs::create_symlink("new.bin", dir / "dangling.bin");
    r = run_bounded(logits + q((dir / "dangling.bin").string()));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir / "dangling.bin"));
    EXPECT_EQ(fs::file_size(dir / "new.bin"), want_bytes);

    // "-" is standard output, byte for byte the same as the file.
    r = run_bounded(logits + "-");
    ASSERT_EQ(r.code, 0) << r.err;
    std::ifstream in(dir / "real.bin", std::ios::binary);
    const std::string file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(r.out, file);

    // A directory says so; a FIFO (or a link to one) is refused without blocking and left alone.
    r = run_bounded(logits + q(dir.string()));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(dir.string() + ": is a directory"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("disk full"), std::string::npos) << r.err;
    const std::string fifo = make_fifo("outputs/out.fifo");
    fs::create_symlink("out.fifo", dir / "fifo-link");
    for (const std::string& target : {fifo, (dir / "fifo-link").string()}) {
        r = run_bounded(logits + q(target));
        EXPECT_EQ(r.code, 1) << target << ": " << r.err;
        EXPECT_NE(r.err.find("is a FIFO (named pipe), not a regular file (only regular files, or - for standard output)"),
                  std::string::npos)
            << r.err;
        EXPECT_TRUE(fs::is_fifo(fifo));
    }
    // A device node, where this user may create one (root): refused, and still a device after.
    const auto dev = (dir / "null-device").string();
    if (::mknod(dev.c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0) {
        r = run_bounded(logits + q(dev));
        EXPECT_EQ(r.code, 1) << r.err;
        EXPECT_NE(r.err.find(dev + ": is a character device"), std::string::npos) << r.err;
        EXPECT_TRUE(fs::is_character_file(dev));
    }

    // synth -o goes through the same rules.
    fs::create_symlink("model-target.gguf", dir / "model-link.gguf");
    r = run_bounded("synth --preset tiny --seed 2 --tokenizer " + q(TERN_TOKENIZER_JSON) + " -o " +
                    q((dir / "model-link.gguf").string()));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir / "model-link.gguf"));
    EXPECT_EQ(run_bounded("info " + q((dir / "model-target.gguf").string())).code, 0);
    r = run_bounded("synth --preset tiny --tokenizer " + q(TERN_TOKENIZER_JSON) + " -o " + q(dir.string()));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find(dir.string() + ": is a directory"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tern
