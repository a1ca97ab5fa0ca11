#include "tern/profile.h"

#include <algorithm>

namespace tern {

EnergyModel energy_model(ProcessNode node) {
    // Arithmetic: the BitNet papers' table (Wang et al. 2023, arXiv 2310.11453, table 2; repeated
    // in the 2B4T report), itself after Horowitz, ISSCC 2014. DRAM: Horowitz, ISSCC 2014, "Computing's
    // energy problem": a 64-bit DRAM access costs 1.3-2.6 nJ; we take the low end, 1.3 nJ / 8 bytes.
    // DRAM energy does not follow the logic process node, so both nodes share it.
    EnergyModel m;
    m.dram_pj_per_byte = 1300.0 / 8.0;
    if (node == ProcessNode::nm7) {
        m.int8_add_pj = 0.007;
        m.fp16_add_pj = 0.16;
        m.fp16_mul_pj = 0.34;
        m.source = "7 nm ops (BitNet b1.58, Horowitz 2014) + DRAM 162.5 pJ/byte (Horowitz 2014)";
    } else {
        m.int8_add_pj = 0.03;
        m.fp16_add_pj = 0.4;
        m.fp16_mul_pj = 1.1;
        m.source = "45 nm ops (BitNet b1.58, Horowitz 2014) + DRAM 162.5 pJ/byte (Horowitz 2014)";
    }
    return m;
}

EnergyEstimate estimate_energy(const OpCounts& ops, double bytes, const EnergyModel& m) {
    EnergyEstimate e;
    e.compute_joules =
        (ops.int8_adds * m.int8_add_pj + ops.fp16_adds * m.fp16_add_pj + ops.fp16_muls * m.fp16_mul_pj) * 1e-12;
    e.memory_joules = bytes * m.dram_pj_per_byte * 1e-12;
    return e;
}

double decode_bytes_per_token(const ModelInfo& info, Precision precision, int n_ctx) {
    const double kv = static_cast<double>(info.kv_bytes_per_token) * std::max(n_ctx, 0);
    const double weights = precision == Precision::Ternary
                               ? static_cast<double>(info.weight_bytes_per_token)
                               : 2.0 * projection_parameters(info) + static_cast<double>(info.head_bytes);
    return weights + kv;
}

EnergyEstimate estimate_decode_energy(const ModelInfo& info, Precision precision, int n_ctx, const EnergyModel& m) {
    return estimate_energy(ops_per_token(info, precision, n_ctx), decode_bytes_per_token(info, precision, n_ctx), m);
}

double estimate_answer_joules(const ModelInfo& info, Precision precision, int ctx_before, int n_tokens,
                              const EnergyModel& m) {
    if (n_tokens <= 0) return 0.0;
    const double first = estimate_decode_energy(info, precision, ctx_before + 1, m).total();
    const double last = estimate_decode_energy(info, precision, ctx_before + n_tokens, m).total();
    return n_tokens * (first + last) / 2;
}

}  // namespace tern
