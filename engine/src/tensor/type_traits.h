#pragma once
// The table of ggml tensor types the engine knows: ids, block sizes and byte sizes.
// Kernels live elsewhere; this file only describes storage (as ggml keeps type traits apart).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace tern {

// ggml type ids as written in GGUF files. 34..36 follow the bitnet.cpp fork (36 = I2_S).
enum class TypeId : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
    I2_S = 36,
};

struct TypeTraits {
    TypeId id;
    const char* name;      // "F32", "I2_S", ...
    uint32_t block_size;   // elements per block (1 for I2_S: its size rule is special, see tensor_nbytes)
    uint32_t type_size;    // bytes per block
    bool ternary;          // weights are {-1,0,+1} codes times a scale
    bool can_dequantize;   // the engine has a reader for it
};

// nullptr for ids the engine does not know at all.
const TypeTraits* type_traits(uint32_t id);
// "I2_S", or "type 99" for an unknown id.
std::string type_name(uint32_t id);

// Bytes a tensor of this type and shape occupies in a GGUF file. nullopt for an unknown type, a
// shape that does not fit the type's block size, a zero or more than 4 dims, or an overflowing
// product. I2_S is n/4 + 32 (payload + scale tail) and needs n % 4 == 0.
std::optional<uint64_t> tensor_nbytes(uint32_t type, std::span<const uint64_t> ne);

// A typed view of one tensor's bytes (in ggml order: ne[0] is the contiguous axis).
struct TensorView {
    TypeId type = TypeId::F32;
    std::array<uint64_t, 4> ne{1, 1, 1, 1};
    const uint8_t* data = nullptr;
    uint64_t nbytes = 0;

    uint64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    uint64_t n_rows() const { return ne[1] * ne[2] * ne[3]; }
};

// Dequantize row `row` (ne[0] values) of any type with can_dequantize into float.
// Throws tern::Error for other types, a row out of range, a view whose nbytes does not match its
// shape, and 2-bit ternary data holding the never-written code 3.
//
// I2_S rows: element c of row r is flat element r*ne[0]+c of 128-element blocks that run across
// rows. When n % 128 != 0 the last k = n % 128 elements have only k/4 bytes before the scale; they
// use the same MSB-first interleave with groups of k/4: byte p holds tail elements p, k/4+p,
// 2k/4+p, 3k/4+p in bits 7-6, 5-4, 3-2, 1-0 (bitnet.cpp never writes such tensors).
void dequantize_row(const TensorView& t, uint64_t row, float* out);

// One Q6_K block (210 bytes, 256 weights) as its 6-bit codes: weight e is
// d * scales[e / 16] * (codes[e] - 32), with d the F16 at byte 208 and scales the int8 at byte 192.
inline constexpr int kQ6KBlock = 256;
inline constexpr int kQ6KBlockBytes = 210;
void q6_k_codes(const uint8_t* block, uint8_t* codes);

// One Q4_K (144 bytes) or Q5_K (176 bytes) block of 256 weights as its codes (0..15 or 0..31) and
// the 6-bit scales and mins of its eight 32-weight sub-blocks: weight e is
// d * scales[e / 32] * codes[e] - dmin * mins[e / 32], with d and dmin the F16s at bytes 0 and 2.
inline constexpr int kQKBlock = 256;
inline constexpr int kQKSubBlock = 32;
inline constexpr int kQKSubBlocks = kQKBlock / kQKSubBlock;
inline constexpr int kQ4KBlockBytes = 144;
inline constexpr int kQ5KBlockBytes = 176;
void qk_codes(const uint8_t* block, bool five_bits, uint8_t* codes, uint8_t* scales, uint8_t* mins);

// Ternary types only: row `row` as values in {-1,0,+1} (ne[0] of them) and its scales.
// I2_S writes one scale (the tensor's) into scales[0]; TQ1_0/TQ2_0 write ne[0]/256 block scales.
// Value times its scale is the dequantized weight.
void ternary_row(const TensorView& t, uint64_t row, int8_t* values, float* scales);
// Number of scales ternary_row writes per row: 1 for I2_S, ne[0]/256 for TQ types.
uint64_t ternary_scales_per_row(const TensorView& t);
// Elements covered by each scale in a row: 256 for TQ types; 0 for I2_S, whose one scale covers
// the whole tensor (use the TensorView overload to get ne[0]).
uint64_t ternary_scale_block(TypeId type);
// Elements covered by each scale in a row of this tensor: ne[0] for I2_S, 256 for TQ types.
uint64_t ternary_scale_block(const TensorView& t);

}  // namespace tern
