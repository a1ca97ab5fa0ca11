// The public benchmark-model writer (tern/benchmark_model.h) as the app uses it: its progress
// callback starts at 0, rises steadily to 1 with no long stretch without news (the 2B4T embedding
// used to sit at 0% for 25 s before the first layer reported), and the file it writes loads.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "tern/benchmark_model.h"
#include "tern/error.h"
#include "tern/inspect.h"

namespace {

std::vector<float> write_and_record(const std::string& preset, const std::string& path) {
    std::vector<float> seen;
    tern::BenchmarkModelOptions o;
    o.preset = preset;
    o.seed = 3;
    o.tokenizer_json = TERN_TOKENIZER_JSON;
    o.progress = [&](float f) { seen.push_back(f); };
    tern::write_benchmark_model(o, path);
    return seen;
}

}  // namespace

TEST(BenchmarkModel, ProgressRisesFromZeroToOneInSmallSteps) {
    const std::string path = (std::filesystem::temp_directory_path() / "tern-benchmark-progress-tiny.gguf").string();
    const std::vector<float> seen = write_and_record("tiny", path);
    ASSERT_GE(seen.size(), 20u);
    EXPECT_EQ(seen.front(), 0.0f);
    EXPECT_EQ(seen.back(), 1.0f);
    float largest_step = 0;
    for (size_t i = 1; i < seen.size(); ++i) {
        EXPECT_GE(seen[i], seen[i - 1]) << "progress went back at report " << i;
        largest_step = std::max(largest_step, seen[i] - seen[i - 1]);
    }
    // The writing of the file is the last 5%; no step of the making is larger than that.
    EXPECT_LE(largest_step, 0.0501f);
    // The file is complete when 1 is reported: it inspects as a synthetic model.
    const tern::ModelFile m = tern::inspect_model(path);
    EXPECT_TRUE(m.synthetic);
    std::filesystem::remove(path);
}

TEST(BenchmarkModel, UnknownPresetIsAnErrorBeforeAnyProgress) {
    const std::string path = (std::filesystem::temp_directory_path() / "tern-benchmark-progress-bad.gguf").string();
    std::vector<float> seen;
    tern::BenchmarkModelOptions o;
    o.preset = "huge";
    o.tokenizer_json = TERN_TOKENIZER_JSON;
    o.progress = [&](float f) { seen.push_back(f); };
    EXPECT_THROW(tern::write_benchmark_model(o, path), tern::Error);
    EXPECT_TRUE(seen.empty());
    EXPECT_FALSE(std::filesystem::exists(path));
}
