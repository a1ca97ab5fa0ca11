#pragma once
// GGUF v2/v3 reader (on an mmap, every field checked against the file) and writer.
// Format facts: shared/docs/bitnet-reference.md section 1.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/type_traits.h"
#include "util/mapped_file.h"

namespace tern::gguf {

enum class ValueType : uint32_t {
    UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6,
    BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
};
const char* value_type_name(ValueType t);

// One metadata value. Strings point into the mapped file (valid while the File lives).
struct Value {
    ValueType type = ValueType::UINT8;
    uint64_t u = 0;        // unsigned integers and bool
    int64_t i = 0;         // signed integers
    double f = 0;          // floats
    std::string_view str;  // STRING

    // ARRAY
    ValueType elem_type = ValueType::UINT8;
    uint64_t count = 0;
    const uint8_t* raw = nullptr;            // numeric/bool elements, little-endian, packed
    std::vector<std::string_view> strings;   // STRING elements
    std::vector<Value> items;                // nested ARRAY elements

    bool is_integer() const;
    bool is_float() const;
    // Element i of a numeric array as a number (any integer/float element type).
    int64_t int_at(uint64_t idx) const;
    double float_at(uint64_t idx) const;
};

struct TensorInfo {
    std::string name;
    uint32_t n_dims = 0;
    std::array<uint64_t, 4> ne{1, 1, 1, 1};
    uint32_t type = 0;      // raw ggml type id (may be unknown to the engine: checked on use)
    uint64_t offset = 0;    // from the start of the tensor-data section
    uint64_t nbytes = 0;    // from tensor_nbytes(); 0 when the type is unknown
};

class File {
public:
    // Parses and validates header, metadata and tensor infos. Throws tern::Error with a message
    // naming the file, the field and the problem. Tensor data is not touched.
    static std::unique_ptr<File> open(const std::string& path);

    const std::string& path() const { return map_->path(); }
    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t file_size() const { return map_->size(); }
    uint64_t data_offset() const { return data_offset_; }  // start of the tensor-data section

    const std::map<std::string, Value, std::less<>>& metadata() const { return kv_; }
    const Value* find(std::string_view key) const;

    // Typed getters: nullopt when the key is absent; tern::Error when present with the wrong type.
    // Integer getters accept any integer type (writers disagree on u32 vs u64) and check the range.
    std::optional<uint64_t> get_uint(std::string_view key) const;
    std::optional<int64_t> get_int(std::string_view key) const;
    std::optional<double> get_float(std::string_view key) const;  // FLOAT32/FLOAT64 (and integers)
    std::optional<bool> get_bool(std::string_view key) const;
    std::optional<std::string> get_string(std::string_view key) const;
    // Arrays: nullptr when absent; tern::Error when not an array of the wanted element kind.
    const Value* get_array(std::string_view key, ValueType elem_type) const;

    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find_tensor(std::string_view name) const;
    // A view of the tensor's bytes. Throws tern::Error naming the tensor if its type is unknown
    // to the engine (the message gives the type id).
    TensorView view(const TensorInfo& t) const;
    // True when v's bytes lie in this file's mapping (not in a buffer converted at load).
    bool maps(const TensorView& v) const;
    // Drops v's pages from resident memory (see MappedFile::release); no-op unless maps(v).
    void release(const TensorView& v) const;

private:
    File() = default;
    std::unique_ptr<MappedFile> map_;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::map<std::string, Value, std::less<>> kv_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, size_t, std::less<>> tensor_index_;
    friend class Parser;
};

// Builds a GGUF v3 file. Keys keep insertion order; tensors are laid out aligned to 32 (or the
// general.alignment the caller sets).
class Writer {
public:
    void set_u8(const std::string& key, uint8_t v);
    void set_i8(const std::string& key, int8_t v);
    void set_u16(const std::string& key, uint16_t v);
    void set_i16(const std::string& key, int16_t v);
    void set_u32(const std::string& key, uint32_t v);
    void set_i32(const std::string& key, int32_t v);
    void set_u64(const std::string& key, uint64_t v);
    void set_i64(const std::string& key, int64_t v);
    void set_f32(const std::string& key, float v);
    void set_f64(const std::string& key, double v);
    void set_bool(const std::string& key, bool v);
    void set_string(const std::string& key, const std::string& v);
    void set_array_string(const std::string& key, const std::vector<std::string>& v);
    void set_array_f32(const std::string& key, const std::vector<float>& v);
    void set_array_i32(const std::string& key, const std::vector<int32_t>& v);
    void set_array_u32(const std::string& key, const std::vector<uint32_t>& v);

    // ne in ggml order (ne[0] contiguous). bytes must be exactly tensor_nbytes(type, ne) long.
    void add_tensor(const std::string& name, uint32_t type, std::vector<uint64_t> ne,
                    std::vector<uint8_t> bytes);

    // Serialise everything. write_file writes `path + ".tmp"` and renames it into place, so a
    // failed write (disk full) never leaves a half file under the final name; a symlink at path
    // is followed (its target is replaced), a directory or other non-regular file refused. Throws
    // tern::Error.
    std::vector<uint8_t> to_bytes() const;
    void write_file(const std::string& path) const;

private:
    struct Kv { std::string key; std::vector<uint8_t> encoded; };  // type id + value, encoded
    struct Tensor { std::string name; uint32_t type; std::vector<uint64_t> ne; std::vector<uint8_t> bytes; };
    void put(const std::string& key, std::vector<uint8_t> encoded);
    std::vector<Kv> kvs_;
    std::vector<Tensor> tensors_;
};

}  // namespace tern::gguf
