// A corpus of broken GGUF files. Each is a valid Writer-made file with a few bytes patched (or a
// small hand-built file), and each must fail with a tern::Error that names the file and the
// problem: never a crash, never a huge allocation (the ASan build would flag one).
#include <gtest/gtest.h>

#include "gguf/gguf.h"
#include "gguf_test_util.h"
#include "tensor/quantize.h"

using namespace tern;
using namespace tern::gguf;
using gguf_test::Bytes;
using gguf_test::find_unique;
using gguf_test::patch;
using gguf_test::TempDir;
using gguf_test::throws_error;

namespace {

// Three tensors whose sizes are multiples of 32, so the file ends exactly where the last tensor
// does and every shorter prefix is invalid. Tensor names all have 12 characters so one can be
// patched into another.
std::vector<uint8_t> base_file() {
    Writer w;
    w.set_string("general.architecture", "bitnet");
    w.set_u32("general.alignment", 32);
    w.set_string("test.str", "hello");
    w.set_array_i32("test.arr", {1, 2, 3});
    w.set_bool("test.flag", true);
    w.set_u32("test.aaa", 1);
    w.set_u32("test.bbb", 2);
    std::vector<std::string> tokens;
    for (int i = 0; i < 40; ++i) tokens.push_back("tok" + std::to_string(i));
    w.set_array_string("test.tokens", tokens);
    w.add_tensor("tensor.alpha", static_cast<uint32_t>(TypeId::F32), {8, 2}, encode_f32(std::vector<float>(16, 1.0f)));
    w.add_tensor("tensor.bravo", static_cast<uint32_t>(TypeId::F32), {16}, encode_f32(std::vector<float>(16, 2.0f)));
    w.add_tensor("tensor.gamma", static_cast<uint32_t>(TypeId::I2_S), {128, 2},
                 encode_i2_s(std::vector<int8_t>(256, 1), 0.5f));
    return w.to_bytes();
}

// Byte positions inside the base file.
size_t value_pos(const std::vector<uint8_t>& b, std::string_view key) {  // the value's u32 type
    return find_unique(b, key) + key.size();
}
size_t n_dims_pos(const std::vector<uint8_t>& b, std::string_view name) { return find_unique(b, name) + name.size(); }
size_t dim_pos(const std::vector<uint8_t>& b, std::string_view name, int d) { return n_dims_pos(b, name) + 4 + 8 * d; }
size_t type_pos(const std::vector<uint8_t>& b, std::string_view name, int n_dims) {
    return n_dims_pos(b, name) + 4 + 8 * n_dims;
}
size_t offset_pos(const std::vector<uint8_t>& b, std::string_view name, int n_dims) {
    return type_pos(b, name, n_dims) + 4;
}

class gguf_malformed : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = base_file();
        path_ = dir_.file("bad.gguf");
    }
    // Writes `bytes` and checks that opening fails with a message naming the file and `words`.
    ::testing::AssertionResult rejects(const std::vector<uint8_t>& bytes, std::initializer_list<std::string_view> words) {
        gguf_test::write_bytes(path_, bytes);
        auto r = throws_error([&] { File::open(path_); }, words);
        if (!r) return r;
        return throws_error([&] { File::open(path_); }, {path_ + ": "});
    }
    TempDir dir_;
    std::string path_;
    std::vector<uint8_t> base_;
};

}  // namespace

TEST_F(gguf_malformed, BaseFileIsValid) {
    gguf_test::write_bytes(path_, base_);
    const auto f = File::open(path_);
    ASSERT_EQ(f->tensors().size(), 3u);
    const TensorInfo& last = f->tensors().back();
    EXPECT_EQ(f->data_offset() + last.offset + last.nbytes, base_.size());
}

TEST_F(gguf_malformed, TruncatedAtEveryByte) {
    for (size_t len = 0; len < base_.size(); ++len) {
        const std::vector<uint8_t> prefix(base_.begin(), base_.begin() + static_cast<long>(len));
        gguf_test::write_bytes(path_, prefix);
        try {
            File::open(path_);
            FAIL() << "a " << len << "-byte prefix of a " << base_.size() << "-byte file opened";
        } catch (const Error& e) {
            const std::string msg = e.what();
            ASSERT_EQ(msg.rfind(path_ + ": ", 0), 0u) << msg;
            ASSERT_TRUE(msg.find("truncated") != std::string::npos || msg.find("past the end") != std::string::npos)
                << "prefix " << len << ": " << msg;
        }
    }
}

TEST_F(gguf_malformed, EmptyAndMissingFiles) {
    EXPECT_TRUE(rejects({}, {"truncated"}));
    EXPECT_TRUE(throws_error([&] { File::open(dir_.file("missing.gguf")); }, {"missing.gguf", "cannot open"}));
}

TEST_F(gguf_malformed, BadMagic) {
    auto b = base_;
    b[0] = 'X';
    EXPECT_TRUE(rejects(b, {"magic", "not a GGUF file"}));
}

TEST_F(gguf_malformed, Versions) {
    for (uint32_t v : {0u, 1u, 4u, 0x03000000u}) {
        auto b = base_;
        patch<uint32_t>(b, 4, v);
        EXPECT_TRUE(rejects(b, {"version"})) << v;
    }
    auto b = base_;
    patch<uint32_t>(b, 4, 1);
    EXPECT_TRUE(rejects(b, {"version 1 is not supported"}));
    patch<uint32_t>(b, 4, 0x03000000);
    EXPECT_TRUE(rejects(b, {"big-endian"}));
    patch<uint32_t>(b, 4, 2);  // v2 has the same layout: accepted
    gguf_test::write_bytes(path_, b);
    EXPECT_EQ(File::open(path_)->version(), 2u);
}

TEST_F(gguf_malformed, AbsurdCounts) {
    auto b = base_;
    patch<uint64_t>(b, 8, 1ull << 62);
    EXPECT_TRUE(rejects(b, {"tensor_count", "4611686018427387904"}));
    b = base_;
    patch<uint64_t>(b, 16, 1ull << 62);
    EXPECT_TRUE(rejects(b, {"metadata_kv_count"}));
    b = base_;
    patch<uint64_t>(b, 8, 4);  // one more tensor than there are infos: the 4th is read from the data
    EXPECT_TRUE(rejects(b, {"tensor #3"}));
}

TEST_F(gguf_malformed, AbsurdStringLengths) {
    auto b = base_;
    patch<uint64_t>(b, value_pos(b, "test.str") + 4, 1ull << 60);
    EXPECT_TRUE(rejects(b, {"key 'test.str'", "string length 1152921504606846976"}));
    b = base_;
    patch<uint64_t>(b, 24, 1ull << 60);  // the first key's length
    EXPECT_TRUE(rejects(b, {"metadata key #0", "key length"}));
    b = base_;
    const size_t tokens = value_pos(b, "test.tokens");
    patch<uint64_t>(b, tokens + 4 + 4 + 8, ~uint64_t{0});  // first element's length
    EXPECT_TRUE(rejects(b, {"test.tokens", "string length"}));
}

TEST_F(gguf_malformed, AbsurdArrayCounts) {
    auto b = base_;
    patch<uint64_t>(b, value_pos(b, "test.arr") + 8, 1ull << 61);
    EXPECT_TRUE(rejects(b, {"key 'test.arr'", "array count"}));
    b = base_;
    patch<uint64_t>(b, value_pos(b, "test.tokens") + 8, 1ull << 61);
    EXPECT_TRUE(rejects(b, {"key 'test.tokens'", "array count"}));
    b = base_;
    patch<uint64_t>(b, value_pos(b, "test.arr") + 8, ~uint64_t{0} / 4 + 1);  // count * 4 wraps to 0
    EXPECT_TRUE(rejects(b, {"array count"}));
}

TEST_F(gguf_malformed, UnknownValueTypes) {
    auto b = base_;
    patch<uint32_t>(b, value_pos(b, "test.flag"), 13);
    EXPECT_TRUE(rejects(b, {"key 'test.flag'", "unknown value type 13"}));
    b = base_;
    patch<uint32_t>(b, value_pos(b, "test.arr") + 4, 99);
    EXPECT_TRUE(rejects(b, {"key 'test.arr'", "unknown value type 99"}));
}

TEST_F(gguf_malformed, BoolMustBeZeroOrOne) {
    auto b = base_;
    b[value_pos(b, "test.flag") + 4] = 2;
    EXPECT_TRUE(rejects(b, {"key 'test.flag'", "bool value 2"}));
}

TEST_F(gguf_malformed, DimensionCount) {
    for (uint32_t n : {0u, 5u}) {
        auto b = base_;
        patch<uint32_t>(b, n_dims_pos(b, "tensor.alpha"), n);
        EXPECT_TRUE(rejects(b, {"tensor 'tensor.alpha'", "n_dims " + std::to_string(n)})) << n;
    }
}

TEST_F(gguf_malformed, ZeroDimension) {
    auto b = base_;
    patch<uint64_t>(b, dim_pos(b, "tensor.alpha", 1), 0);
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.alpha'", "dimension ne[1] is 0"}));
}

TEST_F(gguf_malformed, DimensionProductOverflows) {
    auto b = base_;
    patch<uint64_t>(b, dim_pos(b, "tensor.alpha", 0), 1ull << 32);
    patch<uint64_t>(b, dim_pos(b, "tensor.alpha", 1), 1ull << 32);
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.alpha'", "overflows"}));
    b = base_;  // 2^62 elements fit, 2^64 bytes do not
    patch<uint64_t>(b, dim_pos(b, "tensor.alpha", 0), 1ull << 31);
    patch<uint64_t>(b, dim_pos(b, "tensor.alpha", 1), 1ull << 31);
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.alpha'", "byte size overflows"}));
}

TEST_F(gguf_malformed, ShapeDoesNotFitType) {
    auto b = base_;
    patch<uint32_t>(b, type_pos(b, "tensor.alpha", 2), static_cast<uint32_t>(TypeId::Q8_0));
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.alpha'", "does not fit type Q8_0", "multiple of 32"}));
}

TEST_F(gguf_malformed, OffsetNotAligned) {
    auto b = base_;
    const size_t pos = offset_pos(b, "tensor.bravo", 1);
    patch<uint64_t>(b, pos, gguf_test::peek<uint64_t>(b, pos) + 4);
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.bravo'", "not a multiple of the alignment 32"}));
}

TEST_F(gguf_malformed, OffsetPastEnd) {
    auto b = base_;
    patch<uint64_t>(b, offset_pos(b, "tensor.gamma", 2), 1ull << 40);
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.gamma'", "past the end of the file"}));
    b = base_;
    patch<uint64_t>(b, offset_pos(b, "tensor.gamma", 2), ~uint64_t{0} - 31);  // offset + nbytes wraps
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.gamma'", "past the end of the file"}));
}

TEST_F(gguf_malformed, TensorsOverlap) {
    auto b = base_;
    patch<uint64_t>(b, offset_pos(b, "tensor.bravo", 1), 32);  // alpha is [0, 64)
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.bravo'", "overlaps tensor 'tensor.alpha'"}));
}

TEST_F(gguf_malformed, SizeRunsPastEnd) {
    auto b = base_;
    patch<uint64_t>(b, dim_pos(b, "tensor.gamma", 1), 4);  // 128x4 I2_S needs 160 bytes, 96 are there
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.gamma'", "160 bytes", "runs past the end of the file"}));
}

TEST_F(gguf_malformed, DuplicateKey) {
    auto b = base_;
    const size_t pos = find_unique(b, "test.bbb");
    std::memcpy(b.data() + pos, "test.aaa", 8);
    EXPECT_TRUE(rejects(b, {"key 'test.aaa'", "duplicate key"}));
}

TEST_F(gguf_malformed, DuplicateTensorName) {
    auto b = base_;
    const size_t pos = find_unique(b, "tensor.bravo");
    std::memcpy(b.data() + pos, "tensor.alpha", 12);
    EXPECT_TRUE(rejects(b, {"tensor 'tensor.alpha'", "duplicate tensor name"}));
}

TEST_F(gguf_malformed, BadAlignment) {
    for (uint32_t a : {0u, 7u, 12u}) {
        auto b = base_;
        patch<uint32_t>(b, value_pos(b, "general.alignment") + 4, a);
        EXPECT_TRUE(rejects(b, {"general.alignment", std::to_string(a) + " is not a nonzero multiple of 8"})) << a;
    }
    auto b = base_;
    patch<uint32_t>(b, value_pos(b, "general.alignment"), static_cast<uint32_t>(ValueType::FLOAT32));
    EXPECT_TRUE(rejects(b, {"general.alignment", "FLOAT32", "integer"}));
}

TEST_F(gguf_malformed, UnknownTensorTypeFailsOnView) {
    auto b = base_;
    patch<uint32_t>(b, type_pos(b, "tensor.gamma", 2), 99);
    gguf_test::write_bytes(path_, b);
    const auto f = File::open(path_);  // unknown types are only an error once the tensor is used
    const TensorInfo* t = f->find_tensor("tensor.gamma");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->type, 99u);
    EXPECT_EQ(t->nbytes, 0u);
    EXPECT_TRUE(throws_error([&] { f->view(*t); }, {path_, "tensor 'tensor.gamma'", "unknown type id 99"}));
    EXPECT_NO_THROW(f->view(*f->find_tensor("tensor.alpha")));
}

TEST_F(gguf_malformed, ViewRejectsForeignTensorInfo) {
    gguf_test::write_bytes(path_, base_);
    const auto f = File::open(path_);
    TensorInfo t = *f->find_tensor("tensor.gamma");
    t.ne[1] = 1000;
    t.nbytes = 128 * 1000 / 4 + 32;
    EXPECT_TRUE(throws_error([&] { f->view(t); }, {"tensor 'tensor.gamma'"}));
}

// Files the Writer cannot make at all.
TEST_F(gguf_malformed, ArraysNestedTooDeep) {
    Bytes b;
    b.u32(0x46554747).u32(3).u64(0).u64(1).str("deep").u32(9);
    for (int level = 0; level < 20; ++level) b.u32(9).u64(1);
    b.u32(0).u64(0);
    EXPECT_TRUE(rejects(b.b, {"key 'deep'", "nested deeper than 8"}));
}

TEST_F(gguf_malformed, TooManyNestedArrays) {
    Bytes b;
    const uint64_t n = (1u << 20) + 1;  // empty INT32 arrays: 12 bytes each in the file
    b.u32(0x46554747).u32(3).u64(0).u64(1).str("many").u32(9).u32(9).u64(n);
    for (uint64_t i = 0; i < n; ++i) b.u32(5).u64(0);
    EXPECT_TRUE(rejects(b.b, {"key 'many'", "nested arrays"}));
}

TEST_F(gguf_malformed, OverlongKeyAndName) {
    Bytes k;
    k.u32(0x46554747).u32(3).u64(0).u64(1).str(std::string(70000, 'k')).u32(0).u8(1);
    EXPECT_TRUE(rejects(k.b, {"metadata key #0", "key length 70000"}));
    Bytes e;
    e.u32(0x46554747).u32(3).u64(0).u64(1).str("").u32(0).u8(1).u64(0);
    EXPECT_TRUE(rejects(e.b, {"key is empty"}));

    Bytes t;
    t.u32(0x46554747).u32(3).u64(1).u64(0).str(std::string(300, 'n')).u32(1).u64(8).u32(0).u64(0).pad_to(32);
    t.b.resize(t.b.size() + 32, 0);
    EXPECT_TRUE(rejects(t.b, {"tensor #0", "name length 300"}));

    // Up to 256 bytes is accepted even though the spec says 64.
    Bytes ok;
    ok.u32(0x46554747).u32(3).u64(1).u64(0).str(std::string(100, 'n')).u32(1).u64(8).u32(0).u64(0).pad_to(32);
    ok.b.resize(ok.b.size() + 32, 0);
    gguf_test::write_bytes(path_, ok.b);
    EXPECT_EQ(File::open(path_)->tensors().at(0).name.size(), 100u);
}
