// The bundled demo pair (resources/models, trained by scripts/train_demo/train.py): the engine must
// compute what the training code computes, and answer the committed questions as it does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gguf/gguf.h"
#include "synth_models.h"

#include "tern/bench.h"
#include "tern/chat.h"
#include "tern/error.h"
#include "tern/generate.h"
#include "tern/model.h"
#include "tern/perplexity.h"
#include "tern/session.h"
#include "tensor/type_traits.h"

namespace {

const std::string kModels = TERN_SOURCE_DIR "/resources/models/";
const std::string kData = TERN_TEST_DATA_DIR "/demo/";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_file(path)); }

std::vector<float> read_floats(const std::string& path) {
    const std::string bytes = read_file(path);
    std::vector<float> out(bytes.size() / sizeof(float));
    std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
    return out;
}

std::shared_ptr<tern::Model> load(const std::string& name) {
    tern::LoadOptions o;
    o.n_threads = 2;
    return tern::Model::load(kModels + name + ".gguf", o);
}

// Engine logits at every prompt position against the PyTorch model's eval logits.
void expect_logits_match(const std::string& name, double max_rel_rms) {
    auto model = load(name);
    const auto prompts = read_json(kData + name + "-prompts.json");
    const std::vector<float> ref = read_floats(kData + name + "-logits.f32");
    const int n_vocab = prompts["n_vocab"];
    ASSERT_EQ(model->info().n_vocab, n_vocab);
    size_t offset = 0;
    for (const auto& p : prompts["prompts"]) {
        const std::vector<int32_t> ids = p["ids"];
        tern::Session s(model);
        std::vector<float> logits;
        s.eval(ids, &logits);
        ASSERT_EQ(logits.size(), ids.size() * n_vocab);
        ASSERT_LE(offset + logits.size(), ref.size());
        double err = 0, norm = 0;
        for (size_t i = 0; i < logits.size(); ++i) {
            const double d = logits[i] - ref[offset + i];
            err += d * d;
            norm += static_cast<double>(ref[offset + i]) * ref[offset + i];
        }
        EXPECT_LT(std::sqrt(err / norm), max_rel_rms) << name << ": " << p["question"];
        offset += logits.size();
    }
    EXPECT_EQ(offset, ref.size()) << "every reference logit compared";
}

std::string greedy_answer(const std::shared_ptr<tern::Model>& model, const std::string& question,
                          std::string* stop_reason = nullptr) {
    tern::Session s(model);
    const auto ids = model->tokenizer().encode(
        tern::format_chat({{tern::ChatMessage::Role::User, question}}, model->chat_template(), true), true, true);
    tern::GenerateOptions g;
    g.max_tokens = 48;
    g.sampling.temperature = 0;       // greedy, as the training script's reference answers
    g.sampling.repeat_penalty = 1.0f;
    std::string out;
    const tern::GenerateResult r = tern::generate(s, ids, g, [&](std::string_view text, int32_t) {
        out += text;
        return true;
    });
    if (stop_reason) *stop_reason = r.stop_reason;
    return out;
}

// The shipped file with the learned structure destroyed: every matrix's values (I2_S codes, F16
// or F32 elements) shuffled within the tensor, norms and the tokenizer kept. Random weights of the
// same shape, with the same value distribution and scales, so only what training learned is gone.
std::string shuffled_copy(const std::string& name) {
    const std::string src = kModels + name + ".gguf";
    std::string bytes = read_file(src);
    const auto file = tern::gguf::File::open(src);
    std::mt19937_64 rng(1234);
    for (const tern::gguf::TensorInfo& t : file->tensors()) {
        if (t.n_dims < 2) continue;
        char* data = bytes.data() + file->data_offset() + t.offset;
        const uint64_t n = t.ne[0] * t.ne[1] * t.ne[2] * t.ne[3];
        if (t.type == static_cast<uint32_t>(tern::TypeId::I2_S)) {
            // n 2-bit codes in the first n/4 bytes (then the scale): shuffle the codes themselves.
            std::vector<uint8_t> codes(n);
            for (uint64_t i = 0; i < n; ++i) codes[i] = (uint8_t(data[i / 4]) >> (2 * (i % 4))) & 3;
            std::shuffle(codes.begin(), codes.end(), rng);
            for (uint64_t i = 0; i < n / 4; ++i)
                data[i] = char(codes[4 * i] | codes[4 * i + 1] << 2 | codes[4 * i + 2] << 4 | codes[4 * i + 3] << 6);
        } else if (t.type == static_cast<uint32_t>(tern::TypeId::F16)) {
            auto* v = reinterpret_cast<uint16_t*>(data);
            std::shuffle(v, v + n, rng);
        } else if (t.type == static_cast<uint32_t>(tern::TypeId::F32)) {
            auto* v = reinterpret_cast<float*>(data);
            std::shuffle(v, v + n, rng);
        } else {
            ADD_FAILURE() << name << ": tensor " << t.name << " has a type this test cannot shuffle";
        }
    }
    const std::string out = (tern::test::temp_dir() / (name + "-shuffled.gguf")).string();
    std::ofstream(out, std::ios::binary) << bytes;
    return out;
}

double validation_ppl(const std::shared_ptr<tern::Model>& model, const std::string& text, int chunks) {
    const int ctx = model->info().n_ctx_train;
    tern::Session s(model, {.n_ctx = ctx, .n_batch = ctx});
    auto tokens = model->tokenizer().encode(text, true, false);
    tokens.resize(std::min<size_t>(tokens.size(), size_t(chunks) * ctx));
    return tern::perplexity(s, tokens, ctx).ppl();
}

// What separates a trained model from random weights, measured on this pair and on shuffled copies
// of it: the greedy answers to the committed questions end by themselves (the end-of-turn token
// within 48 tokens: 3 of 3 for both models, 0 of 3 for both shuffled copies, whose answers repeat
// one token: "print print print ... stone stone"), and the perplexity of the first 4 chunks of the
// held-out text is 116 (ternary) and 78 (twin) against 7577 and 8180. The threshold sits between
// with a margin of about 8x on both sides. Measured and not used, because they do not separate
// the ternary model's answers from random ones: the share of dictionary words (0.6 against
// 0.54-0.62), and the share of answer word pairs that occur in the held-out text (0 for the
// ternary model's three answers, 0.25 for the twin's, 0 for random weights).
constexpr double kMaxValidationPpl = 1000;

struct AnswerQuality {
    int ended_by_themselves = 0;  // answers that stopped with the end-of-turn token
    double validation_ppl = 0;
    std::string answers;  // for the failure message
};

AnswerQuality answer_quality(const std::string& model_path, const nlohmann::json& prompts, const std::string& text) {
    tern::LoadOptions o;
    o.n_threads = 2;
    auto model = tern::Model::load(model_path, o);
    AnswerQuality q;
    for (const auto& p : prompts["prompts"]) {
        std::string stop;
        const std::string answer = greedy_answer(model, p["question"], &stop);
        q.answers += "\n  " + p["question"].get<std::string>() + " -> " + answer + " [" + stop + "]";
        q.ended_by_themselves += stop == "eog";
    }
    q.validation_ppl = validation_ppl(model, text, 4);
    return q;
}

TEST(DemoModel, TernaryLogitsMatchTheTrainingCode) { expect_logits_match("demo-ternary", 1e-3); }

TEST(DemoModel, Fp16TwinLogitsMatchTheTrainingCode) { expect_logits_match("demo-fp16", 1e-4); }

TEST(DemoModel, PerplexityReproducesTheTrainingScript) {
    const auto training = read_json(kModels + "demo-training.json");
    const std::string text = read_file(kModels + "demo-validation.txt");
    for (const char* which : {"ternary", "fp16"}) {
        auto model = load(std::string("demo-") + which);
        const int ctx = model->info().n_ctx_train;
        tern::Session s(model, {.n_ctx = ctx, .n_batch = ctx});
        const auto tokens = model->tokenizer().encode(text, true, false);
        EXPECT_EQ(static_cast<int64_t>(tokens.size()), training[which]["validation_tokens"].get<int64_t>()) << which;
        const double ppl = tern::perplexity(s, tokens, ctx).ppl();
        const double expected = training[which]["validation_ppl"];
        EXPECT_NEAR(ppl, expected, expected * 0.01) << which;
    }
}

TEST(DemoModel, GreedyAnswersAreStableForEveryCommittedQuestion) {
    int n = 0;
    for (const char* which : {"ternary", "fp16"}) {
        const std::string name = std::string("demo-") + which;
        auto model = load(name);
        const auto prompts = read_json(kData + name + "-prompts.json");  // named: a range-for over a temporary's member dangles
        for (const auto& p : prompts["prompts"]) {
            const std::string answer = greedy_answer(model, p["question"]);
            EXPECT_EQ(answer, p["greedy_answer"].get<std::string>()) << name << ": " << p["question"];
            EXPECT_GE(answer.size(), 8u) << name << ": " << p["question"];
            ++n;
        }
    }
    // No dictionary-word check: measured, it did not separate this pair (about 0.6 of its words are
    // dictionary words) from random weights (0.54-0.62).
    EXPECT_EQ(n, 6);  // three committed questions per model: the loop really ran
}

TEST(DemoModel, BenchScoresQualityBesideSpeed) {
    auto model = load("demo-ternary");
    tern::BenchOptions o;
    o.n_prompt = 16;
    o.n_gen = 4;
    o.repetitions = 1;
    o.quality_text = read_file(kModels + "demo-validation.txt").substr(0, 8000);  // a few chunks: fast
    const auto results = tern::bench(model, o);
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].perplexity, 0);
    const tern::BenchResult& q = results[2];
    EXPECT_EQ(q.test, "ppl@c" + std::to_string(model->info().n_ctx_train));
    const int ctx = model->info().n_ctx_train;
    tern::Session s(model, {.n_ctx = ctx, .n_batch = ctx});
    const auto direct = tern::perplexity(s, model->tokenizer().encode(o.quality_text, true, false), ctx);
    EXPECT_DOUBLE_EQ(q.perplexity, direct.ppl());
    EXPECT_EQ(q.n_tokens, direct.n_scored);
    EXPECT_GT(q.perplexity, 1.0);
    EXPECT_GT(q.tokens_per_second, 0);
    const auto json = nlohmann::json::parse(tern::bench_json(results));
    EXPECT_TRUE(json[0]["perplexity"].is_null());
    EXPECT_NEAR(json[2]["perplexity"].get<double>(), q.perplexity, 1e-9);
}

TEST(DemoModel, TrainedModelsPassAQualityCheckThatRandomWeightsOfTheSameShapeFail) {
    const std::string text = read_file(kModels + "demo-validation.txt");
    for (const char* which : {"ternary", "fp16"}) {
        const std::string name = std::string("demo-") + which;
        const auto prompts = read_json(kData + name + "-prompts.json");
        const int n = static_cast<int>(prompts["prompts"].size());
        ASSERT_GE(n, 3) << name;
        const AnswerQuality trained = answer_quality(kModels + name + ".gguf", prompts, text);
        EXPECT_EQ(trained.ended_by_themselves, n) << name << trained.answers;
        EXPECT_LT(trained.validation_ppl, kMaxValidationPpl) << name;
        // The same check on the same shape with the learning shuffled away must fail, or it
        // proves nothing.
        const AnswerQuality random = answer_quality(shuffled_copy(name), prompts, text);
        EXPECT_EQ(random.ended_by_themselves, 0) << name << " shuffled" << random.answers;
        EXPECT_GT(random.validation_ppl, kMaxValidationPpl) << name << " shuffled";
    }
}

TEST(DemoModel, BenchScoresAtMostTheAskedChunksAndCancelsBetweenThem) {
    auto model = load("demo-ternary");
    const int ctx = model->info().n_ctx_train;
    tern::BenchOptions o;
    o.n_prompt = 0;
    o.n_gen = 0;
    o.quality_text = read_file(kModels + "demo-validation.txt");
    o.quality_chunks = 2;
    std::vector<float> fractions;
    o.progress = [&](std::string_view test, float f) {
        EXPECT_EQ(test, "ppl@c" + std::to_string(ctx));
        fractions.push_back(f);
        return true;
    };
    const auto results = tern::bench(model, o);
    ASSERT_EQ(results.size(), 1u);
    tern::Session s(model, {.n_ctx = ctx, .n_batch = ctx});
    auto tokens = model->tokenizer().encode(o.quality_text, true, false);
    tokens.resize(2 * size_t(ctx));
    const auto direct = tern::perplexity(s, tokens, ctx);
    EXPECT_EQ(direct.n_chunks, 2);
    EXPECT_DOUBLE_EQ(results[0].perplexity, direct.ppl());
    EXPECT_EQ(results[0].n_tokens, direct.n_scored);
    EXPECT_EQ(fractions, (std::vector<float>{0.0f, 0.5f, 1.0f}));  // before, and after each chunk

    // Cancelled after the first chunk: no result, tern::Cancelled.
    o.quality_chunks = 0;
    int calls = 0;
    o.progress = [&](std::string_view, float) { return ++calls < 2; };
    EXPECT_THROW(tern::bench(model, o), tern::Cancelled);
    EXPECT_EQ(calls, 2);

    o.progress = {};
    o.quality_chunks = -1;
    EXPECT_THROW(tern::bench(model, o), tern::Error);
}

}  // namespace
