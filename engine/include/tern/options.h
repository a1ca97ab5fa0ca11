#pragma once
// How a model is loaded: the precision of its projections, the LM head's format and the KV
// cache's type. One table per option gives its one spelling ("fp16", "q8", "f16"), used by
// tern-cli's flags, the app's settings and QML alike, and the type name ggml gives it ("F16").
#include <optional>
#include <span>
#include <string_view>

namespace tern {

// How the projection weights run.
enum class Precision {
    Ternary,  // as stored: ternary codes times a scale, int8 activations, integer dot products
    Fp16,     // the FP16 baseline: every projection expanded at load to dense F16 (value x scale),
              // float activations, F16 kernels; the same model, run the way a float model runs
};

// The LM head's format. AsStored runs the file's tensor (F16 in the official 2B4T file); Q8_0 and
// Q6_K are built at load (8.5 and 6.56 bits per weight: about half and 40% of the F16 head's bytes,
// which every decoded token reads) at a small, measured accuracy cost.
enum class HeadType { AsStored, Q8_0, Q6_K };

// How the KV cache stores K and V. F16 halves its memory and the bytes attention reads per token
// at long context (tern-cli and the app use it); F32 keeps the reference numerics exactly and is
// the library default; Q8_0 (int8 codes with an F32 scale per 32 values) takes 56% of F16's
// memory and bytes at a small accuracy cost. The Vulkan backend keeps F32 (ModelInfo says so).
enum class KvType { F32, F16, Q8_0 };

// One row of an option's table: its value, its spelling and, for types, ggml's type name.
template <class T>
struct OptionName {
    T value;
    const char* name;       // "ternary", "fp16" / "f16", "q8", "q6" / "f32", "f16", "q8"
    const char* type_name;  // "ternary", "FP16" / "F16", "Q8_0", "Q6_K" / "F32", "F16", "Q8_0"
};

std::span<const OptionName<Precision>> precision_names();
std::span<const OptionName<HeadType>> head_names();  // "f16" stands for the head as stored
std::span<const OptionName<KvType>> kv_type_names();

const char* precision_name(Precision p);  // "ternary", "fp16"
const char* head_name(HeadType h);        // "f16", "q8", "q6"
const char* kv_name(KvType t);            // "f32", "f16", "q8"
const char* kv_type_name(KvType t);       // "F32", "F16", "Q8_0", as ggml names the types

// The value a spelling stands for; nullopt for anything else.
std::optional<Precision> parse_precision(std::string_view name);
std::optional<HeadType> parse_head(std::string_view name);
std::optional<KvType> parse_kv(std::string_view name);

}  // namespace tern
