// Behaviour of loaded models and sessions a user relies on: same weights in any ternary encoding
// give the same answer, batching and the KV cache do not change results, generation is
// reproducible, and bad files fail cleanly.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "gguf/gguf.h"
#include "synth_models.h"
#include "tern/error.h"
#include "tern/generate.h"
#include "tern/inspect.h"
#include "tern/model.h"
#include "tern/perplexity.h"
#include "tern/session.h"

namespace tern {
namespace {

std::shared_ptr<Model> load(const std::string& path, int threads = 2) {
    LoadOptions o;
    o.n_threads = threads;
    return Model::load(path, o);
}

std::vector<float> all_logits(const std::string& path, const std::vector<int32_t>& ids, int threads = 2) {
    auto m = load(path, threads);
    Session s(m);
    std::vector<float> out;
    s.eval(ids, &out);
    return out;
}

const std::vector<int32_t> kIds = {128000, 791, 6864, 315, 9822, 374, 12366, 13};

TEST(ModelLoad, ReadsHyperParametersFromTheFile) {
    auto m = load(test::synth_model());
    const ModelInfo& i = m->info();
    EXPECT_EQ(i.arch, "bitnet-b1.58");
    EXPECT_EQ(i.n_vocab, 128256);
    EXPECT_EQ(i.n_embd, 256);
    EXPECT_EQ(i.n_layer, 2);
    EXPECT_EQ(i.n_head, 4);
    EXPECT_EQ(i.n_head_kv, 2);
    EXPECT_EQ(i.head_dim, 64);
    EXPECT_EQ(i.n_ff, 512);
    EXPECT_FLOAT_EQ(i.rope_theta, 500000.0f);
    EXPECT_EQ(i.activation, "relu^2");
    EXPECT_EQ(i.ternary_type, "I2_S");
    EXPECT_TRUE(i.tied_head);
    EXPECT_EQ(i.tensor_types.at("I2_S"), 2 * 7);
    EXPECT_EQ(i.tensor_types.at("F16"), 1);
    EXPECT_EQ(m->chat_template(), ChatTemplate::BitNet2B);
}

TEST(ModelLoad, OlderBitnetArchitectureUsesSiluAndItsOwnVocabulary) {
    auto m = load(test::synth_model("bitnet"));
    EXPECT_EQ(m->info().activation, "silu");
    EXPECT_EQ(m->info().n_head_kv, m->info().n_head);
    EXPECT_EQ(m->chat_template(), ChatTemplate::Plain);
}

// The chat template a front end shows before loading (inspect_model) is the one the loaded model
// uses, and says whether the file's template was recognised: tern-cli synth's llama file carries
// Llama 3's; the 2B4T layout's placeholder is no known template (the default for a vocabulary
// with <|eot_id|>); the older bitnet vocabulary has no template and no <|eot_id|> (Plain).
TEST(ModelLoad, InspectAndLoadAgreeOnTheChatTemplate) {
    struct Case {
        std::string path;
        ChatTemplate want;
        bool recognised;
    };
    for (const Case& c : {Case{test::synth_model("llama"), ChatTemplate::Llama3, true},
                          Case{test::synth_model("bitnet-b1.58"), ChatTemplate::BitNet2B, false},
                          Case{test::synth_model("bitnet"), ChatTemplate::Plain, false}}) {
        const ModelFile f = inspect_model(c.path);
        EXPECT_EQ(f.chat_template, c.want) << c.path;
        EXPECT_EQ(f.chat_template_recognised, c.recognised) << c.path;
        EXPECT_EQ(load(c.path)->chat_template(), c.want) << c.path;
    }
}

TEST(TernaryEncodings, I2sTq2Tq1GiveIdenticalLogitsForTheSameWeights) {
    const auto i2s = all_logits(test::synth_model("bitnet-b1.58", TypeId::I2_S), kIds);
    const auto tq2 = all_logits(test::synth_model("bitnet-b1.58", TypeId::TQ2_0), kIds);
    const auto tq1 = all_logits(test::synth_model("bitnet-b1.58", TypeId::TQ1_0), kIds);
    ASSERT_EQ(i2s.size(), tq2.size());
    ASSERT_EQ(i2s.size(), tq1.size());
    for (size_t j = 0; j < i2s.size(); ++j) {
        ASSERT_EQ(i2s[j], tq2[j]) << "logit " << j;
        ASSERT_EQ(i2s[j], tq1[j]) << "logit " << j;
    }
}

TEST(TernaryEncodings, FloatTernaryWithScaleTensorsMatchesI2s) {
    const auto i2s = all_logits(test::synth_model("bitnet", TypeId::I2_S), {1, 50, 300, 7});
    const auto f16 = all_logits(test::synth_model("bitnet", TypeId::F16), {1, 50, 300, 7});
    ASSERT_EQ(i2s.size(), f16.size());
    for (size_t j = 0; j < i2s.size(); ++j) ASSERT_NEAR(i2s[j], f16[j], 1e-4 * (1 + std::fabs(i2s[j])));
}

TEST(Session, BatchedPrefillEqualsTokenByToken) {
    auto m = load(test::synth_model());
    Session batched(m), single(m);
    std::vector<float> a;
    batched.eval(kIds, &a);
    std::vector<float> b;
    for (int32_t id : kIds) single.eval(std::vector<int32_t>{id}, &b);
    ASSERT_EQ(a.size(), b.size());
    for (size_t j = 0; j < a.size(); ++j) ASSERT_NEAR(a[j], b[j], 1e-5 * (1 + std::fabs(a[j])));
}

TEST(Session, ThreadCountDoesNotChangeResults) {
    const auto one = all_logits(test::synth_model(), kIds, 1);
    const auto two = all_logits(test::synth_model(), kIds, 2);
    EXPECT_EQ(one, two);
}

TEST(Session, SessionsOnTwoThreadsShareOneModel) {
    auto m = load(test::synth_model());
    const auto want = all_logits(test::synth_model(), kIds);
    std::vector<float> a, b;
    std::thread ta([&] { Session s(m); s.eval(kIds, &a); });
    std::thread tb([&] { Session s(m); s.eval(kIds, &b); });
    ta.join();
    tb.join();
    EXPECT_EQ(a, want);
    EXPECT_EQ(b, want);
}

TEST(Session, TrimThenReEvaluateGivesTheSameLogits) {
    auto m = load(test::synth_model());
    Session s(m);
    const auto full = s.eval(kIds);
    const std::vector<float> want(full.begin(), full.end());
    s.trim(5);
    EXPECT_EQ(s.n_past(), 5);
    const auto again = s.eval(std::span(kIds).subspan(5));
    for (size_t j = 0; j < want.size(); ++j) ASSERT_NEAR(again[j], want[j], 1e-5 * (1 + std::fabs(want[j])));
}

TEST(Session, RejectsOverflowAndBadIds) {
    auto m = load(test::synth_model());
    SessionOptions so;
    so.n_ctx = 8;
    Session s(m, so);
    EXPECT_THROW(s.eval(std::vector<int32_t>{5, 128256}), Error);
    EXPECT_THROW(s.eval(std::vector<int32_t>{-1}), Error);
    EXPECT_EQ(s.n_past(), 0);
    s.eval(std::vector<int32_t>(8, 5));
    try {
        s.eval(std::vector<int32_t>{5});
        FAIL() << "expected a context-full error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("context"), std::string::npos) << e.what();
    }
}

TEST(Session, CancelStopsBetweenBatches) {
    auto m = load(test::synth_model());
    SessionOptions so;
    so.n_batch = 2;
    Session s(m, so);
    std::atomic<bool> cancel{true};
    EXPECT_THROW(s.eval(kIds, nullptr, &cancel), Cancelled);
    EXPECT_EQ(s.n_past(), 0);
}

TEST(Generate, GreedyIsDeterministicAndSeedsReproduce) {
    auto m = load(test::synth_model());
    auto run = [&](float temp, uint64_t seed) {
        Session s(m);
        GenerateOptions g;
        g.max_tokens = 24;
        g.stop_at_end_of_generation = false;
        g.sampling.temperature = temp;
        g.sampling.seed = seed;
        std::vector<int32_t> out;
        generate(s, kIds, g, [&](std::string_view, int32_t id) {
            out.push_back(id);
            return true;
        });
        return out;
    };
    const auto greedy = run(0.0f, 1);
    EXPECT_EQ(greedy.size(), 24u);
    EXPECT_EQ(greedy, run(0.0f, 2));
    EXPECT_EQ(run(0.9f, 42), run(0.9f, 42));
    EXPECT_NE(run(5.0f, 42), run(5.0f, 43));
}

TEST(Generate, ReusesTheCachedPrefixAndGivesTheSameTokens) {
    auto m = load(test::synth_model());
    Session s(m);
    GenerateOptions g;
    g.max_tokens = 6;
    g.stop_at_end_of_generation = false;
    g.sampling.temperature = 0;
    std::vector<int32_t> a, b;
    generate(s, kIds, g, [&](std::string_view, int32_t id) { a.push_back(id); return true; });
    const auto r = generate(s, kIds, g, [&](std::string_view, int32_t id) { b.push_back(id); return true; });
    EXPECT_EQ(r.n_reused, static_cast<int>(kIds.size()) - 1);
    EXPECT_EQ(a, b);
}

TEST(Generate, StopsWhenTheCallbackSaysSo) {
    auto m = load(test::synth_model());
    Session s(m);
    GenerateOptions g;
    g.max_tokens = 50;
    g.stop_at_end_of_generation = false;
    int calls = 0;
    const auto r = generate(s, kIds, g, [&](std::string_view, int32_t) { return ++calls < 3; });
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(r.stop_reason, "stopped");
}

TEST(Perplexity, ScoresTheSecondHalfOfEachChunk) {
    auto m = load(test::synth_model());
    SessionOptions so;
    so.n_ctx = 16;
    so.n_batch = 16;
    Session s(m, so);
    std::vector<int32_t> toks(40);
    for (size_t i = 0; i < toks.size(); ++i) toks[i] = static_cast<int32_t>(100 + 37 * i);
    const auto r = perplexity(s, toks, 16);
    EXPECT_EQ(r.n_chunks, 2);
    EXPECT_EQ(r.n_scored, 2 * 7);
    EXPECT_TRUE(std::isfinite(r.ppl()));
    EXPECT_GT(r.ppl(), 1.0);
    EXPECT_THROW(perplexity(s, std::span(toks).first(10), 16), Error);
}

// --- bad files ---------------------------------------------------------------------------------

std::string expect_load_error(const std::string& path) {
    try {
        load(path);
    } catch (const Cancelled&) {
        ADD_FAILURE() << "unexpected cancel";
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "loading " << path << " should fail";
    return "";
}

std::string copy_with(const std::string& src, const std::string& name, size_t truncate_to) {
    const auto dst = (test::temp_dir() / name).string();
    std::filesystem::copy_file(src, dst, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(dst, truncate_to);
    return dst;
}

TEST(ModelLoad, TruncatedFileNamesTheFile) {
    const std::string src = test::synth_model();
    const auto size = std::filesystem::file_size(src);
    for (size_t cut : {size_t{0}, size_t{3}, size_t{100}, size_t{5000}, size / 2, size - 1}) {
        const auto path = copy_with(src, "truncated-" + std::to_string(cut) + ".gguf", cut);
        const std::string msg = expect_load_error(path);
        EXPECT_NE(msg.find(path), std::string::npos) << msg;
    }
}

TEST(ModelLoad, MissingFile) {
    const std::string msg = expect_load_error("/nonexistent/model.gguf");
    EXPECT_NE(msg.find("/nonexistent/model.gguf"), std::string::npos) << msg;
}

// Rewrites a synthetic model with one change, to check the loader's own validation.
std::string rewrite(const std::string& name, const std::function<void(gguf::Writer&, const gguf::File&)>& edit,
                    const std::function<bool(const gguf::TensorInfo&)>& keep_tensor) {
    auto f = gguf::File::open(test::synth_model());
    gguf::Writer w;
    edit(w, *f);
    for (const auto& t : f->tensors()) {
        if (!keep_tensor(t)) continue;
        const TensorView v = f->view(t);
        std::vector<uint64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
        w.add_tensor(t.name, t.type, ne, std::vector<uint8_t>(v.data, v.data + v.nbytes));
    }
    const auto path = (test::temp_dir() / name).string();
    w.write_file(path);
    return path;
}

void copy_metadata(gguf::Writer& w, const gguf::File& f, const std::string& skip = "") {
    for (const auto& [key, v] : f.metadata()) {
        if (key == skip) continue;
        switch (v.type) {
            case gguf::ValueType::STRING: w.set_string(key, std::string(v.str)); break;
            case gguf::ValueType::UINT32: w.set_u32(key, static_cast<uint32_t>(v.u)); break;
            case gguf::ValueType::FLOAT32: w.set_f32(key, static_cast<float>(v.f)); break;
            case gguf::ValueType::BOOL: w.set_bool(key, v.u != 0); break;
            case gguf::ValueType::ARRAY:
                if (v.elem_type == gguf::ValueType::STRING) {
                    w.set_array_string(key, std::vector<std::string>(v.strings.begin(), v.strings.end()));
                } else if (v.elem_type == gguf::ValueType::FLOAT32) {
                    std::vector<float> a(v.count);
                    for (uint64_t i = 0; i < v.count; ++i) a[i] = static_cast<float>(v.float_at(i));
                    w.set_array_f32(key, a);
                } else {
                    std::vector<int32_t> a(v.count);
                    for (uint64_t i = 0; i < v.count; ++i) a[i] = static_cast<int32_t>(v.int_at(i));
                    w.set_array_i32(key, a);
                }
                break;
            default: FAIL() << "unexpected metadata type for " << key;
        }
    }
}

TEST(ModelLoad, MissingTensorIsNamed) {
    const auto path = rewrite("missing-tensor.gguf", [](auto& w, const auto& f) { copy_metadata(w, f); },
                              [](const gguf::TensorInfo& t) { return t.name != "blk.1.ffn_down.weight"; });
    const std::string msg = expect_load_error(path);
    EXPECT_NE(msg.find("blk.1.ffn_down.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST(ModelLoad, UnsupportedArchitectureIsNamed) {
    const auto path = rewrite(
        "mamba-arch.gguf",
        [](auto& w, const auto& f) {
            w.set_string("general.architecture", "mamba");
            copy_metadata(w, f, "general.architecture");
        },
        [](const auto&) { return true; });
    const std::string msg = expect_load_error(path);
    EXPECT_NE(msg.find("'mamba'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("not supported"), std::string::npos) << msg;
}

TEST(ModelLoad, InconsistentHyperParameterIsNamed) {
    const auto path = rewrite(
        "bad-ff.gguf",
        [](auto& w, const auto& f) {
            w.set_u32("bitnet-b1.58.feed_forward_length", 1024);
            copy_metadata(w, f, "bitnet-b1.58.feed_forward_length");
        },
        [](const auto&) { return true; });
    const std::string msg = expect_load_error(path);
    EXPECT_NE(msg.find("ffn_gate.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("shape"), std::string::npos) << msg;
}

// rope.scaling keys as llama.cpp writes them: yarn is read with its defaults and the file's
// overrides; what Tern does not run is refused by name, never run unscaled.
TEST(ModelLoad, RopeScalingKeysAreReadOrRefusedByName) {
    const std::string a = "bitnet-b1.58.rope.scaling.";
    auto with = [&](const std::string& name, const std::function<void(gguf::Writer&)>& keys) {
        return rewrite(
            name,
            [&](auto& w, const auto& f) {
                copy_metadata(w, f);
                keys(w);
            },
            [](const auto&) { return true; });
    };
    const auto yarn = with("yarn.gguf", [&](gguf::Writer& w) {
        w.set_string(a + "type", "yarn");
        w.set_f32(a + "factor", 4.0f);
        w.set_u32(a + "original_context_length", 512);
        w.set_f32(a + "yarn_beta_fast", 16.0f);
    });
    const ModelInfo info = Model::load(yarn)->info();
    EXPECT_EQ(info.rope_scaling, "yarn");
    EXPECT_FLOAT_EQ(info.rope_freq_scale, 0.25f);
    EXPECT_EQ(info.rope_ctx_orig, 512);
    EXPECT_FLOAT_EQ(info.yarn_beta_fast, 16.0f);  // the file's
    EXPECT_FLOAT_EQ(info.yarn_beta_slow, 1.0f);   // llama.cpp's defaults
    EXPECT_FLOAT_EQ(info.yarn_ext_factor, 1.0f);
    EXPECT_FLOAT_EQ(info.yarn_attn_factor, 1.0f);

    const auto linear = with("linear.gguf", [&](gguf::Writer& w) { w.set_f32(a + "factor", 2.0f); });
    EXPECT_EQ(Model::load(linear)->info().rope_scaling, "linear");

    const auto longrope = with("longrope.gguf", [&](gguf::Writer& w) {
        w.set_string(a + "type", "longrope");
        w.set_f32(a + "factor", 4.0f);
    });
    std::string msg = expect_load_error(longrope);
    EXPECT_NE(msg.find("'longrope' is not supported"), std::string::npos) << msg;

    const auto log_mul = with("yarn-log-mul.gguf", [&](gguf::Writer& w) {
        w.set_string(a + "type", "yarn");
        w.set_f32(a + "factor", 4.0f);
        w.set_f32(a + "yarn_log_multiplier", 0.1f);
    });
    msg = expect_load_error(log_mul);
    EXPECT_NE(msg.find("yarn_log_multiplier"), std::string::npos) << msg;

    const auto bad_beta = with("yarn-bad-beta.gguf", [&](gguf::Writer& w) {
        w.set_string(a + "type", "yarn");
        w.set_f32(a + "factor", 4.0f);
        w.set_f32(a + "yarn_beta_slow", -1.0f);
    });
    msg = expect_load_error(bad_beta);
    EXPECT_NE(msg.find("yarn_beta_slow"), std::string::npos) << msg;
}

TEST(ModelLoad, ProgressReachesOneAndCancelWorks) {
    LoadOptions o;
    float last = -1;
    bool monotonic = true;
    o.progress = [&](float p) {
        monotonic &= p >= last;
        last = p;
        return true;
    };
    Model::load(test::synth_model(), o);
    EXPECT_TRUE(monotonic);
    EXPECT_FLOAT_EQ(last, 1.0f);
    o.progress = [](float p) { return p < 0.3f; };
    EXPECT_THROW(Model::load(test::synth_model(), o), Cancelled);
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

// The engine enforces the checks the front ends run (tern::validate), so no caller can start
// 100000 threads or a session with a negative context.
TEST(ModelLoad, ThreadCountAboveTheCapIsRefusedBeforeTheFileIsOpened) {
    EXPECT_GE(max_threads(), 4);
    LoadOptions o;
    o.n_threads = max_threads() + 1;
    const std::string why = validate(o);
    EXPECT_EQ(why, "threads must be between 1 and " + std::to_string(max_threads()) +
                       " (4 per hardware thread on this machine; 0 = one per hardware thread), not " +
                       std::to_string(max_threads() + 1));
    EXPECT_EQ(error_of([&] { Model::load("/nonexistent/model.gguf", o); }), why);
    o.n_threads = -1;
    EXPECT_NE(validate(o), "");
    o.n_threads = 0;
    EXPECT_EQ(validate(o), "");
    o.device = -2;
    EXPECT_EQ(validate(o), "device must be a device index (0, 1, ...), not -2");
}

TEST(Session, NegativeContextOrBatchIsRefused) {
    auto m = Model::load(test::synth_model());
    EXPECT_EQ(error_of([&] { Session s(m, {.n_ctx = -5}); }),
              "context length must be at least 1 (0 = the model's, at most 4096), not -5");
    EXPECT_EQ(error_of([&] { Session s(m, {.n_ctx = 16, .n_batch = 0}); }), "batch size must be at least 1, not 0");
    EXPECT_EQ(validate(SessionOptions{}), "");
}

TEST(Generate, NonsenseOptionsAreRefusedBeforeAnyWork) {
    auto m = Model::load(test::synth_model());
    Session s(m, {.n_ctx = 64});
    const std::vector<int32_t> prompt = {1, 2, 3};
    GenerateOptions g;
    g.sampling.top_p = std::nanf("");
    EXPECT_EQ(error_of([&] { generate(s, prompt, g, [](std::string_view, int32_t) { return true; }); }),
              "top-p must be between 0 and 1 (1 = off), not nan");
    EXPECT_EQ(s.n_past(), 0);  // nothing was evaluated
    g = {};
    g.max_tokens = -1;
    EXPECT_EQ(validate(g), "the answer length must not be negative, not -1");
}

}  // namespace
}  // namespace tern
