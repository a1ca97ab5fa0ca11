#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include "tern/error.h"
#include "tern/sampler.h"

namespace tern {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// Every filter off: plain softmax(logits / T) sampling, so tests switch on only what they test.
SamplerParams plain(float temperature, uint64_t seed = 1) {
    SamplerParams p;
    p.temperature = temperature;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.repeat_penalty = 1.0f;
    p.seed = seed;
    return p;
}

std::vector<float> random_logits(size_t n, uint32_t seed, float scale = 3.0f) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(gen);
    return v;
}

std::vector<int32_t> draw(Sampler& s, const std::vector<float>& logits, int count,
                          const std::vector<int32_t>& history = {}) {
    std::vector<int32_t> out;
    out.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) out.push_back(s.sample(logits, history));
    return out;
}

int32_t argmax(const std::vector<float>& v) {
    return static_cast<int32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

TEST(Sampler, GreedyPicksArgmax) {
    Sampler s(plain(0.0f));
    EXPECT_EQ(s.sample(std::vector<float>{0.1f, 2.5f, -1.0f, 2.4f}, {}), 1);
    const auto big = random_logits(128256, 7);
    EXPECT_EQ(s.sample(big, {}), argmax(big));
}

TEST(Sampler, GreedyTiesGoToLowestId) {
    Sampler s(plain(0.0f));
    EXPECT_EQ(s.sample(std::vector<float>{1.0f, 3.0f, 2.0f, 3.0f, 3.0f}, {}), 1);
    EXPECT_EQ(s.sample(std::vector<float>{5.0f, 5.0f}, {}), 0);
}

TEST(Sampler, SameSeedSameSequence) {
    const auto logits = random_logits(1000, 3, 1.0f);
    SamplerParams p;  // defaults: every stage active
    p.temperature = 1.5f;
    p.top_k = 200;
    p.seed = 1234;
    Sampler a(p), b(p);
    const auto sa = draw(a, logits, 200);
    EXPECT_EQ(sa, draw(b, logits, 200));
    EXPECT_GT(std::set<int32_t>(sa.begin(), sa.end()).size(), 10u);  // it really is random

    p.seed = 4321;
    Sampler c(p);
    EXPECT_NE(sa, draw(c, logits, 200));
}

TEST(Sampler, ResetReplays) {
    const auto logits = random_logits(500, 4, 1.0f);
    Sampler s(plain(1.0f, 99));
    const auto first = draw(s, logits, 200);
    const auto second = draw(s, logits, 200);
    EXPECT_NE(first, second);  // the stream moves on...
    s.reset();
    EXPECT_EQ(first, draw(s, logits, 200));  // ...and reset rewinds it
}

TEST(Sampler, SeedIsPortable) {
    // The draw uses only mt19937_64 (fully specified by the standard) and our own [0,1) mapping,
    // so this sequence is the same with every standard library. A change here breaks replays.
    const std::vector<float> logits = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    Sampler s(plain(1.0f, 42));
    std::mt19937_64 rng(42);
    for (int i = 0; i < 50; ++i) {
        const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
        EXPECT_EQ(s.sample(logits, {}), static_cast<int32_t>(u * 8.0));
    }
}

TEST(Sampler, TopK1IsGreedyAtAnyTemperature) {
    const auto logits = random_logits(128256, 5);
    const int32_t best = argmax(logits);
    for (float t : {0.1f, 1.0f, 5.0f, 1000.0f}) {
        SamplerParams p = plain(t);
        p.top_k = 1;
        Sampler s(p);
        for (int32_t tok : draw(s, logits, 50)) EXPECT_EQ(tok, best) << "T=" << t;
    }
    // With a tie the lowest id is the one kept, as in greedy.
    SamplerParams p = plain(2.0f);
    p.top_k = 1;
    Sampler s(p);
    for (int32_t tok : draw(s, std::vector<float>{0.0f, 4.0f, 1.0f, 4.0f}, 50)) EXPECT_EQ(tok, 1);
}

TEST(Sampler, TopKKeepsOnlyTheKLargest) {
    const std::vector<float> logits = {0.5f, 3.0f, 0.0f, 2.0f, 1.0f, 2.5f, -1.0f};
    SamplerParams p = plain(50.0f);  // nearly uniform, so excluded ids would show up
    p.top_k = 3;
    Sampler s(p);
    const auto seq = draw(s, logits, 3000);
    EXPECT_EQ(std::set<int32_t>(seq.begin(), seq.end()), (std::set<int32_t>{1, 3, 5}));
}

TEST(Sampler, TinyTopPKeepsOnlyTheTopToken) {
    const auto logits = random_logits(128256, 6, 1.0f);
    const int32_t best = argmax(logits);
    // At T = 3 over 128k tokens the top probability is about 3e-5, above every p tried here.
    for (float top_p : {0.0f, 1e-7f, 1e-6f}) {
        SamplerParams p = plain(3.0f);
        p.top_p = top_p;
        Sampler s(p);
        for (int32_t tok : draw(s, logits, 50)) EXPECT_EQ(tok, best) << "top_p=" << top_p;
    }
}

TEST(Sampler, TopPKeepsSmallestPrefixReachingP) {
    // Probabilities 0.5, 0.25, 0.125, 0.125 (T = 1): p = 0.7 needs the first two tokens.
    const std::vector<float> logits = {std::log(0.125f), std::log(0.5f), std::log(0.125f),
                                       std::log(0.25f)};
    SamplerParams p = plain(1.0f);
    p.top_p = 0.7f;
    Sampler s(p);
    const auto seq = draw(s, logits, 3000);
    EXPECT_EQ(std::set<int32_t>(seq.begin(), seq.end()), (std::set<int32_t>{1, 3}));
    // Renormalised over {1, 3}: 2/3 and 1/3.
    const double share = static_cast<double>(std::count(seq.begin(), seq.end(), 1)) / seq.size();
    EXPECT_NEAR(share, 2.0 / 3.0, 0.03);
}

TEST(Sampler, TopPOnLargeVocabularyBreaksTiesById) {
    // 4096 equal logits: every probability is exactly 2^-12, so p = 0.5 keeps exactly 2048 tokens,
    // and with all of them tied the lowest ids are the ones kept.
    const std::vector<float> logits(4096, 0.25f);
    SamplerParams p = plain(1.0f);
    p.top_p = 0.5f;
    Sampler s(p);
    const auto seq = draw(s, logits, 5000);
    const std::set<int32_t> seen(seq.begin(), seq.end());
    EXPECT_LT(*seen.rbegin(), 2048);
    EXPECT_GT(*seen.rbegin(), 1900);
    EXPECT_GT(seen.size(), 1500u);
}

TEST(Sampler, TopPMatchesFullSortReference) {
    // Spread-out logits need thousands of tokens to reach p: more than the first head of 1024.
    const auto logits = random_logits(128256, 9, 3.0f);
    const float top_p = 0.9f;
    std::vector<int32_t> order(logits.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return logits[a] != logits[b] ? logits[a] > logits[b] : a < b;
    });
    double z = 0.0;
    for (float x : logits) z += std::exp(static_cast<double>(x) - logits[order[0]]);
    std::vector<int32_t> rank(logits.size());
    size_t keep = 0;
    for (double cum = 0.0; keep < order.size() && cum < top_p; ++keep)
        cum += std::exp(static_cast<double>(logits[order[keep]]) - logits[order[0]]) / z;
    for (size_t r = 0; r < order.size(); ++r) rank[order[r]] = static_cast<int32_t>(r);
    ASSERT_GT(keep, 2000u);

    SamplerParams p = plain(1.0f);
    p.top_p = top_p;
    Sampler s(p);
    int32_t max_rank = 0;
    for (int32_t tok : draw(s, logits, 300)) max_rank = std::max(max_rank, rank[tok]);
    EXPECT_LE(max_rank, static_cast<int32_t>(keep));  // one token of slack for float rounding
    EXPECT_GT(max_rank, static_cast<int32_t>(keep * 3 / 4));
}

TEST(Sampler, MinPFiltersRelativeToTheTopProbability) {
    // At T = 2, prob ratio to the top token is exp((l - 4) / 2). With min_p = 0.3 the threshold is
    // l >= 4 + 2 ln 0.3 = 1.592: ids 0, 2, 4 (4.0, 3.0, 1.7) pass, 1.4 and below do not.
    const std::vector<float> logits = {4.0f, 1.4f, 3.0f, -2.0f, 1.7f, 0.0f, 1.5f};
    SamplerParams p = plain(2.0f);
    p.min_p = 0.3f;
    Sampler s(p);
    const auto seq = draw(s, logits, 5000);
    EXPECT_EQ(std::set<int32_t>(seq.begin(), seq.end()), (std::set<int32_t>{0, 2, 4}));

    // min_p = 1 keeps only the top token (and never empties the set).
    p.min_p = 1.0f;
    Sampler only_top(p);
    for (int32_t tok : draw(only_top, logits, 100)) EXPECT_EQ(tok, 0);
}

TEST(Sampler, EmpiricalDistributionMatchesSoftmax) {
    const std::vector<float> logits = {1.0f, 2.0f, 0.5f, -1.0f, 3.0f, 2.2f};
    const float t = 0.7f;
    std::vector<double> expected(logits.size());
    double z = 0.0;
    for (size_t i = 0; i < logits.size(); ++i) z += expected[i] = std::exp(logits[i] / t);
    for (auto& e : expected) e /= z;

    constexpr int kDraws = 20000;
    Sampler s(plain(t, 2024));
    std::vector<int> counts(logits.size(), 0);
    for (int32_t tok : draw(s, logits, kDraws)) counts[static_cast<size_t>(tok)]++;

    double chi2 = 0.0;
    for (size_t i = 0; i < logits.size(); ++i) {
        const double observed = static_cast<double>(counts[i]) / kDraws;
        EXPECT_NEAR(observed, expected[i], 0.015) << "token " << i;
        const double e = expected[i] * kDraws;
        chi2 += (counts[i] - e) * (counts[i] - e) / e;
    }
    EXPECT_LT(chi2, 20.5);  // 5 degrees of freedom, p = 0.001
}

TEST(Sampler, RepetitionPenaltyLowersPositiveLogit) {
    const std::vector<float> logits = {2.0f, 1.9f, 0.0f};
    SamplerParams p = plain(0.0f);
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0}), 0);
    p.repeat_penalty = 1.5f;  // 2.0 / 1.5 = 1.33 < 1.9
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0}), 1);
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{2}), 0);  // other tokens untouched
}

TEST(Sampler, RepetitionPenaltyLowersNegativeLogit) {
    const std::vector<float> logits = {-1.0f, -1.2f, -5.0f};
    SamplerParams p = plain(0.0f);
    p.repeat_penalty = 1.5f;  // -1.0 * 1.5 = -1.5 < -1.2 (dividing would have raised it)
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0}), 1);
}

TEST(Sampler, RepetitionPenaltyCountsEachTokenOnce) {
    // Once: 2.0 / 1.5 = 1.33 > 1.0. Compounded three times it would be 0.59 < 1.0.
    const std::vector<float> logits = {2.0f, 1.0f};
    SamplerParams p = plain(0.0f);
    p.repeat_penalty = 1.5f;
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0, 0, 0}), 0);
}

TEST(Sampler, RepetitionPenaltyWindow) {
    const std::vector<float> logits = {2.0f, 1.9f, 0.0f};
    SamplerParams p = plain(0.0f);
    p.repeat_penalty = 1.5f;
    p.repeat_last_n = 2;
    const std::vector<int32_t> old_repeat = {0, 2, 2};  // token 0 is outside the last 2
    EXPECT_EQ(Sampler(p).sample(logits, old_repeat), 0);
    p.repeat_last_n = 3;
    EXPECT_EQ(Sampler(p).sample(logits, old_repeat), 1);
    p.repeat_last_n = 0;  // disabled
    EXPECT_EQ(Sampler(p).sample(logits, old_repeat), 0);
    // Ids outside the vocabulary are ignored rather than trusted.
    p.repeat_last_n = 64;
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{-3, 7, 1000000}), 0);
}

TEST(Sampler, FrequencyPenaltyCountsEveryOccurrence) {
    // Token 0 seen three times: 2.0 - 3 x 0.4 = 0.8 < 1.0, so token 1 wins; seen once: 1.6 > 1.0.
    const std::vector<float> logits = {2.0f, 1.0f, 0.0f};
    SamplerParams p = plain(0.0f);
    p.frequency_penalty = 0.4f;
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0, 0, 0}), 1);
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0}), 0);
    // Negative values encourage repetition: 0.0 + 3 x 1.0 = 3.0 beats 2.0.
    p.frequency_penalty = -1.0f;
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{2, 2, 2}), 2);
}

TEST(Sampler, PresencePenaltyCountsEachTokenOnce) {
    const std::vector<float> logits = {2.0f, 1.0f, 0.0f};
    SamplerParams p = plain(0.0f);
    p.presence_penalty = 0.6f;  // 2.0 - 0.6 = 1.4 > 1.0 however often token 0 was seen
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0, 0, 0, 0}), 0);
    p.presence_penalty = 1.5f;  // 0.5 < 1.0
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0}), 1);
    // The same window as the repetition penalty: token 0 is outside the last 2.
    p.repeat_last_n = 2;
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0, 2, 2}), 0);
    // Huge penalties saturate instead of producing inf - inf = NaN.
    p.presence_penalty = 0.0f;
    p.frequency_penalty = 3e38f;
    p.repeat_last_n = 64;
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{0, 0, 1, 1}), 2);
    p.frequency_penalty = -3e38f;
    EXPECT_EQ(Sampler(p).sample(logits, std::vector<int32_t>{2, 2}), 2);
}

TEST(Sampler, NonFiniteLogitsDoNotCrash) {
    const std::vector<float> mixed = {kNaN, 1.0f, kNaN, 3.0f, -kInf, 2.0f};
    EXPECT_EQ(Sampler(plain(0.0f)).sample(mixed, {}), 3);
    SamplerParams p;  // every stage on
    p.temperature = 1.0f;
    p.top_k = 4;
    p.repeat_penalty = 1.3f;
    Sampler s(p);
    for (int32_t tok : draw(s, mixed, 500, {0, 4})) EXPECT_TRUE(tok == 1 || tok == 3 || tok == 5);

    // Nothing possible: a deterministic 0, whatever the settings.
    const std::vector<float> all_nan(16, kNaN), all_neg_inf(16, -kInf);
    for (float t : {0.0f, 1.0f}) {
        for (int top_k : {0, 4}) {
            SamplerParams q = p;
            q.temperature = t;
            q.top_k = top_k;
            EXPECT_EQ(Sampler(q).sample(all_nan, {}), 0);
            EXPECT_EQ(Sampler(q).sample(all_neg_inf, {}), 0);
        }
    }

    // +inf wins outright instead of turning the softmax into NaN.
    Sampler inf_s(plain(1.0f));
    for (int32_t tok : draw(inf_s, std::vector<float>{0.0f, kInf, 5.0f}, 100)) EXPECT_EQ(tok, 1);
}

TEST(Sampler, ExtremeTemperatures) {
    const std::vector<float> logits = {1.0f, 3.0f, -kInf, 2.0f};
    Sampler cold(plain(1e-30f));
    for (int32_t tok : draw(cold, logits, 100)) EXPECT_EQ(tok, 1);
    Sampler hot(plain(1e30f));  // uniform over the possible tokens, never the -inf one
    const auto seq = draw(hot, logits, 1000);
    EXPECT_EQ(std::set<int32_t>(seq.begin(), seq.end()), (std::set<int32_t>{0, 1, 3}));
}

// The one check the CLI, the app and a server run on what a user typed (issue 17: NaN, negative
// and out-of-range values used to be accepted and used).
TEST(SamplerValidate, AcceptsTheDefaultsAndTheEdgesOfEachRange) {
    EXPECT_EQ(validate(SamplerParams{}), "");
    SamplerParams p;
    p.temperature = 0;
    p.top_k = 0;
    p.top_p = 1;
    p.min_p = 0;
    p.repeat_penalty = 1;
    p.repeat_last_n = -1;
    EXPECT_EQ(validate(p), "");
    p.top_p = 0;
    p.min_p = 1;
    p.temperature = 1e30f;
    EXPECT_EQ(validate(p), "");
}

TEST(SamplerValidate, NamesEachNonsenseValue) {
    const struct {
        void (*set)(SamplerParams&);
        const char* message;
    } cases[] = {
        {[](SamplerParams& p) { p.temperature = kNaN; }, "temperature must be a finite number >= 0 (0 = greedy), not nan"},
        {[](SamplerParams& p) { p.temperature = -1; }, "temperature must be a finite number >= 0 (0 = greedy), not -1"},
        {[](SamplerParams& p) { p.temperature = kInf; }, "temperature must be a finite number >= 0 (0 = greedy), not inf"},
        {[](SamplerParams& p) { p.top_k = -5; }, "top-k must be a whole number >= 0 (0 = off), not -5"},
        {[](SamplerParams& p) { p.top_p = kNaN; }, "top-p must be between 0 and 1 (1 = off), not nan"},
        {[](SamplerParams& p) { p.top_p = 5; }, "top-p must be between 0 and 1 (1 = off), not 5"},
        {[](SamplerParams& p) { p.top_p = -0.1f; }, "top-p must be between 0 and 1 (1 = off), not -0.1"},
        {[](SamplerParams& p) { p.min_p = -1; }, "min-p must be between 0 and 1 (0 = off), not -1"},
        {[](SamplerParams& p) { p.min_p = 2; }, "min-p must be between 0 and 1 (0 = off), not 2"},
        {[](SamplerParams& p) { p.repeat_penalty = kNaN; }, "repeat penalty must be a finite number > 0 (1 = off), not nan"},
        {[](SamplerParams& p) { p.repeat_penalty = kInf; }, "repeat penalty must be a finite number > 0 (1 = off), not inf"},
        {[](SamplerParams& p) { p.repeat_penalty = 0; }, "repeat penalty must be a finite number > 0 (1 = off), not 0"},
        {[](SamplerParams& p) { p.repeat_penalty = -2; }, "repeat penalty must be a finite number > 0 (1 = off), not -2"},
        {[](SamplerParams& p) { p.repeat_last_n = -7; }, "repeat window must be a whole number >= -1 (-1 = all history), not -7"},
        {[](SamplerParams& p) { p.frequency_penalty = kNaN; }, "frequency penalty must be a finite number (0 = off), not nan"},
        {[](SamplerParams& p) { p.presence_penalty = -kInf; }, "presence penalty must be a finite number (0 = off), not -inf"},
    };
    for (const auto& c : cases) {
        SamplerParams p;
        c.set(p);
        EXPECT_EQ(validate(p), c.message);
        // The engine enforces it: a Sampler is never built on such values.
        try {
            Sampler s(p);
            ADD_FAILURE() << "accepted: " << c.message;
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()), std::string("sampling: ") + c.message);
        }
    }
}

TEST(Sampler, EmptyLogitsThrow) {
    Sampler s(plain(1.0f));
    EXPECT_THROW(s.sample(std::span<const float>{}, {}), Error);
}

TEST(Sampler, DefaultsOnLlama3SizedVocabulary) {
    // The default chain on 128256 logits stays inside the top 40 and takes the fast path.
    const auto logits = random_logits(128256, 8);
    std::vector<float> sorted = logits;
    std::nth_element(sorted.begin(), sorted.begin() + 39, sorted.end(), std::greater<>());
    const float kth = sorted[39];
    Sampler s(SamplerParams{});
    std::vector<int32_t> history;
    for (int i = 0; i < 300; ++i) {
        const int32_t tok = s.sample(logits, history);
        ASSERT_GE(tok, 0);
        ASSERT_LT(tok, 128256);
        EXPECT_GE(logits[static_cast<size_t>(tok)], kth);
        history.push_back(tok);
    }
}

}  // namespace
}  // namespace tern
