#pragma once
// The profiling numbers Tern shows next to every answer and benchmark: process memory, arithmetic
// per token, an energy model over them (an estimate, and labelled so), and the CPU package
// energy Linux RAPL measures where it is readable.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tern/model.h"

namespace tern {

// Resident memory of this process (Linux /proc/self/status VmRSS and VmHWM; 0 elsewhere).
struct MemoryUsage {
    uint64_t rss_bytes = 0;
    uint64_t peak_rss_bytes = 0;
};
MemoryUsage memory_usage();
// Restarts the peak (VmHWM) from the current RSS, so each benchmark reports its own peak.
// False where the kernel does not allow it.
bool reset_peak_rss();

// Weights of the projections (Q, K, V, O, gate, up, down of every layer), from the model's shape:
// the ternary weights, and what the FP16 baseline holds at 2 bytes each.
double projection_parameters(const ModelInfo& info);

// Arithmetic for one decoded token at context length n_ctx, counted the way the BitNet b1.58
// paper counts it: a ternary weight costs one INT8 add (its multiply is a sign), a float weight
// one FP16 multiply and one FP16 add; attention and the LM head are float in both precisions.
struct OpCounts {
    double int8_adds = 0;
    double fp16_muls = 0;
    double fp16_adds = 0;
};
OpCounts ops_per_token(const ModelInfo& info, Precision precision, int n_ctx);

// Energy per operation and per DRAM byte, in picojoules.
struct EnergyModel {
    double int8_add_pj = 0;
    double fp16_add_pj = 0;
    double fp16_mul_pj = 0;
    double dram_pj_per_byte = 0;
    std::string source;  // where the figures come from
};
enum class ProcessNode { nm7, nm45 };
EnergyModel energy_model(ProcessNode node = ProcessNode::nm7);

struct EnergyEstimate {
    double compute_joules = 0;  // arithmetic
    double memory_joules = 0;   // reading bytes from DRAM
    double total() const { return compute_joules + memory_joules; }
};
// ESTIMATED energy of `ops` plus reading `bytes` from DRAM.
EnergyEstimate estimate_energy(const OpCounts& ops, double bytes, const EnergyModel& model);

// Bytes one decoded token reads at context n_ctx: the weights as loaded (Ternary) or, for the FP16
// baseline, 2 bytes per projection weight plus the head; and the KV cache written so far.
double decode_bytes_per_token(const ModelInfo& info, Precision precision, int n_ctx);
// ESTIMATED energy of decoding one token at context n_ctx: ops_per_token over those bytes.
EnergyEstimate estimate_decode_energy(const ModelInfo& info, Precision precision, int n_ctx, const EnergyModel& model);
// ESTIMATED joules for decoding n_tokens after a context of ctx_before tokens. A token's energy
// grows linearly with its context, so this is n_tokens x the mean of the first and last token's.
double estimate_answer_joules(const ModelInfo& info, Precision precision, int ctx_before, int n_tokens,
                              const EnergyModel& model);

// MEASURED CPU package energy from Linux powercap RAPL (/sys/class/powercap/intel-rapl:N, which
// AMD CPUs expose too). Since 2020 it is readable by root only on most systems; then available()
// is false and why() says so.
class RaplMeter {
public:
    RaplMeter();
    ~RaplMeter();
    bool available() const;
    std::string why() const;  // why it is not available ("" when it is)
    // Joules used by all packages since construction (counter wrap-around handled; read at least
    // once per wrap period, minutes at full load).
    double joules();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Sustained read bandwidth of this machine's memory in bytes/s with n_threads threads: all bytes
// read over all time, for passes over a buffer far larger than the caches (512 MiB) repeated for
// at least 2 s, measured the same way every time. Decode speed is bounded by this divided by the
// bytes each token reads. A mean over seconds, not the best pass: on a shared machine single
// passes burst well above what a seconds-long decode run can get (seen here: 31 to 52 GB/s).
double measure_read_bandwidth(int n_threads);

}  // namespace tern
