// GGUF v3 writer: header, KVs in insertion order, tensor infos, zero padding to the alignment, then
// each tensor blob padded to the alignment. The same serialiser feeds an in-memory buffer
// (to_bytes) and a file (write_file), so the two can never disagree.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "gguf/gguf.h"
#include "tern/error.h"
#include "util/user_files.h"

namespace tern::gguf {
namespace {

constexpr uint64_t kMaxKeyLength = 65535;
constexpr uint64_t kMaxTensorName = 64;  // what the spec allows; the reader is more lenient
constexpr uint64_t kDefaultAlignment = 32;

// resize + memcpy rather than insert(): GCC 12 raises a false -Wstringop-overflow on the latter.
void append_raw(std::vector<uint8_t>& out, const void* p, size_t n) {
    const size_t at = out.size();
    out.resize(at + n);
    if (n) std::memcpy(out.data() + at, p, n);
}

template <class T>
void append(std::vector<uint8_t>& out, T v) {
    append_raw(out, &v, sizeof v);
}

void append_string(std::vector<uint8_t>& out, const std::string& s) {
    append<uint64_t>(out, s.size());
    append_raw(out, s.data(), s.size());
}

template <class T>
std::vector<uint8_t> scalar(ValueType type, T v) {
    std::vector<uint8_t> out;
    append<uint32_t>(out, static_cast<uint32_t>(type));
    append<T>(out, v);
    return out;
}

template <class T>
std::vector<uint8_t> numeric_array(ValueType elem, const std::vector<T>& v) {
    std::vector<uint8_t> out;
    append<uint32_t>(out, static_cast<uint32_t>(ValueType::ARRAY));
    append<uint32_t>(out, static_cast<uint32_t>(elem));
    append<uint64_t>(out, v.size());
    for (const T& x : v) append<T>(out, x);
    return out;
}

uint64_t align_up(uint64_t n, uint64_t align) { return (n + align - 1) / align * align; }

// The alignment a KV list asks for: general.alignment if present (already validated by put()).
// Templated on the (private) KV type so it can live outside the class without widening its header.
template <class Kvs>
uint64_t alignment_of(const Kvs& kvs) {
    for (const auto& kv : kvs) {
        if (kv.key != "general.alignment") continue;
        const uint8_t* p = kv.encoded.data();
        uint32_t type;
        std::memcpy(&type, p, 4);
        auto read = [&](auto zero) {
            decltype(zero) x;
            std::memcpy(&x, p + 4, sizeof x);
            return x;
        };
        int64_t v;  // wide enough for every case that passes the range check below
        switch (static_cast<ValueType>(type)) {
            case ValueType::UINT8: v = read(uint8_t{}); break;
            case ValueType::INT8: v = read(int8_t{}); break;
            case ValueType::UINT16: v = read(uint16_t{}); break;
            case ValueType::INT16: v = read(int16_t{}); break;
            case ValueType::UINT32: v = read(uint32_t{}); break;
            case ValueType::INT32: v = read(int32_t{}); break;
            case ValueType::UINT64: v = static_cast<int64_t>(std::min<uint64_t>(read(uint64_t{}), INT64_MAX)); break;
            case ValueType::INT64: v = read(int64_t{}); break;
            default: throw Error("gguf writer: general.alignment must be an integer");
        }
        if (v <= 0 || v % 8 != 0 || v > (int64_t{1} << 32))
            throw Error("gguf writer: general.alignment " + std::to_string(v) + " is not a positive multiple of 8 (at most 2^32)");
        return static_cast<uint64_t>(v);
    }
    return kDefaultAlignment;
}

// Writes the whole file into `sink` (anything with write(const uint8_t*, size_t)).
template <class Kvs, class Tensors, class Sink>
void serialize(const Kvs& kvs, const Tensors& tensors, Sink& sink) {
    const uint64_t align = alignment_of(kvs);
    std::vector<uint8_t> head;
    append<uint32_t>(head, 0x46554747);  // "GGUF"
    append<uint32_t>(head, 3);
    append<uint64_t>(head, tensors.size());
    append<uint64_t>(head, kvs.size());
    for (const auto& kv : kvs) {
        append_string(head, kv.key);
        append_raw(head, kv.encoded.data(), kv.encoded.size());
    }
    uint64_t offset = 0;  // running offset inside the data section
    for (const auto& t : tensors) {
        append_string(head, t.name);
        append<uint32_t>(head, static_cast<uint32_t>(t.ne.size()));
        for (uint64_t d : t.ne) append<uint64_t>(head, d);
        append<uint32_t>(head, t.type);
        append<uint64_t>(head, offset);
        offset = align_up(offset + t.bytes.size(), align);
    }
    head.resize(align_up(head.size(), align), 0);
    sink.write(head.data(), head.size());
    static const std::vector<uint8_t> zeros(4096, 0);
    for (const auto& t : tensors) {
        sink.write(t.bytes.data(), t.bytes.size());
        for (uint64_t pad = align_up(t.bytes.size(), align) - t.bytes.size(); pad > 0;) {
            const size_t n = std::min<uint64_t>(pad, zeros.size());
            sink.write(zeros.data(), n);
            pad -= n;
        }
    }
}

struct VectorSink {
    std::vector<uint8_t>& out;
    void write(const uint8_t* p, size_t n) { append_raw(out, p, n); }
};

// Checks every write: a full disk must surface as an error, not as a silently short model file.
struct FileSink {
    FILE* f;
    const std::string& path;
    void write(const uint8_t* p, size_t n) {
        if (n != 0 && std::fwrite(p, 1, n, f) != n)
            throw Error(path + ": write failed: " + std::strerror(errno));
    }
};

}  // namespace

void Writer::put(const std::string& key, std::vector<uint8_t> encoded) {
    if (key.empty() || key.size() > kMaxKeyLength)
        throw Error("gguf writer: key length " + std::to_string(key.size()) + " is not in 1.." + std::to_string(kMaxKeyLength));
    for (const Kv& kv : kvs_)
        if (kv.key == key) throw Error("gguf writer: key '" + key + "' is set twice");
    kvs_.push_back({key, std::move(encoded)});
    if (key == "general.alignment") {
        try {
            alignment_of(kvs_);
        } catch (...) {
            kvs_.pop_back();  // leave the writer as it was
            throw;
        }
    }
}

void Writer::set_u8(const std::string& key, uint8_t v) { put(key, scalar(ValueType::UINT8, v)); }
void Writer::set_i8(const std::string& key, int8_t v) { put(key, scalar(ValueType::INT8, v)); }
void Writer::set_u16(const std::string& key, uint16_t v) { put(key, scalar(ValueType::UINT16, v)); }
void Writer::set_i16(const std::string& key, int16_t v) { put(key, scalar(ValueType::INT16, v)); }
void Writer::set_u32(const std::string& key, uint32_t v) { put(key, scalar(ValueType::UINT32, v)); }
void Writer::set_i32(const std::string& key, int32_t v) { put(key, scalar(ValueType::INT32, v)); }
void Writer::set_u64(const std::string& key, uint64_t v) { put(key, scalar(ValueType::UINT64, v)); }
void Writer::set_i64(const std::string& key, int64_t v) { put(key, scalar(ValueType::INT64, v)); }
void Writer::set_f32(const std::string& key, float v) { put(key, scalar(ValueType::FLOAT32, v)); }
void Writer::set_f64(const std::string& key, double v) { put(key, scalar(ValueType::FLOAT64, v)); }
void Writer::set_bool(const std::string& key, bool v) { put(key, scalar(ValueType::BOOL, uint8_t{v})); }

void Writer::set_string(const std::string& key, const std::string& v) {
    std::vector<uint8_t> out;
    append<uint32_t>(out, static_cast<uint32_t>(ValueType::STRING));
    append_string(out, v);
    put(key, std::move(out));
}

void Writer::set_array_string(const std::string& key, const std::vector<std::string>& v) {
    std::vector<uint8_t> out;
    append<uint32_t>(out, static_cast<uint32_t>(ValueType::ARRAY));
    append<uint32_t>(out, static_cast<uint32_t>(ValueType::STRING));
    append<uint64_t>(out, v.size());
    for (const std::string& s : v) append_string(out, s);
    put(key, std::move(out));
}

void Writer::set_array_f32(const std::string& key, const std::vector<float>& v) {
    put(key, numeric_array(ValueType::FLOAT32, v));
}
void Writer::set_array_i32(const std::string& key, const std::vector<int32_t>& v) {
    put(key, numeric_array(ValueType::INT32, v));
}
void Writer::set_array_u32(const std::string& key, const std::vector<uint32_t>& v) {
    put(key, numeric_array(ValueType::UINT32, v));
}

void Writer::add_tensor(const std::string& name, uint32_t type, std::vector<uint64_t> ne, std::vector<uint8_t> bytes) {
    const std::string what = "gguf writer: tensor '" + name + "': ";
    if (name.empty() || name.size() > kMaxTensorName)
        throw Error(what + "name length " + std::to_string(name.size()) + " is not in 1.." + std::to_string(kMaxTensorName));
    for (const Tensor& t : tensors_)
        if (t.name == name) throw Error(what + "added twice");
    if (!type_traits(type)) throw Error(what + "unknown type id " + std::to_string(type));
    const auto nbytes = tensor_nbytes(type, ne);
    if (!nbytes) throw Error(what + "shape does not fit type " + type_name(type) + " (or has 0 or more than 4 dims)");
    if (*nbytes != bytes.size())
        throw Error(what + type_name(type) + " data must be " + std::to_string(*nbytes) + " bytes, got " +
                    std::to_string(bytes.size()));
    tensors_.push_back({name, type, std::move(ne), std::move(bytes)});
}

std::vector<uint8_t> Writer::to_bytes() const {
    std::vector<uint8_t> out;
    VectorSink sink{out};
    serialize(kvs_, tensors_, sink);
    return out;
}

void Writer::write_file(const std::string& name) const {
    // Written beside the real file and renamed over it: a symlink keeps pointing at the new data.
    const std::string path = output_file_target(name);
    const std::string tmp = path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error(path + ": cannot create " + tmp + ": " + std::strerror(errno));
    auto fail = [&](const std::string& what) {
        const int e = errno;
        if (f) std::fclose(f);
        std::remove(tmp.c_str());
        throw Error(path + ": " + what + ": " + std::strerror(e));
    };
    try {
        FileSink sink{f, path};
        serialize(kvs_, tensors_, sink);
    } catch (const Error&) {
        std::fclose(f);
        std::remove(tmp.c_str());
        throw;
    }
    // Buffered data only reaches the disk here, so these are where "disk full" usually shows up.
    if (std::fflush(f) != 0) fail("write failed");
    if (::fsync(fileno(f)) != 0) fail("fsync failed");
    const int rc = std::fclose(f);
    f = nullptr;
    if (rc != 0) fail("close failed");
    if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename " + tmp + " into place");
}

}  // namespace tern::gguf
