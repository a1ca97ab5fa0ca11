#include "tern/profile.h"

namespace tern {

double projection_parameters(const ModelInfo& info) {
    const double d = info.n_embd, kv = static_cast<double>(info.n_head_kv) * info.head_dim, ff = info.n_ff;
    // Per layer: Q and O (d x d), K and V (d x kv), gate, up and down (d x ff).
    return info.n_layer * (2 * d * d + 2 * d * kv + 3 * d * ff);
}

OpCounts ops_per_token(const ModelInfo& info, Precision precision, int n_ctx) {
    const double d = info.n_embd, kv = static_cast<double>(info.n_head_kv) * info.head_dim, ff = info.n_ff;
    const double projection = projection_parameters(info);
    // Per layer, each output of a ternary projection is scaled once (3d + 2kv + 2ff outputs) and
    // each distinct input quantized once (3d + ff): the paper's (mp + mn) multiplies, tiny next
    // to the weights.
    const double scalings = info.n_layer * (6 * d + 2 * kv + 3 * ff);
    // Attention: q.k over n_ctx positions and the weighted sum of v, per query head.
    const double attention = 2.0 * info.n_layer * info.n_head * info.head_dim * (n_ctx > 0 ? n_ctx : 1);
    const double head = static_cast<double>(info.n_vocab) * d;

    OpCounts ops;
    if (precision == Precision::Ternary) {
        ops.int8_adds = projection;
        ops.fp16_muls = scalings;
    } else {
        ops.fp16_muls = projection;
        ops.fp16_adds = projection;
    }
    ops.fp16_muls += attention + head;
    ops.fp16_adds += attention + head;
    return ops;
}

}  // namespace tern
