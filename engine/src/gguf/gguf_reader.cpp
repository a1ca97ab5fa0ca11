// GGUF reader. The file is untrusted input: every count, length and offset is checked against the
// bytes that are actually left before anything is allocated or read, so a corrupt or hostile file
// ends in a tern::Error that names the file, the field and the problem.
#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>

#include "gguf/gguf.h"
#include "tern/error.h"

namespace tern::gguf {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr uint64_t kMaxKeyLength = 65535;
constexpr uint64_t kMaxTensorName = 256;  // the spec says 64; some converters write longer names
constexpr int kMaxArrayDepth = 8;
constexpr const char* kTruncated = " in the file (truncated or corrupt file)";
// Each nested-array element costs a ~150-byte Value for as little as 12 file bytes; capping the
// total keeps a hostile file from turning into a many-times-larger allocation. Real models have
// no nested arrays at all.
constexpr uint64_t kMaxNestedArrays = uint64_t{1} << 20;

// Smallest encodings, used to reject absurd counts before looping over them.
constexpr uint64_t kMinKvBytes = 8 + 1 + 4 + 1;              // key length, 1-byte key, type, u8 value
constexpr uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;  // name, n_dims, one dim, type, offset

// Size of one element of a fixed-size value type; 0 for STRING, ARRAY and unknown ids.
uint64_t fixed_size(ValueType t) {
    switch (t) {
        case ValueType::UINT8: case ValueType::INT8: case ValueType::BOOL: return 1;
        case ValueType::UINT16: case ValueType::INT16: return 2;
        case ValueType::UINT32: case ValueType::INT32: case ValueType::FLOAT32: return 4;
        case ValueType::UINT64: case ValueType::INT64: case ValueType::FLOAT64: return 8;
        default: return 0;
    }
}

bool is_integer_type(ValueType t) {
    switch (t) {
        case ValueType::UINT8: case ValueType::INT8: case ValueType::UINT16: case ValueType::INT16:
        case ValueType::UINT32: case ValueType::INT32: case ValueType::UINT64: case ValueType::INT64:
            return true;
        default: return false;
    }
}

bool is_signed_type(ValueType t) {
    return t == ValueType::INT8 || t == ValueType::INT16 || t == ValueType::INT32 || t == ValueType::INT64;
}

bool is_float_type(ValueType t) { return t == ValueType::FLOAT32 || t == ValueType::FLOAT64; }

std::string type_str(ValueType t) {
    const char* name = value_type_name(t);
    return name[0] ? name : "value type " + std::to_string(static_cast<uint32_t>(t));
}

template <class T>
T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Decodes one fixed-size scalar into the Value's u / i / f fields.
void decode_scalar(ValueType t, const uint8_t* p, Value& v) {
    switch (t) {
        case ValueType::UINT8: v.u = load<uint8_t>(p); break;
        case ValueType::BOOL: v.u = load<uint8_t>(p); break;
        case ValueType::UINT16: v.u = load<uint16_t>(p); break;
        case ValueType::UINT32: v.u = load<uint32_t>(p); break;
        case ValueType::UINT64: v.u = load<uint64_t>(p); break;
        case ValueType::INT8: v.i = load<int8_t>(p); break;
        case ValueType::INT16: v.i = load<int16_t>(p); break;
        case ValueType::INT32: v.i = load<int32_t>(p); break;
        case ValueType::INT64: v.i = load<int64_t>(p); break;
        case ValueType::FLOAT32: v.f = load<float>(p); break;
        case ValueType::FLOAT64: v.f = load<double>(p); break;
        default: break;
    }
}

std::string shape_str(const TensorInfo& t) {
    std::string s = "[";
    for (uint32_t d = 0; d < t.n_dims; ++d) s += (d ? ", " : "") + std::to_string(t.ne[d]);
    return s + "]";
}

}  // namespace

const char* value_type_name(ValueType t) {
    switch (t) {
        case ValueType::UINT8: return "UINT8";
        case ValueType::INT8: return "INT8";
        case ValueType::UINT16: return "UINT16";
        case ValueType::INT16: return "INT16";
        case ValueType::UINT32: return "UINT32";
        case ValueType::INT32: return "INT32";
        case ValueType::FLOAT32: return "FLOAT32";
        case ValueType::BOOL: return "BOOL";
        case ValueType::STRING: return "STRING";
        case ValueType::ARRAY: return "ARRAY";
        case ValueType::UINT64: return "UINT64";
        case ValueType::INT64: return "INT64";
        case ValueType::FLOAT64: return "FLOAT64";
    }
    return "";
}

// ---- Value ----

bool Value::is_integer() const { return is_integer_type(type); }
bool Value::is_float() const { return is_float_type(type); }

namespace {

// Element idx of a numeric array, decoded into a scalar Value.
Value array_element(const Value& a, uint64_t idx, const char* fn) {
    const uint64_t size = fixed_size(a.elem_type);
    if (a.type != ValueType::ARRAY || size == 0)
        throw Error(std::string(fn) + ": not a numeric array (" + type_str(a.type) +
                    (a.type == ValueType::ARRAY ? " of " + type_str(a.elem_type) : "") + ")");
    if (idx >= a.count)
        throw Error(std::string(fn) + ": index " + std::to_string(idx) + " out of range (" +
                    std::to_string(a.count) + " elements)");
    Value v;
    v.type = a.elem_type;
    decode_scalar(a.elem_type, a.raw + idx * size, v);
    return v;
}

}  // namespace

int64_t Value::int_at(uint64_t idx) const {
    const Value v = array_element(*this, idx, "int_at");
    if (is_float_type(v.type)) {
        // Casting a NaN or out-of-range double to int64 is undefined: reject it instead.
        if (!(v.f >= -0x1p63 && v.f < 0x1p63))
            throw Error("int_at: element " + std::to_string(idx) + " = " + std::to_string(v.f) + " does not fit in int64");
        return static_cast<int64_t>(v.f);
    }
    if (is_signed_type(v.type)) return v.i;
    if (v.u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw Error("int_at: element " + std::to_string(idx) + " = " + std::to_string(v.u) + " does not fit in int64");
    return static_cast<int64_t>(v.u);
}

double Value::float_at(uint64_t idx) const {
    const Value v = array_element(*this, idx, "float_at");
    if (is_float_type(v.type)) return v.f;
    if (is_signed_type(v.type)) return static_cast<double>(v.i);
    return static_cast<double>(v.u);
}

// ---- Parser: one pass over header, metadata and tensor infos ----

class Parser {
public:
    Parser(File& f, const MappedFile& map) : f_(f), path_(map.path()), data_(map.data()), size_(map.size()) {}

    void run() {
        context_ = "header";
        if (size_ < 4) fail("magic", "file truncated: " + std::to_string(size_) + " bytes is too short for a GGUF header");
        const uint32_t magic = u32("magic");
        if (magic != kMagic) fail("magic", "not a GGUF file (the first 4 bytes are not 'GGUF')");
        parse_version();
        const uint64_t n_tensors = u64("tensor_count");
        const uint64_t n_kv = u64("metadata_kv_count");
        // Bound the counts by what the rest of the file could possibly hold.
        if (n_kv > remaining() / kMinKvBytes)
            fail("metadata_kv_count", std::to_string(n_kv) + " entries cannot fit in the " + std::to_string(remaining()) +
                                          " bytes left" + kTruncated);
        if (n_tensors > remaining() / kMinTensorInfoBytes)
            fail("tensor_count", std::to_string(n_tensors) + " entries cannot fit in the " + std::to_string(remaining()) +
                                     " bytes left" + kTruncated);
        for (uint64_t i = 0; i < n_kv; ++i) parse_kv(i);
        parse_alignment();
        f_.tensors_.reserve(n_tensors);
        for (uint64_t i = 0; i < n_tensors; ++i) parse_tensor_info(i);
        place_tensor_data();
    }

private:
    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw Error(path_ + ": " + field + ": " + problem);
    }

    uint64_t remaining() const { return size_ - pos_; }

    // Every read goes through here: it is the one place that knows how many bytes are left.
    const uint8_t* take(uint64_t n, const char* what) {
        if (n > remaining())
            fail(context_, std::string("file truncated at offset ") + std::to_string(pos_) + " (" + what + " needs " +
                               std::to_string(n) + " bytes, " + std::to_string(remaining()) + " left)");
        const uint8_t* p = data_ + pos_;
        pos_ += n;
        return p;
    }
    uint32_t u32(const char* what) { return load<uint32_t>(take(4, what)); }
    uint64_t u64(const char* what) { return load<uint64_t>(take(8, what)); }

    std::string_view string(const char* what) {
        const uint64_t len = u64(what);
        if (len > remaining())
            fail(context_, std::string(what) + " " + std::to_string(len) + " is larger than the " +
                               std::to_string(remaining()) + " bytes left" + kTruncated);
        return {reinterpret_cast<const char*>(take(len, what)), static_cast<size_t>(len)};
    }

    void parse_version() {
        const uint32_t v = u32("version");
        if (v == 1) fail("version", "version 1 is not supported (it used 32-bit counts; re-convert the model)");
        if (v != 2 && v != 3) {
            const uint32_t swapped = __builtin_bswap32(v);
            fail("version", "unsupported version " + std::to_string(v) + " (supported: 2 and 3)" +
                                (swapped == 2 || swapped == 3 ? "; the file looks big-endian, which is not supported" : ""));
        }
        f_.version_ = v;
    }

    void parse_kv(uint64_t index) {
        context_ = "metadata key #" + std::to_string(index);
        const uint64_t key_len_pos = pos_;
        const uint64_t key_len = u64("key length");
        pos_ = key_len_pos;
        if (key_len == 0) fail(context_, "key is empty");
        if (key_len > kMaxKeyLength)
            fail(context_, "key length " + std::to_string(key_len) + " exceeds the limit of " + std::to_string(kMaxKeyLength));
        const std::string key(string("key length"));
        context_ = "key '" + key + "'";
        const auto type = static_cast<ValueType>(u32("value type"));
        Value v = parse_value(type, 0);
        if (f_.kv_.count(key)) fail(context_, "duplicate key (it appears twice in the metadata)");
        f_.kv_.emplace(key, std::move(v));
    }

    Value parse_value(ValueType type, int depth) {
        Value v;
        v.type = type;
        if (const uint64_t size = fixed_size(type)) {
            decode_scalar(type, take(size, "value"), v);
            if (type == ValueType::BOOL && v.u > 1) fail(context_, "bool value " + std::to_string(v.u) + " is not 0 or 1");
            return v;
        }
        if (type == ValueType::STRING) {
            v.str = string("string length");
            return v;
        }
        if (type != ValueType::ARRAY) fail(context_, "unknown value type " + std::to_string(static_cast<uint32_t>(type)));
        if (depth >= kMaxArrayDepth) fail(context_, "arrays nested deeper than " + std::to_string(kMaxArrayDepth) + " levels");

        v.elem_type = static_cast<ValueType>(u32("array element type"));
        v.count = u64("array count");
        const uint64_t elem = fixed_size(v.elem_type);
        // Smallest possible element: a fixed-size value, a string's length, or a nested array's header.
        const uint64_t min_elem = elem ? elem : v.elem_type == ValueType::STRING ? 8 : v.elem_type == ValueType::ARRAY ? 12 : 0;
        if (min_elem == 0)
            fail(context_, "unknown value type " + std::to_string(static_cast<uint32_t>(v.elem_type)) + " for array elements");
        if (v.count > remaining() / min_elem)
            fail(context_, "array count " + std::to_string(v.count) + " of " + type_str(v.elem_type) +
                               " needs more than the " + std::to_string(remaining()) + " bytes left" + kTruncated);
        if (elem) {
            v.raw = take(v.count * elem, "array elements");
            if (v.elem_type == ValueType::BOOL)
                for (uint64_t i = 0; i < v.count; ++i)
                    if (v.raw[i] > 1)
                        fail(context_, "bool value " + std::to_string(v.raw[i]) + " at array index " + std::to_string(i) +
                                           " is not 0 or 1");
        } else if (v.elem_type == ValueType::STRING) {
            v.strings.reserve(v.count);
            for (uint64_t i = 0; i < v.count; ++i) v.strings.push_back(string("string length"));
        } else {
            nested_arrays_ += v.count;  // cannot wrap: count <= file size / 12
            if (nested_arrays_ > kMaxNestedArrays)
                fail(context_, "more than " + std::to_string(kMaxNestedArrays) + " nested arrays in the file");
            v.items.reserve(v.count);
            for (uint64_t i = 0; i < v.count; ++i) v.items.push_back(parse_value(ValueType::ARRAY, depth + 1));
        }
        return v;
    }

    void parse_alignment() {
        const Value* a = f_.find("general.alignment");
        if (!a) return;
        context_ = "general.alignment";
        if (!a->is_integer()) fail(context_, "has type " + type_str(a->type) + ", expected an integer");
        if (is_signed_type(a->type) && a->i < 0) fail(context_, std::to_string(a->i) + " is negative");
        const uint64_t align = is_signed_type(a->type) ? static_cast<uint64_t>(a->i) : a->u;
        if (align == 0 || align % 8 != 0) fail(context_, std::to_string(align) + " is not a nonzero multiple of 8");
        f_.alignment_ = align;
    }

    void parse_tensor_info(uint64_t index) {
        context_ = "tensor #" + std::to_string(index);
        const uint64_t name_len_pos = pos_;
        const uint64_t name_len = u64("name length");
        pos_ = name_len_pos;
        if (name_len == 0) fail(context_, "name is empty");
        if (name_len > kMaxTensorName)
            fail(context_, "name length " + std::to_string(name_len) + " exceeds the limit of " + std::to_string(kMaxTensorName));
        TensorInfo t;
        t.name = std::string(string("name length"));
        context_ = "tensor '" + t.name + "'";

        t.n_dims = u32("n_dims");
        if (t.n_dims < 1 || t.n_dims > 4) fail(context_, "n_dims " + std::to_string(t.n_dims) + " is not in 1..4");
        uint64_t n = 1;
        for (uint32_t d = 0; d < t.n_dims; ++d) {
            t.ne[d] = u64("dimension");
            if (t.ne[d] == 0) fail(context_, "dimension ne[" + std::to_string(d) + "] is 0");
            if (__builtin_mul_overflow(n, t.ne[d], &n) || n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                fail(context_, "element count overflows (dimensions " + shape_str(t) + ")");
        }
        t.type = u32("type");
        t.offset = u64("offset");
        if (type_traits(t.type)) {
            const auto nbytes = tensor_nbytes(t.type, std::span<const uint64_t>(t.ne.data(), t.n_dims));
            if (!nbytes) {
                const TypeTraits& tt = *type_traits(t.type);
                if (tt.id == TypeId::I2_S && n % 4 != 0)
                    fail(context_, "shape " + shape_str(t) + " does not fit type I2_S (the element count must be a multiple of 4)");
                if (t.ne[0] % tt.block_size != 0)
                    fail(context_, "shape " + shape_str(t) + " does not fit type " + tt.name + " (ne[0] must be a multiple of " +
                                       std::to_string(tt.block_size) + ")");
                fail(context_, "byte size overflows (shape " + shape_str(t) + ", type " + tt.name + ")");
            }
            t.nbytes = *nbytes;
        }  // unknown type ids stay nbytes = 0: File::view() reports them when the tensor is used
        if (f_.tensor_index_.count(t.name)) fail(context_, "duplicate tensor name");
        f_.tensor_index_.emplace(t.name, f_.tensors_.size());
        f_.tensors_.push_back(std::move(t));
    }

    void place_tensor_data() {
        const uint64_t align = f_.alignment_;
        uint64_t start;
        if (__builtin_add_overflow(pos_, align - 1, &start)) fail("tensor data", "offset overflows");
        start = start / align * align;
        f_.data_offset_ = start;
        if (f_.tensors_.empty()) return;  // a metadata-only file may end without padding
        if (start > size_)
            fail("tensor data", "section starts at " + std::to_string(start) + ", past the end of the file (size " +
                                    std::to_string(size_) + "): file truncated");
        const uint64_t room = size_ - start;
        for (const TensorInfo& t : f_.tensors_) {
            const std::string ctx = "tensor '" + t.name + "'";
            if (t.offset % align != 0)
                fail(ctx, "offset " + std::to_string(t.offset) + " is not a multiple of the alignment " + std::to_string(align));
            if (t.offset > room || t.nbytes > room - t.offset)
                fail(ctx, "data [file offset " + std::to_string(start) + " + " + std::to_string(t.offset) + ", " +
                              std::to_string(t.nbytes) + " bytes] runs past the end of the file (size " +
                              std::to_string(size_) + ")");
        }
        // Overlap check on tensors sorted by offset: each must end before the next begins.
        std::vector<size_t> order(f_.tensors_.size());
        std::iota(order.begin(), order.end(), size_t{0});
        std::sort(order.begin(), order.end(),
                  [&](size_t a, size_t b) { return f_.tensors_[a].offset < f_.tensors_[b].offset; });
        for (size_t k = 1; k < order.size(); ++k) {
            const TensorInfo& prev = f_.tensors_[order[k - 1]];
            const TensorInfo& cur = f_.tensors_[order[k]];
            if (prev.offset + prev.nbytes > cur.offset)
                fail("tensor '" + cur.name + "'",
                     "data [offset " + std::to_string(cur.offset) + ", " + std::to_string(cur.nbytes) +
                         " bytes] overlaps tensor '" + prev.name + "' [offset " + std::to_string(prev.offset) + ", " +
                         std::to_string(prev.nbytes) + " bytes]");
        }
    }

    File& f_;
    const std::string& path_;
    const uint8_t* data_;
    uint64_t size_;
    uint64_t pos_ = 0;
    uint64_t nested_arrays_ = 0;
    std::string context_;
};

// ---- File ----

std::unique_ptr<File> File::open(const std::string& path) {
    std::unique_ptr<File> f(new File());
    f->map_ = std::make_unique<MappedFile>(path);
    Parser(*f, *f->map_).run();
    return f;
}

const Value* File::find(std::string_view key) const {
    auto it = kv_.find(key);
    return it == kv_.end() ? nullptr : &it->second;
}

namespace {

[[noreturn]] void wrong_type(const std::string& path, std::string_view key, ValueType got, const char* expected) {
    throw Error(path + ": key '" + std::string(key) + "': has type " + type_str(got) + ", expected " + expected);
}

}  // namespace

std::optional<uint64_t> File::get_uint(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_integer()) wrong_type(path(), key, v->type, "an unsigned integer (any integer type)");
    if (is_signed_type(v->type)) {
        if (v->i < 0)
            throw Error(path() + ": key '" + std::string(key) + "': value " + std::to_string(v->i) +
                        " is negative, expected an unsigned integer");
        return static_cast<uint64_t>(v->i);
    }
    return v->u;
}

std::optional<int64_t> File::get_int(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_integer()) wrong_type(path(), key, v->type, "an integer");
    if (is_signed_type(v->type)) return v->i;
    if (v->u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw Error(path() + ": key '" + std::string(key) + "': value " + std::to_string(v->u) + " does not fit in int64");
    return static_cast<int64_t>(v->u);
}

std::optional<double> File::get_float(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_float()) return v->f;
    if (!v->is_integer()) wrong_type(path(), key, v->type, "FLOAT32 or FLOAT64");
    return is_signed_type(v->type) ? static_cast<double>(v->i) : static_cast<double>(v->u);
}

std::optional<bool> File::get_bool(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (v->type != ValueType::BOOL) wrong_type(path(), key, v->type, "BOOL");
    return v->u != 0;
}

std::optional<std::string> File::get_string(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return std::nullopt;
    if (v->type != ValueType::STRING) wrong_type(path(), key, v->type, "STRING");
    return std::string(v->str);
}

const Value* File::get_array(std::string_view key, ValueType elem_type) const {
    const Value* v = find(key);
    if (!v) return nullptr;
    const std::string expected = "ARRAY of " + type_str(elem_type);
    if (v->type != ValueType::ARRAY) wrong_type(path(), key, v->type, expected.c_str());
    // Element kinds, not exact types: writers disagree on i32 vs u32 and f32 vs f64, and int_at /
    // float_at read any numeric width. An empty array matches anything.
    auto kind = [](ValueType t) {
        return is_integer_type(t) ? 0 : is_float_type(t) ? 1 : 2 + static_cast<int>(t);
    };
    if (v->count != 0 && kind(v->elem_type) != kind(elem_type))
        throw Error(path() + ": key '" + std::string(key) + "': is an ARRAY of " + type_str(v->elem_type) +
                    ", expected " + expected);
    return v;
}

const TensorInfo* File::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

bool File::maps(const TensorView& v) const {
    const auto begin = reinterpret_cast<uintptr_t>(map_->data()), p = reinterpret_cast<uintptr_t>(v.data);
    return p >= begin && p - begin <= map_->size() && v.nbytes <= map_->size() - (p - begin);
}

void File::release(const TensorView& v) const {
    if (maps(v)) map_->release(v.data, v.nbytes);
}

TensorView File::view(const TensorInfo& t) const {
    const TypeTraits* tt = type_traits(t.type);
    if (!tt) throw Error(path() + ": tensor '" + t.name + "': unknown type id " + std::to_string(t.type));
    // Re-check the bounds so that a TensorInfo that did not come from this file cannot read past it.
    if (data_offset_ > file_size() || t.offset > file_size() - data_offset_ ||
        t.nbytes > file_size() - data_offset_ - t.offset || tensor_nbytes(t.type, t.ne) != t.nbytes)
        throw Error(path() + ": tensor '" + t.name + "': does not describe data inside this file");
    TensorView v;
    v.type = tt->id;
    v.ne = t.ne;
    v.data = map_->data() + data_offset_ + t.offset;
    v.nbytes = t.nbytes;
    return v;
}

}  // namespace tern::gguf
