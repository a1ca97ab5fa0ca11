#pragma once
// Helpers shared by the GGUF and tensor-type tests: a scratch directory, byte patching of files
// built with the Writer, a raw little-endian byte builder for files the Writer cannot produce,
// and an assertion that an operation throws tern::Error with a useful message.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/type_traits.h"
#include "tern/error.h"

namespace gguf_test {

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "tern-gguf-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Offset of the only occurrence of `needle` in `hay`; fails the test if it is absent or repeated
// (so patches never land in the wrong place).
inline size_t find_unique(const std::vector<uint8_t>& hay, std::string_view needle) {
    size_t found = SIZE_MAX;
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        if (std::memcmp(hay.data() + i, needle.data(), needle.size()) != 0) continue;
        EXPECT_EQ(found, SIZE_MAX) << "'" << needle << "' occurs more than once";
        found = i;
    }
    EXPECT_NE(found, SIZE_MAX) << "'" << needle << "' not found";
    return found;
}

template <class T>
void patch(std::vector<uint8_t>& bytes, size_t pos, T v) {
    ASSERT_LE(pos + sizeof v, bytes.size());
    std::memcpy(bytes.data() + pos, &v, sizeof v);
}

template <class T>
T peek(const std::vector<uint8_t>& bytes, size_t pos) {
    T v{};
    std::memcpy(&v, bytes.data() + pos, sizeof v);
    return v;
}

// Little-endian byte builder for hand-made GGUF files.
struct Bytes {
    std::vector<uint8_t> b;
    template <class T>
    Bytes& put(T v) {
        const auto* p = reinterpret_cast<const uint8_t*>(&v);
        b.insert(b.end(), p, p + sizeof v);
        return *this;
    }
    Bytes& u8(uint8_t v) { return put(v); }
    Bytes& u32(uint32_t v) { return put(v); }
    Bytes& u64(uint64_t v) { return put(v); }
    Bytes& str(std::string_view s) {
        u64(s.size());
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    Bytes& pad_to(size_t align) {
        b.resize((b.size() + align - 1) / align * align, 0);
        return *this;
    }
};

// Passes when fn throws tern::Error whose message contains every one of `words`.
// Set GGUF_TEST_PRINT_ERRORS=1 to see every message (to review how they read).
inline ::testing::AssertionResult throws_error(const std::function<void()>& fn,
                                               std::initializer_list<std::string_view> words) {
    try {
        fn();
    } catch (const tern::Error& e) {
        const std::string msg = e.what();
        if (std::getenv("GGUF_TEST_PRINT_ERRORS")) std::fprintf(stderr, "  error: %s\n", msg.c_str());
        for (std::string_view w : words)
            if (msg.find(w) == std::string::npos)
                return ::testing::AssertionFailure() << "message \"" << msg << "\" lacks \"" << w << "\"";
        return ::testing::AssertionSuccess() << msg;
    } catch (const std::exception& e) {
        return ::testing::AssertionFailure() << "threw a non-tern exception: " << e.what();
    }
    return ::testing::AssertionFailure() << "did not throw";
}


// A typed view over bytes, for feeding encoder output to the readers.
inline tern::TensorView make_view(tern::TypeId type, std::vector<uint64_t> ne, const std::vector<uint8_t>& bytes) {
    tern::TensorView v;
    v.type = type;
    for (size_t i = 0; i < ne.size(); ++i) v.ne[i] = ne[i];
    v.data = bytes.data();
    v.nbytes = bytes.size();
    return v;
}

inline std::vector<float> dequant_all(const tern::TensorView& v) {
    std::vector<float> out(v.n_elements());
    for (uint64_t r = 0; r < v.n_rows(); ++r) tern::dequantize_row(v, r, out.data() + r * v.ne[0]);
    return out;
}

}  // namespace gguf_test
