// The writer: exact byte layout, input validation, and file writing that never leaves a half file.
#include <gtest/gtest.h>

#include <csignal>
#include <sys/resource.h>

#include "gguf/gguf.h"
#include "gguf_test_util.h"
#include "tensor/quantize.h"

using namespace tern;
using namespace tern::gguf;
using gguf_test::Bytes;
using gguf_test::TempDir;
using gguf_test::throws_error;

namespace {
constexpr uint32_t kF32 = static_cast<uint32_t>(TypeId::F32);
}

TEST(gguf_writer, ExactLayout) {
    Writer w;
    w.set_u32("a.b", 7);
    w.add_tensor("t", kF32, {3}, encode_f32(std::vector<float>{1, 2, 3}));
    Bytes want;
    want.u32(0x46554747).u32(3).u64(1).u64(1);      // magic, version, tensor count, kv count
    want.str("a.b").u32(4).u32(7);                   // key, UINT32, value
    want.str("t").u32(1).u64(3).u32(0).u64(0);       // name, n_dims, ne, type, offset
    want.pad_to(32);
    want.put(1.0f).put(2.0f).put(3.0f).pad_to(32);  // the blob, padded too
    EXPECT_EQ(w.to_bytes(), want.b);
    EXPECT_EQ(want.b.size(), 128u);
}

TEST(gguf_writer, KeysKeepInsertionOrderAndOffsetsAreAligned) {
    Writer w;
    w.set_string("z.last.alphabetically", "1");
    w.set_u64("general.alignment", 64);
    w.set_f32("a.first.alphabetically", 2);
    w.add_tensor("one", kF32, {5}, encode_f32(std::vector<float>(5, 1)));
    w.add_tensor("two", static_cast<uint32_t>(TypeId::I2_S), {200, 3}, encode_i2_s(std::vector<int8_t>(600, 0), 1));
    w.add_tensor("three", kF32, {1}, encode_f32(std::vector<float>{9}));
    const auto b = w.to_bytes();
    const size_t z = gguf_test::find_unique(b, "z.last"), g = gguf_test::find_unique(b, "general.alignment"),
                 a = gguf_test::find_unique(b, "a.first");
    EXPECT_LT(z, g);
    EXPECT_LT(g, a);

    TempDir dir;
    gguf_test::write_bytes(dir.file("x.gguf"), b);
    const auto f = File::open(dir.file("x.gguf"));
    EXPECT_EQ(f->alignment(), 64u);
    EXPECT_EQ(f->data_offset() % 64, 0u);
    EXPECT_EQ(f->find_tensor("one")->offset, 0u);
    EXPECT_EQ(f->find_tensor("two")->offset, 64u);
    EXPECT_EQ(f->find_tensor("three")->offset, 64u + 192);  // 182 bytes rounded up to 192
    EXPECT_EQ(b.size(), f->data_offset() + 256 + 64);
    // Everything between blobs is zero.
    EXPECT_TRUE(std::all_of(b.begin() + static_cast<long>(f->data_offset() + 20),
                            b.begin() + static_cast<long>(f->data_offset() + 64), [](uint8_t x) { return x == 0; }));
}

TEST(gguf_writer, AddTensorValidates) {
    Writer w;
    EXPECT_TRUE(throws_error([&] { w.add_tensor("t", kF32, {4}, std::vector<uint8_t>(15)); },
                             {"tensor 't'", "must be 16 bytes, got 15"}));
    EXPECT_TRUE(throws_error([&] { w.add_tensor("i", static_cast<uint32_t>(TypeId::I2_S), {128, 2}, std::vector<uint8_t>(64)); },
                             {"must be 96 bytes"}));
    EXPECT_TRUE(throws_error([&] { w.add_tensor("q", static_cast<uint32_t>(TypeId::Q8_0), {48}, std::vector<uint8_t>(51)); },
                             {"does not fit type Q8_0"}));
    EXPECT_TRUE(throws_error([&] { w.add_tensor("u", 99, {4}, std::vector<uint8_t>(16)); }, {"unknown type id 99"}));
    EXPECT_TRUE(throws_error([&] { w.add_tensor("d", kF32, {}, {}); }, {"tensor 'd'"}));
    EXPECT_TRUE(throws_error([&] { w.add_tensor("d", kF32, {1, 1, 1, 1, 1}, std::vector<uint8_t>(4)); }, {"tensor 'd'"}));
    EXPECT_TRUE(throws_error([&] { w.add_tensor(std::string(65, 'n'), kF32, {1}, std::vector<uint8_t>(4)); },
                             {"name length 65"}));
    EXPECT_TRUE(throws_error([&] { w.add_tensor("", kF32, {1}, std::vector<uint8_t>(4)); }, {"name length 0"}));
    w.add_tensor(std::string(64, 'n'), kF32, {1}, std::vector<uint8_t>(4));
    EXPECT_TRUE(throws_error([&] { w.add_tensor(std::string(64, 'n'), kF32, {1}, std::vector<uint8_t>(4)); },
                             {"added twice"}));
}

TEST(gguf_writer, KeysValidate) {
    Writer w;
    w.set_u32("k", 1);
    EXPECT_TRUE(throws_error([&] { w.set_string("k", "again"); }, {"key 'k'", "set twice"}));
    EXPECT_TRUE(throws_error([&] { w.set_u32("", 1); }, {"key length 0"}));
    EXPECT_TRUE(throws_error([&] { w.set_u32(std::string(65536, 'k'), 1); }, {"key length 65536"}));
    EXPECT_TRUE(throws_error([&] { w.set_u32("general.alignment", 0); }, {"general.alignment 0"}));
    EXPECT_TRUE(throws_error([&] { w.set_u32("general.alignment", 7); }, {"general.alignment 7"}));
    EXPECT_TRUE(throws_error([&] { w.set_i32("general.alignment", -8); }, {"general.alignment -8"}));
    EXPECT_TRUE(throws_error([&] { w.set_string("general.alignment", "32"); }, {"must be an integer"}));
    // A rejected alignment leaves no trace: a valid one can still be set.
    w.set_i32("general.alignment", 16);
    const auto b = w.to_bytes();
    EXPECT_EQ(b.size() % 16, 0u);
}

TEST(gguf_writer, WriteFileReplacesAtomically) {
    TempDir dir;
    const std::string path = dir.file("model.gguf");
    gguf_test::write_bytes(path, {'o', 'l', 'd'});
    Writer w;
    w.set_string("general.architecture", "bitnet");
    w.write_file(path);
    EXPECT_EQ(gguf_test::read_bytes(path), w.to_bytes());
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

    const std::string nowhere = dir.file("no/such/dir/model.gguf");
    EXPECT_TRUE(throws_error([&] { w.write_file(nowhere); }, {nowhere, "cannot create"}));
    EXPECT_FALSE(std::filesystem::exists(nowhere));
}

// A file-size limit makes write() fail with EFBIG, which stands in for a full disk: the writer must
// report it and leave neither the final file nor the temporary behind.
TEST(gguf_writer, WriteFailureLeavesNoFile) {
    TempDir dir;
    const std::string path = dir.file("big.gguf");
    Writer w;
    w.add_tensor("big", kF32, {64 * 1024}, encode_f32(std::vector<float>(64 * 1024, 1.0f)));

    struct LimitGuard {
        rlimit old{};
        void (*old_handler)(int);
        LimitGuard() {
            getrlimit(RLIMIT_FSIZE, &old);
            old_handler = std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
            rlimit small = old;
            small.rlim_cur = 4096;
            setrlimit(RLIMIT_FSIZE, &small);
        }
        ~LimitGuard() {
            setrlimit(RLIMIT_FSIZE, &old);
            std::signal(SIGXFSZ, old_handler);
        }
    };
    {
        LimitGuard guard;
        EXPECT_TRUE(throws_error([&] { w.write_file(path); }, {path, "failed"}));
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    w.write_file(path);  // and works once there is room
    EXPECT_EQ(std::filesystem::file_size(path), w.to_bytes().size());
}
