#include "tern/options.h"

namespace tern {

namespace {

constexpr OptionName<Precision> kPrecisions[] = {
    {Precision::Ternary, "ternary", "ternary"},
    {Precision::Fp16, "fp16", "FP16"},
};
constexpr OptionName<HeadType> kHeads[] = {
    {HeadType::AsStored, "f16", "F16"},
    {HeadType::Q8_0, "q8", "Q8_0"},
    {HeadType::Q6_K, "q6", "Q6_K"},
};
constexpr OptionName<KvType> kKvTypes[] = {
    {KvType::F16, "f16", "F16"},
    {KvType::F32, "f32", "F32"},
    {KvType::Q8_0, "q8", "Q8_0"},
};

template <class T, size_t N>
const OptionName<T>& row(const OptionName<T> (&table)[N], T value) {
    for (const auto& r : table)
        if (r.value == value) return r;
    return table[0];
}

template <class T, size_t N>
std::optional<T> parse(const OptionName<T> (&table)[N], std::string_view name) {
    for (const auto& r : table)
        if (name == r.name) return r.value;
    return std::nullopt;
}

}  // namespace

std::span<const OptionName<Precision>> precision_names() { return kPrecisions; }
std::span<const OptionName<HeadType>> head_names() { return kHeads; }
std::span<const OptionName<KvType>> kv_type_names() { return kKvTypes; }

const char* precision_name(Precision p) { return row(kPrecisions, p).name; }
const char* head_name(HeadType h) { return row(kHeads, h).name; }
const char* kv_name(KvType t) { return row(kKvTypes, t).name; }
const char* kv_type_name(KvType t) { return row(kKvTypes, t).type_name; }

std::optional<Precision> parse_precision(std::string_view name) { return parse(kPrecisions, name); }
std::optional<HeadType> parse_head(std::string_view name) { return parse(kHeads, name); }
std::optional<KvType> parse_kv(std::string_view name) { return parse(kKvTypes, name); }

}  // namespace tern
