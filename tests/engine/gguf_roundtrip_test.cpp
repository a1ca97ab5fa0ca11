// Write a GGUF with every supported tensor type and every metadata value type, read it back, and
// check that bytes, metadata and decoded values are what went in.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "gguf/gguf.h"
#include "gguf_test_util.h"
#include "tensor/fp16.h"
#include "tensor/quantize.h"

using namespace tern;
using namespace tern::gguf;
using gguf_test::Bytes;
using gguf_test::TempDir;
using gguf_test::throws_error;

namespace {

// One tensor as the test built it: what went into the encoder, and the encoded bytes.
struct Expected {
    std::string name;
    TypeId type;
    std::vector<uint64_t> ne;
    std::vector<uint8_t> bytes;
    std::vector<float> floats;   // float types: the encoder input
    std::vector<int8_t> trits;   // ternary types: the encoder input
    std::vector<float> scales;   // ternary types: per tensor (I2_S) or per 256-block
    float tolerance = 0;         // max |dequantized - input|, for the lossy types
};

uint64_t count(const std::vector<uint64_t>& ne) {
    uint64_t n = 1;
    for (auto d : ne) n *= d;
    return n;
}

std::vector<Expected> make_tensors() {
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> uf(-3, 3);
    std::uniform_int_distribution<int> ut(-1, 1);
    auto floats = [&](uint64_t n) {
        std::vector<float> v(n);
        for (auto& x : v) x = uf(rng);
        return v;
    };
    auto trits = [&](uint64_t n) {
        std::vector<int8_t> v(n);
        for (auto& x : v) x = static_cast<int8_t>(ut(rng));
        return v;
    };
    // f16-exact scales so the ternary round trip can be compared exactly.
    auto block_scales = [&](uint64_t n) {
        std::vector<float> s(n / 256);
        for (size_t i = 0; i < s.size(); ++i) s[i] = 0.25f + 0.125f * static_cast<float>(i);
        return s;
    };

    std::vector<Expected> out;
    auto add_float = [&](std::string name, TypeId type, std::vector<uint64_t> ne, float tol) {
        Expected e{std::move(name), type, std::move(ne)};
        e.floats = floats(count(e.ne));
        switch (type) {
            case TypeId::F32: e.bytes = encode_f32(e.floats); break;
            case TypeId::F16: e.bytes = encode_f16(e.floats); break;
            case TypeId::BF16: e.bytes = encode_bf16(e.floats); break;
            case TypeId::Q8_0: e.bytes = encode_q8_0(e.floats); break;
            case TypeId::Q6_K: e.bytes = encode_q6_k(e.floats); break;
            default: ADD_FAILURE();
        }
        e.tolerance = tol;
        out.push_back(std::move(e));
    };
    auto add_ternary = [&](std::string name, TypeId type, std::vector<uint64_t> ne) {
        Expected e{std::move(name), type, std::move(ne)};
        e.trits = trits(count(e.ne));
        if (type == TypeId::I2_S) {
            e.scales = {0.0371f};
            e.bytes = encode_i2_s(e.trits, e.scales[0]);
        } else {
            e.scales = block_scales(count(e.ne));
            e.bytes = type == TypeId::TQ1_0 ? encode_tq1_0(e.trits, e.scales) : encode_tq2_0(e.trits, e.scales);
        }
        out.push_back(std::move(e));
    };
    add_float("f32.vec", TypeId::F32, {7}, 0);  // 28 bytes: exercises padding between blobs
    add_float("f32.mat", TypeId::F32, {5, 3}, 0);
    add_float("f32.4d", TypeId::F32, {3, 2, 2, 2}, 0);
    add_float("f16.mat", TypeId::F16, {10, 2}, 3.0f / 2048);
    add_float("bf16.vec", TypeId::BF16, {9}, 3.0f / 256);
    add_float("q8_0.mat", TypeId::Q8_0, {64, 3}, 3.0f / 127);
    add_float("q6_k.mat", TypeId::Q6_K, {512, 2}, 3.0f / 50);
    add_ternary("tq1_0.mat", TypeId::TQ1_0, {256, 3});
    add_ternary("tq1_0.vec", TypeId::TQ1_0, {512});
    add_ternary("tq2_0.mat", TypeId::TQ2_0, {512, 2});
    add_ternary("tq2_0.3d", TypeId::TQ2_0, {256, 2, 2});
    add_ternary("i2_s.384x3", TypeId::I2_S, {384, 3});
    add_ternary("i2_s.200x16", TypeId::I2_S, {200, 16});  // rows straddle 128-blocks
    add_ternary("i2_s.200x3", TypeId::I2_S, {200, 3});    // ends in a partial block
    add_ternary("i2_s.vec", TypeId::I2_S, {128});
    add_ternary("i2_s.tiny", TypeId::I2_S, {4});
    return out;
}

const std::string kUtf8 = "h\xc3\xa9llo, \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x99\x82";  // "héllo, 世界 🙂"

void add_metadata(Writer& w) {
    w.set_string("general.architecture", "bitnet-b1.58");
    w.set_u8("test.u8", 250);
    w.set_i8("test.i8", -100);
    w.set_u16("test.u16", 65000);
    w.set_i16("test.i16", -32000);
    w.set_u32("test.u32", 4000000000u);
    w.set_i32("test.i32", -2000000000);
    w.set_u64("test.u64", (1ull << 63) + 5);
    w.set_i64("test.i64", -(1ll << 62));
    w.set_f32("test.f32", 1e-5f);
    w.set_f64("test.f64", 500000.25);
    w.set_bool("test.true", true);
    w.set_bool("test.false", false);
    w.set_string("test.utf8", kUtf8);
    w.set_string("test.empty", "");
    w.set_array_string("test.tokens", {"<s>", kUtf8, "", "\xc4\xa0the"});
    w.set_array_f32("test.scores", {0.5f, -1.25f, 3e38f});
    w.set_array_i32("test.types", {1, -2, 3});
    w.set_array_u32("test.u32s", {0, 4000000000u});
    w.set_array_string("test.empty_strings", {});
    w.set_array_i32("test.empty_ints", {});
}

// Suite names start with gguf_ / types_ so that `ctest -R "gguf|types"` selects them.
class gguf_roundtrip : public ::testing::Test {
protected:
    void SetUp() override {
        expected_ = make_tensors();
        Writer w;
        add_metadata(w);
        for (const auto& e : expected_) w.add_tensor(e.name, static_cast<uint32_t>(e.type), e.ne, e.bytes);
        path_ = dir_.file("all-types.gguf");
        w.write_file(path_);
        bytes_ = w.to_bytes();
        file_ = File::open(path_);
    }
    TempDir dir_;
    std::string path_;
    std::vector<Expected> expected_;
    std::vector<uint8_t> bytes_;
    std::unique_ptr<File> file_;
};

}  // namespace

TEST_F(gguf_roundtrip, FileMatchesToBytes) {
    EXPECT_EQ(gguf_test::read_bytes(path_), bytes_);
    EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
    EXPECT_EQ(file_->version(), 3u);
    EXPECT_EQ(file_->alignment(), 32u);
    EXPECT_EQ(file_->data_offset() % 32, 0u);
    EXPECT_EQ(file_->file_size(), bytes_.size());
    EXPECT_EQ(file_->path(), path_);
}

TEST_F(gguf_roundtrip, MetadataValues) {
    const File& f = *file_;
    EXPECT_EQ(f.metadata().size(), 21u);
    EXPECT_EQ(f.get_string("general.architecture"), "bitnet-b1.58");
    EXPECT_EQ(f.get_uint("test.u8"), 250u);
    EXPECT_EQ(f.get_int("test.i8"), -100);
    EXPECT_EQ(f.get_uint("test.u16"), 65000u);
    EXPECT_EQ(f.get_int("test.i16"), -32000);
    EXPECT_EQ(f.get_uint("test.u32"), 4000000000u);
    EXPECT_EQ(f.get_int("test.i32"), -2000000000);
    EXPECT_EQ(f.get_uint("test.u64"), (1ull << 63) + 5);
    EXPECT_EQ(f.get_int("test.i64"), -(1ll << 62));
    EXPECT_EQ(f.get_float("test.f32"), static_cast<double>(1e-5f));
    EXPECT_EQ(f.get_float("test.f64"), 500000.25);
    EXPECT_EQ(f.get_bool("test.true"), true);
    EXPECT_EQ(f.get_bool("test.false"), false);
    EXPECT_EQ(f.get_string("test.utf8"), kUtf8);
    EXPECT_EQ(f.get_string("test.empty"), "");
    EXPECT_EQ(f.find("test.u8")->type, ValueType::UINT8);
    EXPECT_EQ(f.find("test.f64")->type, ValueType::FLOAT64);

    // Integer getters accept any integer width, and get_float accepts integers.
    EXPECT_EQ(f.get_int("test.u32"), 4000000000ll);
    EXPECT_EQ(f.get_float("test.i16"), -32000.0);

    const Value* tokens = f.get_array("test.tokens", ValueType::STRING);
    ASSERT_NE(tokens, nullptr);
    EXPECT_EQ(tokens->count, 4u);
    ASSERT_EQ(tokens->strings.size(), 4u);
    EXPECT_EQ(tokens->strings[0], "<s>");
    EXPECT_EQ(tokens->strings[1], kUtf8);
    EXPECT_EQ(tokens->strings[2], "");
    EXPECT_EQ(tokens->strings[3], "\xc4\xa0the");

    const Value* scores = f.get_array("test.scores", ValueType::FLOAT32);
    ASSERT_NE(scores, nullptr);
    EXPECT_EQ(scores->count, 3u);
    EXPECT_EQ(scores->float_at(0), 0.5);
    EXPECT_EQ(scores->float_at(1), -1.25);
    EXPECT_EQ(scores->float_at(2), static_cast<double>(3e38f));
    const Value* types = f.get_array("test.types", ValueType::INT32);
    ASSERT_NE(types, nullptr);
    EXPECT_EQ(types->int_at(0), 1);
    EXPECT_EQ(types->int_at(1), -2);
    EXPECT_EQ(types->float_at(2), 3.0);
    const Value* u32s = f.get_array("test.u32s", ValueType::INT32);  // same kind: integers
    ASSERT_NE(u32s, nullptr);
    EXPECT_EQ(u32s->elem_type, ValueType::UINT32);
    EXPECT_EQ(u32s->int_at(1), 4000000000ll);

    const Value* es = f.get_array("test.empty_strings", ValueType::STRING);
    ASSERT_NE(es, nullptr);
    EXPECT_EQ(es->count, 0u);
    EXPECT_TRUE(es->strings.empty());
    EXPECT_NE(f.get_array("test.empty_ints", ValueType::STRING), nullptr);  // empty matches any kind

    EXPECT_EQ(f.get_uint("no.such.key"), std::nullopt);
    EXPECT_EQ(f.get_array("no.such.key", ValueType::STRING), nullptr);
}

TEST_F(gguf_roundtrip, GetterTypeErrorsNameKeyAndTypes) {
    const File& f = *file_;
    EXPECT_TRUE(throws_error([&] { f.get_uint("test.utf8"); }, {path_, "test.utf8", "STRING", "integer"}));
    EXPECT_TRUE(throws_error([&] { f.get_uint("test.i8"); }, {path_, "test.i8", "negative"}));
    EXPECT_TRUE(throws_error([&] { f.get_int("test.u64"); }, {"test.u64", "int64"}));
    EXPECT_TRUE(throws_error([&] { f.get_float("test.true"); }, {"test.true", "BOOL", "FLOAT32"}));
    EXPECT_TRUE(throws_error([&] { f.get_bool("test.u8"); }, {"test.u8", "UINT8", "BOOL"}));
    EXPECT_TRUE(throws_error([&] { f.get_string("test.f32"); }, {"test.f32", "FLOAT32", "STRING"}));
    EXPECT_TRUE(throws_error([&] { f.get_array("test.u8", ValueType::STRING); }, {"test.u8", "UINT8", "ARRAY of STRING"}));
    EXPECT_TRUE(throws_error([&] { f.get_array("test.tokens", ValueType::INT32); },
                             {"test.tokens", "ARRAY of STRING", "ARRAY of INT32"}));
    const Value* types = f.get_array("test.types", ValueType::INT32);
    EXPECT_TRUE(throws_error([&] { types->int_at(3); }, {"index 3", "out of range"}));
    const Value* tokens = f.get_array("test.tokens", ValueType::STRING);
    EXPECT_TRUE(throws_error([&] { tokens->int_at(0); }, {"not a numeric array"}));
}

TEST_F(gguf_roundtrip, TensorInfosAndBytes) {
    ASSERT_EQ(file_->tensors().size(), expected_.size());
    uint64_t prev_end = 0;
    for (size_t i = 0; i < expected_.size(); ++i) {
        const Expected& e = expected_[i];
        const TensorInfo& t = file_->tensors()[i];  // file order = insertion order
        SCOPED_TRACE(e.name);
        EXPECT_EQ(t.name, e.name);
        EXPECT_EQ(file_->find_tensor(e.name), &t);
        EXPECT_EQ(t.type, static_cast<uint32_t>(e.type));
        ASSERT_EQ(t.n_dims, e.ne.size());
        for (size_t d = 0; d < 4; ++d) EXPECT_EQ(t.ne[d], d < e.ne.size() ? e.ne[d] : 1u);
        EXPECT_EQ(t.nbytes, e.bytes.size());
        EXPECT_EQ(t.offset % 32, 0u);
        EXPECT_GE(t.offset, prev_end);
        EXPECT_LT(t.offset - prev_end, 32u);  // packed, only alignment padding between blobs
        prev_end = t.offset + t.nbytes;
        const TensorView v = file_->view(t);
        EXPECT_EQ(v.type, e.type);
        ASSERT_EQ(v.nbytes, e.bytes.size());
        EXPECT_TRUE(std::equal(e.bytes.begin(), e.bytes.end(), v.data));
        EXPECT_TRUE(std::equal(e.bytes.begin(), e.bytes.end(), bytes_.begin() + file_->data_offset() + t.offset));
    }
    EXPECT_EQ(file_->find_tensor("missing"), nullptr);
    // Padding between blobs and after the last one is zero.
    EXPECT_EQ(bytes_.size(), file_->data_offset() + (prev_end + 31) / 32 * 32);
}

TEST_F(gguf_roundtrip, DequantizedValuesMatchEncoderInput) {
    for (const Expected& e : expected_) {
        SCOPED_TRACE(e.name);
        const TensorView v = file_->view(*file_->find_tensor(e.name));
        const uint64_t ne0 = v.ne[0];
        std::vector<float> row(ne0);
        std::vector<int8_t> trow(ne0);
        for (uint64_t r = 0; r < v.n_rows(); ++r) {
            dequantize_row(v, r, row.data());
            for (uint64_t c = 0; c < ne0; ++c) {
                const uint64_t i = r * ne0 + c;
                if (!e.trits.empty()) {
                    const float s = e.type == TypeId::I2_S ? e.scales[0] : e.scales[i / 256];
                    ASSERT_EQ(row[c], s * e.trits[i]) << i;
                } else if (e.tolerance == 0) {
                    ASSERT_EQ(row[c], e.floats[i]) << i;
                } else {
                    ASSERT_NEAR(row[c], e.floats[i], e.tolerance) << i;
                }
            }
            if (e.trits.empty()) continue;
            std::vector<float> scales(ternary_scales_per_row(v));
            ternary_row(v, r, trow.data(), scales.data());
            ASSERT_TRUE(std::equal(trow.begin(), trow.end(), e.trits.begin() + r * ne0)) << "row " << r;
            for (size_t k = 0; k < scales.size(); ++k)
                EXPECT_EQ(scales[k], e.type == TypeId::I2_S ? e.scales[0] : e.scales[r * scales.size() + k]);
        }
    }
}

// Arrays the Writer has no setter for (every element type, nested, empty) built byte by byte,
// plus a v2 header: the reader must take them all.
TEST(gguf_reader, HandBuiltArraysOfEveryTypeAndV2) {
    Bytes b;
    b.u32(0x46554747).u32(2).u64(0).u64(6);
    b.str("a.u8").u32(9).u32(0).u64(3).u8(1).u8(2).u8(255);
    b.str("a.mixed").u32(9).u32(11).u64(2).put<int64_t>(-7).put<int64_t>(1ll << 40);
    b.str("a.f64").u32(9).u32(12).u64(2).put<double>(0.5).put<double>(-2.0);
    b.str("a.bool").u32(9).u32(7).u64(3).u8(1).u8(0).u8(1);
    // [[1, 2], [], [3]] as an ARRAY of ARRAY of INT16, then a third level.
    b.str("a.nested").u32(9).u32(9).u64(3);
    b.u32(3).u64(2).put<int16_t>(1).put<int16_t>(2);
    b.u32(3).u64(0);
    b.u32(3).u64(1).put<int16_t>(3);
    b.str("a.deep").u32(9).u32(9).u64(1).u32(9).u64(1).u32(8).u64(2).str("x").str("");
    TempDir dir;
    const std::string path = dir.file("arrays.gguf");
    gguf_test::write_bytes(path, b.b);
    const auto f = File::open(path);
    EXPECT_EQ(f->version(), 2u);
    EXPECT_TRUE(f->tensors().empty());

    const Value* u8 = f->get_array("a.u8", ValueType::UINT8);
    ASSERT_NE(u8, nullptr);
    EXPECT_EQ(u8->int_at(2), 255);
    const Value* mixed = f->get_array("a.mixed", ValueType::INT32);
    EXPECT_EQ(mixed->int_at(0), -7);
    EXPECT_EQ(mixed->int_at(1), 1ll << 40);
    const Value* f64 = f->get_array("a.f64", ValueType::FLOAT32);
    EXPECT_EQ(f64->float_at(1), -2.0);
    EXPECT_EQ(f64->int_at(0), 0);  // floats truncate toward zero
    const Value* bools = f->get_array("a.bool", ValueType::BOOL);
    EXPECT_EQ(bools->int_at(0), 1);
    EXPECT_EQ(bools->int_at(1), 0);

    const Value* nested = f->get_array("a.nested", ValueType::ARRAY);
    ASSERT_NE(nested, nullptr);
    ASSERT_EQ(nested->items.size(), 3u);
    EXPECT_EQ(nested->items[0].elem_type, ValueType::INT16);
    EXPECT_EQ(nested->items[0].count, 2u);
    EXPECT_EQ(nested->items[0].int_at(1), 2);
    EXPECT_EQ(nested->items[1].count, 0u);
    EXPECT_EQ(nested->items[2].int_at(0), 3);
    const Value* deep = f->get_array("a.deep", ValueType::ARRAY);
    ASSERT_EQ(deep->items.size(), 1u);
    ASSERT_EQ(deep->items[0].items.size(), 1u);
    ASSERT_EQ(deep->items[0].items[0].strings.size(), 2u);
    EXPECT_EQ(deep->items[0].items[0].strings[0], "x");
}

TEST(gguf_reader, AlignmentKeyOfAnyIntegerType) {
    TempDir dir;
    for (int variant = 0; variant < 3; ++variant) {
        Writer w;
        if (variant == 0) w.set_u32("general.alignment", 64);
        if (variant == 1) w.set_u64("general.alignment", 128);
        if (variant == 2) w.set_i16("general.alignment", 8);
        w.add_tensor("a", 0, {3}, encode_f32(std::vector<float>{1, 2, 3}));
        w.add_tensor("b", 0, {1}, encode_f32(std::vector<float>{4}));
        const std::string path = dir.file("align" + std::to_string(variant) + ".gguf");
        w.write_file(path);
        const auto f = File::open(path);
        const uint64_t want = variant == 0 ? 64 : variant == 1 ? 128 : 8;
        EXPECT_EQ(f->alignment(), want);
        EXPECT_EQ(f->data_offset() % want, 0u);
        EXPECT_EQ(f->find_tensor("b")->offset, want == 8 ? 16u : want);
        float x;
        std::memcpy(&x, f->view(*f->find_tensor("b")).data, 4);
        EXPECT_EQ(x, 4.0f);
    }
}
