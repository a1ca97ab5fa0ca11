#include "backend/cpu/simd/ternary_repack.h"

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "tern/error.h"
#include "util/thread_pool.h"

namespace tern::simd {

namespace {

// Byte offset of row `lane`'s word in block kb of a group, and the bit position of weight j of
// that block within the word.
size_t word_offset(int64_t kb, int lane) {
    return static_cast<size_t>(kb) * kBlockBytes + static_cast<size_t>(lane) * 4;
}
int byte_of(int j) { return j % 4; }
int shift_of(int j) { return 2 * (j / 4); }

// A planes2 block's worth of weight-0 codes (code 1 at every shift): what fields5 encodes for the
// words of a row's last block that lie past k.
constexpr std::array<uint8_t, kBlockBytes> kZeroWeightCodes = [] {
    std::array<uint8_t, kBlockBytes> codes{};
    codes.fill(0x55);
    return codes;
}();

// I2_S byte p of a 128-value block holds values p, 32+p, 64+p, 96+p at bits 7-6, 5-4, 3-2, 1-0 (the
// codes the planes2 layout stores), so the 16 values of each planes2 block are 16 consecutive file
// bytes at one shift: four masked 32-bit words, shifted into place. For rows of whole blocks (k a
// multiple of 128); false when the row holds the invalid code 3.
bool pack_i2_s_row(const uint8_t* src, int64_t k, uint8_t* group, int lane) {
    uint32_t bad = 0;
    for (int64_t kb = 0; kb < k / kBlockK; ++kb) {
        const uint8_t* x = src + kb / 8 * 32 + 16 * (kb % 2);
        const int shift = 6 - 2 * static_cast<int>(kb % 8 / 2);
        uint32_t in[4];
        std::memcpy(in, x, sizeof in);  // little-endian: byte b of in[n] is value 4n + b
        uint32_t word = 0;
        for (int n = 0; n < 4; ++n) {
            const uint32_t c = (in[n] >> shift) & 0x03030303u;
            bad |= c & (c >> 1);
            word |= c << (2 * n);
        }
        std::memcpy(group + word_offset(kb, lane), &word, 4);
    }
    return (bad & 0x01010101u) == 0;
}

// The 5-bit field j of a fields5 block.
int field_of(const uint8_t* block, int j) {
    uint16_t two;
    std::memcpy(&two, block + 5 * j / 8, 2);  // a field spans at most two bytes
    return (two >> (5 * j % 8)) & 31;
}

// Re-encodes a planes2 matrix in the fields5 layout, group by group, in place.
void to_fields5(RepackedTernary& r, ThreadPool* pool) {
    const AlignedBytes planes = std::move(r.codes);
    const size_t planes_group_bytes = r.group_bytes();
    r.layout = TernaryLayout::fields5;
    const size_t n_bytes = (r.code_bytes() + 64 + 63) / 64 * 64;
    r.codes = alloc_aligned_64(n_bytes, "repack_ternary");
    std::memset(r.codes.get(), 0, n_bytes);
    // Locals, not r's members: the byte stores below may alias anything, so members would be reloaded.
    const int64_t k = r.k, blocks = r.blocks_per_row();
    const size_t group_bytes = r.group_bytes();
    uint8_t* const out = r.codes.get();
    auto convert = [&](int64_t g_begin, int64_t g_end) {
        for (int64_t g = g_begin; g < g_end; ++g) {
            const uint8_t* src = planes.get() + static_cast<size_t>(g) * planes_group_bytes;
            uint8_t* dst = out + static_cast<size_t>(g) * group_bytes;
            for (int64_t fb = 0; fb < blocks; ++fb) {
                // Digit n of the 64 fields is one shift of 64 consecutive planes2 bytes (word
                // 3 fb + n of each row), a loop the compiler vectorises.
                const uint8_t* s[3];
                int shift[3];
                for (int n = 0; n < 3; ++n) {
                    const int64_t word = 3 * fb + n;
                    const bool in_row = 4 * word < k;
                    s[n] = in_row ? src + static_cast<size_t>(word / 4) * kBlockBytes : kZeroWeightCodes.data();
                    shift[n] = in_row ? static_cast<int>(2 * (word % 4)) : 0;
                }
                uint8_t f[64];
                for (int j = 0; j < 64; ++j)
                    f[j] = static_cast<uint8_t>(((s[0][j] >> shift[0]) & 3) + 3 * ((s[1][j] >> shift[1]) & 3) +
                                                9 * ((s[2][j] >> shift[2]) & 3));
                // 8 fields make 40 bits, 5 whole bytes.
                for (int q = 0; q < 8; ++q) {
                    uint64_t bits = 0;
                    for (int m = 0; m < 8; ++m) bits |= static_cast<uint64_t>(f[8 * q + m]) << (5 * m);
                    std::memcpy(dst + fb * kFieldBlockBytes + 5 * q, &bits, 5);  // little-endian
                }
            }
        }
    };
    if (pool)
        pool->parallel_for(r.n_groups, 1, convert);
    else
        convert(0, r.n_groups);
}

}  // namespace

AlignedBytes alloc_aligned_64(size_t n, const char* who) {
    // aligned_alloc wants a size that is a multiple of the alignment.
    auto* mem = static_cast<uint8_t*>(std::aligned_alloc(64, n == 0 ? 64 : n));
    if (mem == nullptr) throw Error(std::string(who) + ": out of memory");
    return {mem, [](uint8_t* p) { std::free(p); }};
}

RepackedTernary repack_ternary(const TensorView& w, ThreadPool* pool, TernaryLayout layout) {
    const TypeTraits* tt = type_traits(static_cast<uint32_t>(w.type));
    if (tt == nullptr || !tt->ternary)
        throw Error("repack_ternary: " + type_name(static_cast<uint32_t>(w.type)) + " is not a ternary type");
    const int64_t k = static_cast<int64_t>(w.ne[0]);
    if (k <= 0 || k % kBlockK != 0)
        throw Error("repack_ternary: row length " + std::to_string(k) + " is not a multiple of " +
                    std::to_string(kBlockK));

    RepackedTernary r;
    r.source_type = w.type;
    r.rows = static_cast<int64_t>(w.n_rows());
    r.k = k;
    r.n_groups = (r.rows + kRowGroup - 1) / kRowGroup;

    const size_t n_bytes = r.code_bytes();
    r.codes = alloc_aligned_64(n_bytes, "repack_ternary");  // blocks are 64 bytes already
    uint8_t* mem = r.codes.get();
    std::memset(mem, 0x55, n_bytes);  // code 1 (weight 0) everywhere: padded rows contribute nothing

    const int64_t n_scales = static_cast<int64_t>(ternary_scales_per_row(w));
    std::vector<float> all_scales(static_cast<size_t>(r.rows * n_scales));
    std::atomic<bool> uniform_rows = true;
    float i2_s_scale = 0;  // the tensor's one scale, read (and the tensor checked) the general way
    const bool i2_s_direct = w.type == TypeId::I2_S && k % 128 == 0 && r.rows > 0;
    if (i2_s_direct) {
        std::vector<int8_t> row0(static_cast<size_t>(k));
        ternary_row(w, 0, row0.data(), &i2_s_scale);
    }
    // Rows write disjoint 4-byte words, so row ranges can run in parallel.
    auto repack_rows = [&](int64_t row_begin, int64_t row_end) {
        std::vector<int8_t> values(static_cast<size_t>(k));
        for (int64_t row = row_begin; row < row_end; ++row) {
            float* sc = all_scales.data() + row * n_scales;
            uint8_t* group = mem + static_cast<size_t>(row / kRowGroup) * r.group_bytes();
            const int lane = static_cast<int>(row % kRowGroup);
            if (i2_s_direct && pack_i2_s_row(w.data + static_cast<size_t>(row) * (k / 4), k, group, lane)) {
                sc[0] = i2_s_scale;
                continue;
            }
            ternary_row(w, static_cast<uint64_t>(row), values.data(), sc);  // throws on a code 3
            // The same test as the reference's run merging (!=), so a single segment is its exact result.
            for (int64_t b = 1; b < n_scales; ++b)
                if (sc[b] != sc[0]) uniform_rows = false;

            for (int64_t kb = 0; kb < r.blocks_per_row(); ++kb) {
                uint8_t word[4] = {0, 0, 0, 0};
                for (int j = 0; j < kBlockK; ++j) {
                    const int code = values[static_cast<size_t>(kb * kBlockK + j)] + 1;
                    word[byte_of(j)] |= static_cast<uint8_t>(code << shift_of(j));
                }
                std::memcpy(group + word_offset(kb, lane), word, 4);
            }
        }
    };
    if (pool)
        pool->parallel_for(r.rows, kRowGroup, repack_rows);
    else
        repack_rows(0, r.rows);

    r.seg_len = uniform_rows ? k : static_cast<int64_t>(ternary_scale_block(w));
    r.n_seg = k / r.seg_len;
    r.scales.assign(static_cast<size_t>(r.n_groups * kRowGroup * r.n_seg), 0.0f);
    for (int64_t row = 0; row < r.rows; ++row)
        for (int64_t s = 0; s < r.n_seg; ++s) r.scales[row * r.n_seg + s] = all_scales[row * n_scales + s];
    if (layout == TernaryLayout::fields5 && r.n_seg == 1) to_fields5(r, pool);
    return r;
}

void unpack_row(const RepackedTernary& w, int64_t row, int8_t* values) {
    if (row < 0 || row >= w.rows) throw Error("unpack_row: row " + std::to_string(row) + " out of range");
    const uint8_t* group = w.group_codes(row / kRowGroup);
    const int lane = static_cast<int>(row % kRowGroup);
    if (w.layout == TernaryLayout::fields5) {
        for (int64_t i = 0; i < w.k; ++i) {
            const int64_t fb = i / kFieldBlockK, n = i % kFieldBlockK / 4;
            int field = field_of(group + fb * kFieldBlockBytes, 4 * lane + static_cast<int>(i % 4));
            for (int64_t d = 0; d < n; ++d) field /= 3;
            values[i] = static_cast<int8_t>(field % 3 - 1);
        }
        return;
    }
    for (int64_t kb = 0; kb < w.blocks_per_row(); ++kb) {
        const uint8_t* word = group + word_offset(kb, lane);
        for (int j = 0; j < kBlockK; ++j)
            values[kb * kBlockK + j] = static_cast<int8_t>(((word[byte_of(j)] >> shift_of(j)) & 3) - 1);
    }
}

}  // namespace tern::simd
