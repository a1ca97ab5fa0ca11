#pragma once
// The seam between the model graph and the hardware. The graph (model/session.cpp) says which ops
// to run on which tensors; a backend owns the memory and runs them. The CPU reference backend runs
// each op at once; a GPU backend may record them and only wait in read_rows().
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "tensor/type_traits.h"

namespace tern {

// A backend-owned f32 matrix: `rows` tokens of `cols` features, starting at `row0` of its storage.
struct Tensor {
    void* storage = nullptr;
    int row0 = 0;
    int rows = 0;
    int cols = 0;

    Tensor first(int n) const { return {storage, row0, n, cols}; }
    Tensor row(int i) const { return {storage, row0 + i, 1, cols}; }
};

// A weight as the backend keeps it. Matrices are [out][in]: `rows` outputs, `cols` inputs.
struct Weight {
    void* storage = nullptr;
    int rows = 0;
    int cols = 0;
    bool ternary = false;
    uint64_t bytes = 0;  // what one pass over the matrix reads in the backend's own layout
};

enum class GluActivation { ReluSquared, Silu };

// YaRN ("rope.scaling.type yarn"): pairs that turn fast keep their angle (extrapolation), slow ones
// are interpolated by freq_scale, with a linear ramp between the correction pairs beta_fast and
// beta_slow pick out for the original context; cos and sin are scaled by attn_factor x
// (1 + 0.1 ln(1 / freq_scale)); with ext_factor 0 every pair is interpolated and scaled by
// attn_factor alone, as in ggml. n_ctx_orig 0: not YaRN.
struct RopeYarn {
    float ext_factor = 0;
    float attn_factor = 1;
    float beta_fast = 32;
    float beta_slow = 1;
    int n_ctx_orig = 0;
    bool operator==(const RopeYarn&) const = default;
};

// Rotary position embedding as a model file describes it. Pair i of a head turns by
// pos * freq_scale * theta^(-2i/head_dim) / freq_factors[i] (freq_factors empty: all 1), or as
// YaRN mixes it.
struct RopeConfig {
    bool neox = true;          // NEOX: dimension i pairs with i + head_dim/2; else llama.cpp's
                               // "normal" mode: adjacent dimensions 2i and 2i+1
    int head_dim = 0;
    float theta = 10000.0f;    // rope.freq_base
    float freq_scale = 1.0f;   // 1 / rope.scaling.factor (linear or YaRN scaling)
    std::span<const float> freq_factors;  // the optional rope_freqs tensor, head_dim/2 values
    RopeYarn yarn;
};

// YaRN's ramp bounds in pairs: where a pair of the original context turns beta times
// (n_dims ln(n_ctx_orig / (2 pi beta)) / (2 ln theta)), floored / ceiled and clamped to the head.
inline void rope_yarn_bounds(const RopeConfig& r, double* low, double* high) {
    const double pi = 3.14159265358979323846;
    auto pair_at = [&](double beta) {
        return r.head_dim * std::log(r.yarn.n_ctx_orig / (beta * 2 * pi)) / (2 * std::log(static_cast<double>(r.theta)));
    };
    *low = std::max(0.0, std::floor(pair_at(r.yarn.beta_fast)));
    *high = std::min(r.head_dim - 1.0, std::ceil(pair_at(r.yarn.beta_slow)));
}

// The head_dim/2 cosines and sines of a position, in double then rounded: every backend uses
// these same values (the CPU reference per position, the Vulkan one in its table).
inline void rope_angles(const RopeConfig& r, int pos, float* cos_out, float* sin_out) {
    if (r.yarn.n_ctx_orig > 0) {
        double low = 0, high = 0;
        rope_yarn_bounds(r, &low, &high);
        const double mscale =
            r.yarn.attn_factor * (r.yarn.ext_factor != 0 ? 1 + 0.1 * std::log(1.0 / r.freq_scale) : 1.0);
        for (int i = 0; i < r.head_dim / 2; ++i) {
            double freq = std::pow(static_cast<double>(r.theta), -2.0 * i / r.head_dim);
            if (!r.freq_factors.empty()) freq /= r.freq_factors[i];
            const double extrapolated = pos * freq, interpolated = extrapolated * r.freq_scale;
            const double ramp = (1 - std::clamp((i - low) / std::max(0.001, high - low), 0.0, 1.0)) * r.yarn.ext_factor;
            const double angle = interpolated * (1 - ramp) + extrapolated * ramp;
            cos_out[i] = static_cast<float>(std::cos(angle) * mscale);
            sin_out[i] = static_cast<float>(std::sin(angle) * mscale);
        }
        return;
    }
    for (int i = 0; i < r.head_dim / 2; ++i) {
        double freq = std::pow(static_cast<double>(r.theta), -2.0 * i / r.head_dim) * r.freq_scale;
        if (!r.freq_factors.empty()) freq /= r.freq_factors[i];
        const double angle = pos * freq;
        cos_out[i] = static_cast<float>(std::cos(angle));
        sin_out[i] = static_cast<float>(std::sin(angle));
    }
}

struct AttentionShape {
    int n_head = 0;
    int n_head_kv = 0;
    int head_dim = 0;
};

// Per-session state on a backend: the KV cache and scratch tensors, and the ops themselves.
class BackendSession {
public:
    virtual ~BackendSession() = default;

    // Scratch tensor with room for max_rows tokens; lives as long as the session.
    virtual Tensor alloc(int max_rows, int cols) = 0;

    // out[i] = table row ids[i] (the token embedding).
    virtual void get_rows(const Weight& table, std::span<const int32_t> ids, Tensor out) = 0;
    // out = x / sqrt(mean(x^2) + eps) * gain, per row; when gain is shorter than a row (one head
    // of a Q or K row), per gain-sized slice of the row.
    virtual void rms_norm(Tensor x, const Weight& gain, float eps, Tensor out) = 0;
    // outs[j] = x W_j^T for every weight sharing the input x. Ternary weights quantize x once per
    // token (absmax int8, round half to even) and use integer dot products.
    virtual void linear(Tensor x, std::span<const Weight* const> weights, std::span<const Tensor> outs) = 0;
    // Rotary embedding in place over n_heads heads of each row; row i is at position pos0 + i.
    virtual void rope(Tensor x, int n_heads, int pos0, const RopeConfig& rope) = 0;
    // Stores k, v for positions pos0.. into the layer's cache, then causal attention of q over
    // positions 0..pos0+i for each row i. out gets the concatenated heads.
    virtual void attention(int layer, Tensor q, Tensor k, Tensor v, int pos0, const AttentionShape& shape,
                           Tensor out) = 0;
    // out = act(gate) * up
    virtual void glu(Tensor gate, Tensor up, GluActivation act, Tensor out) = 0;
    // x += y
    virtual void add(Tensor x, Tensor y) = 0;
    // Copies rows to host memory (rows * cols floats); waits for all queued work.
    virtual void read_rows(Tensor t, float* dst) = 0;

    virtual uint64_t kv_bytes() const = 0;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;

    // A linear layer's weight from the model file (ggml order: ne[0] = inputs, ne[1] = outputs).
    // Ternary types keep their codes; extra_scale multiplies every output (older models' *.scale).
    virtual Weight upload_matrix(const TensorView& w, float extra_scale = 1.0f) = 0;
    // False while the backend still reads the TensorView's bytes after upload (weights used in
    // place); true once it holds its own copy, so the loader may drop the source from memory.
    virtual bool owns_copy(const Weight&) const { return true; }
    // False when a matrix of this type would be expanded to float on upload rather than run in
    // its own format (the loader then picks a type that runs).
    virtual bool runs_natively(TypeId) const { return true; }
    // A 1-D f32 vector (norm gains).
    virtual Weight upload_vector(const TensorView& v) = 0;
    // Bytes the backend holds (or maps) for weights.
    virtual uint64_t weight_bytes() const = 0;
    // Bytes of device memory the backend has allocated now (weights, KV caches, scratch, staging);
    // 0 for a backend without device memory of its own.
    virtual uint64_t device_bytes() const { return 0; }

    // A session whose KV cache holds n_ctx positions of n_head_kv heads of head_dim values per layer
    // (the head size too, not only their product: an int8 cache has a scale per block of a head).
    virtual std::unique_ptr<BackendSession> new_session(int n_layer, int n_ctx, int n_head_kv, int head_dim) = 0;
};

}  // namespace tern
