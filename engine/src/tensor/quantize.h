#pragma once
// Encoders that produce the exact on-disk bytes of each supported type (used by the GGUF writer's
// callers: the synthetic-model generator and the tests).
#include <cstdint>
#include <span>
#include <vector>

namespace tern {

// values: n ternary values in {-1,0,+1}, row-major (ggml order). scale: the per-tensor scale.
// Output: n/4 bytes of 128-element/32-byte MSB-first blocks, then the f32 scale, zero-padded to 32.
// n must be a multiple of 4 (a trailing partial 128-block is padded with code 1 = zero).
std::vector<uint8_t> encode_i2_s(std::span<const int8_t> values, float scale);

// values: n ternary values (n % 256 == 0); block_scales: n/256 scales, stored as f16.
std::vector<uint8_t> encode_tq2_0(std::span<const int8_t> values, std::span<const float> block_scales);
std::vector<uint8_t> encode_tq1_0(std::span<const int8_t> values, std::span<const float> block_scales);

std::vector<uint8_t> encode_f32(std::span<const float> values);
std::vector<uint8_t> encode_f16(std::span<const float> values);
std::vector<uint8_t> encode_bf16(std::span<const float> values);  // round to nearest even
std::vector<uint8_t> encode_q8_0(std::span<const float> values);  // n % 32 == 0
std::vector<uint8_t> encode_q6_k(std::span<const float> values);  // n % 256 == 0
std::vector<uint8_t> encode_q4_k(std::span<const float> values);  // n % 256 == 0
std::vector<uint8_t> encode_q5_k(std::span<const float> values);  // n % 256 == 0

}  // namespace tern
