// Every Vulkan op against the CPU reference backend, through the same Backend interface the
// graph uses, on random data and awkward shapes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/cpu_ops.h"
#include "backend/vulkan/vk_backend.h"
#include "backend/vulkan/vk_context.h"
#include "backend/vulkan/vk_recorder.h"
#include "backend/vulkan/vk_session.h"
#include "tensor/quantize.h"
#include "tern/devices.h"

// The sanitizer run (scripts/test.sh) checks leaks. The validation layer and the driver keep
// allocations for the life of the process (the engine never destroys its instance, see
// vk_context.cpp); those are not ours.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libVkLayer_khronos_validation.so\nleak:libvulkan.so\nleak:libvulkan_lvp.so\nleak:libLLVM\n";
}

namespace tern {
namespace {

// Before any Vulkan instance exists: every test runs under the validation layer.
const int kValidation = setenv("TERN_VK_VALIDATION", "1", 0);

double rel_rms(const std::vector<float>& got, const std::vector<float>& want) {
    double num = 0, den = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        num += (static_cast<double>(got[i]) - want[i]) * (static_cast<double>(got[i]) - want[i]);
        den += static_cast<double>(want[i]) * want[i];
    }
    return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

// A tensor's bytes plus the view both backends upload.
struct HostTensor {
    std::vector<uint8_t> bytes;
    TensorView view;
};

HostTensor make_tensor(TypeId type, uint64_t cols, uint64_t rows, std::vector<uint8_t> bytes) {
    HostTensor t{std::move(bytes), {}};
    t.view.type = type;
    t.view.ne = {cols, rows, 1, 1};
    t.view.data = t.bytes.data();
    t.view.nbytes = t.bytes.size();
    return t;
}

class VulkanOps : public ::testing::Test {
protected:
    void SetUp() override {
        (void)kValidation;
        const auto devices = list_devices();
        std::string why;
        const int index = pick_vulkan_device(devices, true, &why);
        if (index < 0) GTEST_SKIP() << "no usable Vulkan device, skipping the Vulkan tests: " << why;
        device_ = index;
        VulkanOptions o;
        o.device = index;
        o.int_dot = int_dot_;
        o.subgroups = subgroups_;
        o.matvec_workgroup = matvec_wg_;
        // Small chunks: the dense matrices here span several bindings, like the 2B model's head
        // on lavapipe (657 MB against a 128 MiB binding limit).
        o.max_chunk_bytes = 64 << 10;
        vk_ = make_vulkan_backend(o);
        cpu_ = make_cpu_backend(1);
        messages_ = vk::validation_message_count();
    }
    void TearDown() override {
        if (vk_) {
            EXPECT_EQ(vk::validation_message_count(), messages_) << "Vulkan validation messages (see the log)";
        }
    }

    // Both sessions with the same host data in a fresh tensor.
    struct Pair {
        Tensor cpu, vk;
    };
    Pair tensor(int rows, int cols, const std::vector<float>& data) {
        Pair p{cs_->alloc(rows, cols), vs_->alloc(rows, cols)};
        std::copy(data.begin(), data.end(), static_cast<float*>(p.cpu.storage));
        // Upload through the graph's own ops: a get_rows from an F32 table.
        HostTensor& t = tables_.emplace_back(make_tensor(TypeId::F32, cols, rows, encode_f32(data)));
        const Weight w = vk_->upload_matrix(t.view);
        std::vector<int32_t> ids(rows);
        for (int i = 0; i < rows; ++i) ids[i] = i;
        vs_->get_rows(w, ids, p.vk);
        return p;
    }
    void sessions(int n_layer = 1, int n_ctx = 64, int n_head_kv = 1, int head_dim = 64) {
        cs_ = cpu_->new_session(n_layer, n_ctx, n_head_kv, head_dim);
        vs_ = vk_->new_session(n_layer, n_ctx, n_head_kv, head_dim);
    }
    std::vector<float> read(BackendSession& s, Tensor t) {
        std::vector<float> out(static_cast<size_t>(t.rows) * t.cols);
        s.read_rows(t, out.data());
        return out;
    }
    void expect_close(const Pair& p, double tol, const std::string& what) {
        const auto want = read(*cs_, p.cpu), got = read(*vs_, p.vk);
        EXPECT_LE(rel_rms(got, want), tol) << what;
    }
    std::vector<float> random(size_t n, float scale = 1.0f) {
        std::normal_distribution<float> d(0.0f, scale);
        std::vector<float> v(n);
        for (float& x : v) x = d(rng_);
        return v;
    }
    std::vector<int8_t> trits(size_t n) {
        std::uniform_int_distribution<int> d(-1, 1);
        std::vector<int8_t> v(n);
        for (int8_t& x : v) x = static_cast<int8_t>(d(rng_));
        return v;
    }
    // A ternary matrix [rows][k]; per_block: a different scale for every 256-weight block.
    HostTensor ternary(TypeId type, int rows, int k, bool per_block) {
        const auto v = trits(static_cast<size_t>(rows) * k);
        std::uniform_real_distribution<float> sd(0.5f, 1.5f);
        std::vector<float> scales(v.size() / 256, 0.03f);
        if (per_block)
            for (float& s : scales) s = sd(rng_);
        switch (type) {
            case TypeId::TQ2_0: return make_tensor(type, k, rows, encode_tq2_0(v, scales));
            case TypeId::TQ1_0: return make_tensor(type, k, rows, encode_tq1_0(v, scales));
            default: return make_tensor(TypeId::I2_S, k, rows, encode_i2_s(v, 0.03f));
        }
    }

    vk::DeviceCaps device_caps() const {
        vk::DeviceCaps caps;
        vk::probe_device(vk::Instance::get()->physical_devices().at(device_), device_, &caps);
        return caps;
    }

    void dense_linear_and_get_rows();
    void kquant_linear_and_get_rows(bool vocab_sized);
    void rms_norm_glu_add();
    void rope_and_attention();

    VulkanOptions::IntDot int_dot_ = VulkanOptions::IntDot::Off;
    bool subgroups_ = true;
    uint32_t matvec_wg_ = 0;
    int device_ = 0;
    std::unique_ptr<Backend> vk_, cpu_;
    std::unique_ptr<BackendSession> cs_, vs_;
    std::deque<HostTensor> tables_;
    std::mt19937 rng_{1234};
    uint64_t messages_ = 0;
};

// The same tests with the OpSDot shader where the device has the feature (lavapipe does).
class VulkanOpsIntDot : public VulkanOps {
protected:
    void SetUp() override {
        int_dot_ = VulkanOptions::IntDot::On;
        VulkanOps::SetUp();
    }
};

// Mat-vec workgroups of several subgroups (lavapipe's are one subgroup of 8 lanes).
class VulkanOpsWideMatvec : public VulkanOps {
protected:
    void SetUp() override {
        matvec_wg_ = 32;
        VulkanOps::SetUp();
    }
};

// And with the shared-memory reductions that devices without subgroup arithmetic get.
class VulkanOpsNoSubgroups : public VulkanOps {
protected:
    void SetUp() override {
        subgroups_ = false;
        VulkanOps::SetUp();
    }
};

void run_ternary_linears(VulkanOps& t, const std::function<void(TypeId, int, int, int, bool)>& one) {
    // Rows x tokens at one width, then widths in awkward steps (I2_S allows any k % 4 == 0; TQ
    // types need k % 256 == 0).
    for (int rows : {1, 3, 17, 641})
        for (int n : {1, 2, 7, 33}) one(TypeId::I2_S, rows, 640, n, false);
    for (int k : {128, 200, 384, 1000, 2560}) one(TypeId::I2_S, 17, k, 3, false);
    // The 2B4T FFN shapes.
    for (int n : {1, 12}) {
        one(TypeId::I2_S, 6912, 2560, n, false);
        one(TypeId::I2_S, 2560, 6912, n, false);
    }
    for (TypeId type : {TypeId::TQ2_0, TypeId::TQ1_0})
        for (int k : {256, 768, 2560})
            for (bool per_block : {false, true}) one(type, 33, k, 9, per_block);
    (void)t;
}

#define TERNARY_LINEAR_BODY                                                                                     \
    run_ternary_linears(*this, [&](TypeId type, int rows, int k, int n, bool per_block) {                       \
        sessions();                                                                                             \
        const HostTensor w = ternary(type, rows, k, per_block);                                                 \
        const Weight wc = cpu_->upload_matrix(w.view, 1.25f), wv = vk_->upload_matrix(w.view, 1.25f);          \
        const Pair x = tensor(n, k, random(static_cast<size_t>(n) * k));                                       \
        const Pair out{cs_->alloc(n, rows), vs_->alloc(n, rows)};                                               \
        const Weight* pc[] = {&wc};                                                                             \
        const Weight* pv[] = {&wv};                                                                             \
        cs_->linear(x.cpu, pc, std::span<const Tensor>(&out.cpu, 1));                                           \
        vs_->linear(x.vk, pv, std::span<const Tensor>(&out.vk, 1));                                             \
        /* Exact integer sums: only the float epilogue may differ, by an ulp or so. */                         \
        expect_close(out, per_block ? 1e-5 : 1e-6,                                                              \
                     type_name(static_cast<uint32_t>(type)) + " rows " + std::to_string(rows) + " k " +         \
                         std::to_string(k) + " tokens " + std::to_string(n) + (per_block ? " per-block" : "")); \
    })

TEST_F(VulkanOps, TernaryLinearMatchesCpu) { TERNARY_LINEAR_BODY; }
TEST_F(VulkanOpsIntDot, TernaryLinearMatchesCpu) { TERNARY_LINEAR_BODY; }
TEST_F(VulkanOpsNoSubgroups, TernaryLinearMatchesCpu) { TERNARY_LINEAR_BODY; }
TEST_F(VulkanOpsWideMatvec, TernaryLinearMatchesCpu) { TERNARY_LINEAR_BODY; }

TEST_F(VulkanOps, FusedLinearOfThreeAndMore) {
    // Q/K/V-like: three weights of different heights share one input; a fourth goes to a second
    // dispatch; one dense weight mixed in.
    sessions();
    const int k = 512, n = 5;
    const int heights[] = {512, 128, 128, 77};
    std::vector<HostTensor> ws;
    std::vector<Weight> wc, wv;
    for (int h : heights) ws.push_back(ternary(TypeId::I2_S, h, k, false));
    ws.push_back(make_tensor(TypeId::F16, k, 40, encode_f16(random(40 * k, 0.05f))));
    for (size_t i = 0; i < ws.size(); ++i) {
        wc.push_back(cpu_->upload_matrix(ws[i].view, 0.5f + i));
        wv.push_back(vk_->upload_matrix(ws[i].view, 0.5f + i));
    }
    const Pair x = tensor(n, k, random(n * k));
    std::vector<Tensor> oc, ov;
    std::vector<const Weight*> pc, pv;
    for (size_t i = 0; i < ws.size(); ++i) {
        oc.push_back(cs_->alloc(n, wc[i].rows));
        ov.push_back(vs_->alloc(n, wv[i].rows));
        pc.push_back(&wc[i]);
        pv.push_back(&wv[i]);
    }
    cs_->linear(x.cpu, pc, oc);
    vs_->linear(x.vk, pv, ov);
    for (size_t i = 0; i < ws.size(); ++i) expect_close({oc[i], ov[i]}, 1e-5, "weight " + std::to_string(i));
}

TEST_F(VulkanOps, DenseLinearAndGetRows) { dense_linear_and_get_rows(); }
TEST_F(VulkanOpsNoSubgroups, DenseLinearAndGetRows) { dense_linear_and_get_rows(); }
TEST_F(VulkanOpsWideMatvec, DenseLinearAndGetRows) { dense_linear_and_get_rows(); }

void VulkanOps::dense_linear_and_get_rows() {
    for (TypeId type : {TypeId::F16, TypeId::F32, TypeId::Q8_0}) {
        for (int k : {64, 129, 256}) {
            if (type == TypeId::Q8_0 && k % 32) continue;
            sessions();
            const int rows = 1001;
            const auto data = random(static_cast<size_t>(rows) * k, 0.05f);
            const HostTensor w = make_tensor(type, k, rows,
                                             type == TypeId::F16   ? encode_f16(data)
                                             : type == TypeId::F32 ? encode_f32(data)
                                                                   : encode_q8_0(data));
            const Weight wc = cpu_->upload_matrix(w.view, 0.75f), wv = vk_->upload_matrix(w.view, 0.75f);
            const std::string what = type_name(static_cast<uint32_t>(type)) + " k " + std::to_string(k);
            // Mat-vec (up to 8 tokens) and the tiled mat-mat (a partial and several token tiles).
            for (int n : {1, 3, 9, 70}) {
                const Pair x = tensor(n, k, random(static_cast<size_t>(n) * k));
                const Pair out{cs_->alloc(n, rows), vs_->alloc(n, rows)};
                const Weight* pc[] = {&wc};
                const Weight* pv[] = {&wv};
                cs_->linear(x.cpu, pc, std::span<const Tensor>(&out.cpu, 1));
                vs_->linear(x.vk, pv, std::span<const Tensor>(&out.vk, 1));
                expect_close(out, 1e-5, what + " tokens " + std::to_string(n));
            }

            const std::vector<int32_t> ids{5, 0, 1000, 5, 77};
            const Pair rows_out{cs_->alloc(5, k), vs_->alloc(5, k)};
            cs_->get_rows(wc, ids, rows_out.cpu);
            vs_->get_rows(wv, ids, rows_out.vk);
            expect_close(rows_out, 0.0, "get_rows " + what);
        }
    }
}

// The k-quant heads and tables of llama.cpp's files (Q4_K, Q5_K, Q6_K), kept on the device as the
// file stores them, against the CPU scalar references cpu_q4_k_rows / cpu_q5_k_rows /
// cpu_q6_k_rows: one and several 256-weight blocks per row (more 32-value groups than a
// workgroup has threads, and not a multiple of it), heights that are no multiple of the rows per
// workgroup, tokens over one and two dispatches, a Llama-2-sized vocabulary of 32003 rows; the
// rows of a table bit for bit; and the device holds the file's bytes, not an F32 copy.
TEST_F(VulkanOps, KQuantLinearAndGetRows) { kquant_linear_and_get_rows(true); }
TEST_F(VulkanOpsIntDot, KQuantLinearAndGetRows) { kquant_linear_and_get_rows(false); }
TEST_F(VulkanOpsNoSubgroups, KQuantLinearAndGetRows) { kquant_linear_and_get_rows(false); }
TEST_F(VulkanOpsWideMatvec, KQuantLinearAndGetRows) { kquant_linear_and_get_rows(false); }

void VulkanOps::kquant_linear_and_get_rows(bool vocab_sized) {
    using RowsFn = void (*)(const TensorView&, int64_t, int64_t, const float*, int, float, float*, int);
    struct Case {
        TypeId type;
        RowsFn reference;
        std::vector<uint8_t> (*encode)(std::span<const float>);
    };
    const Case cases[] = {{TypeId::Q4_K, cpu_q4_k_rows, encode_q4_k},
                          {TypeId::Q5_K, cpu_q5_k_rows, encode_q5_k},
                          {TypeId::Q6_K, cpu_q6_k_rows, encode_q6_k}};
    std::vector<std::pair<int, int>> shapes{{256, 1}, {256, 13}, {768, 33}, {2304, 101}};
    if (vocab_sized) shapes.push_back({512, 32003});
    for (const Case& c : cases) {
        for (const auto& [k, rows] : shapes) {
            sessions();
            // Rows with a positive, zero or negative mean: the mins of Q4_K / Q5_K matter.
            auto data = random(static_cast<size_t>(rows) * k, 0.05f);
            for (size_t i = 0; i < data.size(); ++i) data[i] += 0.03f * static_cast<float>(static_cast<int>(i / k % 3) - 1);
            const HostTensor w = make_tensor(c.type, k, rows, c.encode(data));
            const std::string what = type_name(static_cast<uint32_t>(c.type)) + " k " + std::to_string(k) + " rows " +
                                     std::to_string(rows);
            const uint64_t before = vk_->weight_bytes();
            const Weight wc = cpu_->upload_matrix(w.view, 0.75f), wv = vk_->upload_matrix(w.view, 0.75f);
            // Whole 4-byte words per row chunk: at most 2 bytes of padding per 64 KiB chunk here.
            EXPECT_GE(vk_->weight_bytes() - before, w.view.nbytes) << what;
            EXPECT_LE(vk_->weight_bytes() - before, w.view.nbytes + w.view.nbytes / 16384 + 2) << what;
            for (int n : {1, 5, 11}) {
                const auto xs = random(static_cast<size_t>(n) * k);
                const Pair x = tensor(n, k, xs);
                const Tensor out = vs_->alloc(n, rows);
                const Weight* pv[] = {&wv};
                vs_->linear(x.vk, pv, std::span<const Tensor>(&out, 1));
                std::vector<float> want(static_cast<size_t>(n) * rows);
                c.reference(w.view, 0, rows, xs.data(), n, 0.75f, want.data(), rows);
                // Exact integer dots; the float sums over 32-value groups in another order.
                EXPECT_LE(rel_rms(read(*vs_, out), want), 2e-6) << what << " tokens " << n;
            }
            const std::vector<int32_t> ids{0, rows - 1, rows / 2, 0};
            const Pair rows_out{cs_->alloc(4, k), vs_->alloc(4, k)};
            cs_->get_rows(wc, ids, rows_out.cpu);
            vs_->get_rows(wv, ids, rows_out.vk);
            expect_close(rows_out, 0.0, "get_rows " + what);
        }
    }
}

TEST_F(VulkanOps, RmsNormGluAdd) { rms_norm_glu_add(); }
TEST_F(VulkanOpsNoSubgroups, RmsNormGluAdd) { rms_norm_glu_add(); }

void VulkanOps::rms_norm_glu_add() {
    for (int cols : {64, 1000, 2560}) {
        for (int n : {1, 7}) {
            sessions();
            const auto g = random(cols);
            const HostTensor gain = make_tensor(TypeId::F32, cols, 1, encode_f32(g));
            const Weight gc = cpu_->upload_vector(gain.view), gv = vk_->upload_vector(gain.view);
            const Pair x = tensor(n, cols, random(static_cast<size_t>(n) * cols, 3.0f));
            const Pair out{cs_->alloc(n, cols), vs_->alloc(n, cols)};
            cs_->rms_norm(x.cpu, gc, 1e-5f, out.cpu);
            vs_->rms_norm(x.vk, gv, 1e-5f, out.vk);
            expect_close(out, 1e-6, "rms_norm");
            // qwen3's per-head Q/K norm: a head-sized gain normalizes each head of a row, in place.
            for (int head : {32, 128}) {
                if (cols % head != 0) continue;
                const HostTensor hg = make_tensor(TypeId::F32, head, 1, encode_f32(random(head)));
                const Weight hc = cpu_->upload_vector(hg.view), hv = vk_->upload_vector(hg.view);
                const Pair y = tensor(n, cols, random(static_cast<size_t>(n) * cols, 3.0f));
                cs_->rms_norm(y.cpu, hc, 1e-6f, y.cpu);
                vs_->rms_norm(y.vk, hv, 1e-6f, y.vk);
                expect_close(y, 1e-6, "per-head rms_norm of " + std::to_string(head));
            }

            for (GluActivation act : {GluActivation::ReluSquared, GluActivation::Silu}) {
                const Pair gate = tensor(n, cols, random(static_cast<size_t>(n) * cols));
                const Pair up = tensor(n, cols, random(static_cast<size_t>(n) * cols));
                cs_->glu(gate.cpu, up.cpu, act, gate.cpu);  // in place, as the graph does
                vs_->glu(gate.vk, up.vk, act, gate.vk);
                expect_close(gate, device_caps().fp64 || act == GluActivation::ReluSquared ? 0.0 : 1e-6, "glu");
            }
            cs_->add(x.cpu, out.cpu);
            vs_->add(x.vk, out.vk);
            expect_close(x, 1e-7, "add");
        }
    }
}

TEST_F(VulkanOps, RopeAndAttention) { rope_and_attention(); }
TEST_F(VulkanOpsNoSubgroups, RopeAndAttention) { rope_and_attention(); }

void VulkanOps::rope_and_attention() {
    struct Case {
        int n_head, n_head_kv, head_dim;
        float theta;
    };
    // Attention follows the CPU reference's rounding step by step (exp correctly rounded on both
    // sides): bit-identical, since a 30-layer model amplifies any ulp (see VulkanModelAttention).
    // Without FP64 the device's own exp is used, which is a few ulp off.
    const double attention_tol = device_caps().fp64 ? 0.0 : 1e-5;
    for (const Case c : {Case{4, 2, 64, 10000.0f}, Case{8, 8, 32, 10000.0f}, Case{2, 1, 128, 10000.0f},
                         Case{20, 5, 128, 500000.0f}}) {
        const int kv_dim = c.n_head_kv * c.head_dim, q_dim = c.n_head * c.head_dim;
        sessions(2, 160, c.n_head_kv, c.head_dim);
        const AttentionShape shape{c.n_head, c.n_head_kv, c.head_dim};
        int pos = 0;
        // Prefill, decode, a long batch (>64 positions: several tiles) and more.
        for (int n : {7, 1, 33, 2, 1, 90}) {
            const std::string at = " at " + std::to_string(pos) + ", head_dim " + std::to_string(c.head_dim);
            const Pair q = tensor(n, q_dim, random(static_cast<size_t>(n) * q_dim, 2.0f));
            const Pair k = tensor(n, kv_dim, random(static_cast<size_t>(n) * kv_dim, 2.0f));
            const Pair v = tensor(n, kv_dim, random(static_cast<size_t>(n) * kv_dim));
            for (const Pair* p : {&q, &k}) {
                const int heads = p == &q ? c.n_head : c.n_head_kv;
                // Both RoPE modes: NEOX (BitNet, qwen3) on even positions, normal (llama) on odd.
                const RopeConfig r{pos % 2 == 0, c.head_dim, c.theta};
                cs_->rope(p->cpu, heads, pos, r);
                vs_->rope(p->vk, heads, pos, r);
            }
            expect_close(q, 0.0, "rope q" + at);
            expect_close(k, 0.0, "rope k" + at);
            const Pair out{cs_->alloc(n, q_dim), vs_->alloc(n, q_dim)};
            for (int layer : {0, 1}) {
                cs_->attention(layer, q.cpu, k.cpu, v.cpu, pos, shape, out.cpu);
                vs_->attention(layer, q.vk, k.vk, v.vk, pos, shape, out.vk);
                expect_close(out, attention_tol, "attention" + at);
            }
            pos += n;
        }
    }
}

TEST_F(VulkanOps, AttentionPastTheSharedScores) {
    // Past 2048 positions the shader recomputes scores in tiles instead of keeping them in
    // shared memory: both paths, still bit-identical where the device has FP64.
    const AttentionShape shape{2, 1, 32};
    sessions(1, 2100, 1, 32);
    int pos = 0;
    for (int n : {2060, 1}) {
        const Pair q = tensor(n, 64, random(static_cast<size_t>(n) * 64, 2.0f));
        const Pair k = tensor(n, 32, random(static_cast<size_t>(n) * 32, 2.0f));
        const Pair v = tensor(n, 32, random(static_cast<size_t>(n) * 32));
        const Pair out{cs_->alloc(n, 64), vs_->alloc(n, 64)};
        cs_->attention(0, q.cpu, k.cpu, v.cpu, pos, shape, out.cpu);
        vs_->attention(0, q.vk, k.vk, v.vk, pos, shape, out.vk);
        expect_close(out, device_caps().fp64 ? 0.0 : 1e-5, "attention at " + std::to_string(pos));
        pos += n;
    }
}

TEST_F(VulkanOps, RopeAtLargePositions) {
    // The 2B4T rope (head_dim 128, base 500000) deep into a 4096 context, where the angles of the
    // fast pairs are thousands of radians: the table is computed in double like the reference.
    // Also llama's normal mode with Falcon3's head size 256 and base 1000042, and a linear scale
    // with per-pair frequency factors (rope_freqs).
    std::vector<float> factors(128);
    for (size_t i = 0; i < factors.size(); ++i) factors[i] = 1.0f + static_cast<float>(i % 7);
    const RopeConfig configs[] = {{true, 128, 10000.0f}, {true, 128, 500000.0f}, {false, 256, 1000042.0f},
                                  {false, 256, 500000.0f, 0.5f, factors}};
    for (const RopeConfig& r : configs) {
        const int heads = 2560 / r.head_dim;
        sessions(1, 4096, 5, r.head_dim);
        for (int pos0 : {0, 1000, 4079}) {
            const int n = 17, cols = 2560;
            const Pair x = tensor(n, cols, random(static_cast<size_t>(n) * cols));
            cs_->rope(x.cpu, heads, pos0, r);
            vs_->rope(x.vk, heads, pos0, r);
            expect_close(x, 0.0, "rope at " + std::to_string(pos0) + " base " + std::to_string(r.theta) +
                                     (r.neox ? " neox" : " normal"));
        }
    }
}

TEST_F(VulkanOps, BarriersOnlyWhereDependenciesNeedThem) {
    // An attention block's start: norm -> (quantize ->) Q, K, V -> RoPE q, RoPE k, with ternary
    // weights (Q/K/V in one dispatch) and with the FP16 precision's dense F16 ones (three).
    for (bool dense : {false, true}) {
        sessions(1, 64, 1, 128);
        const int d = 512, kv = 128, n = 3;
        const HostTensor g = make_tensor(TypeId::F32, d, 1, encode_f32(random(d)));
        const Weight gc = cpu_->upload_vector(g.view), gv = vk_->upload_vector(g.view);
        auto weight = [&](int rows) {
            return dense ? make_tensor(TypeId::F16, d, rows, encode_f16(random(static_cast<size_t>(rows) * d, 0.05f)))
                         : ternary(TypeId::I2_S, rows, d, false);
        };
        HostTensor ws[] = {weight(d), weight(kv), weight(kv)};
        Weight wc[3], wv[3];
        const Weight* pc[3];
        const Weight* pv[3];
        for (int i = 0; i < 3; ++i) {
            wc[i] = cpu_->upload_matrix(ws[i].view), wv[i] = vk_->upload_matrix(ws[i].view);
            pc[i] = &wc[i], pv[i] = &wv[i];
        }
        const Pair x = tensor(n, d, random(static_cast<size_t>(n) * d));
        const Pair h{cs_->alloc(n, d), vs_->alloc(n, d)};
        const Pair q{cs_->alloc(n, d), vs_->alloc(n, d)}, k{cs_->alloc(n, kv), vs_->alloc(n, kv)},
            v{cs_->alloc(n, kv), vs_->alloc(n, kv)};
        read(*vs_, x.vk);  // a clean start: nothing recorded, nothing unsynchronized
        vk::Recorder& rec = *vk::session_recorder(*vs_);
        const vk::RecorderStats before = rec.stats();
        for (auto [s, xx, hh, qq, kk, vv, g_, p] :
             {std::tuple{cs_.get(), x.cpu, h.cpu, q.cpu, k.cpu, v.cpu, gc, pc},
              std::tuple{vs_.get(), x.vk, h.vk, q.vk, k.vk, v.vk, gv, pv}}) {
            s->rms_norm(xx, g_, 1e-5f, hh);
            const Tensor outs[] = {qq, kk, vv};
            s->linear(hh, std::span<const Weight* const>(p, 3), outs);
            s->rope(qq, 4, 5, RopeConfig{true, 128, 500000.0f});
            s->rope(kk, 1, 5, RopeConfig{true, 128, 500000.0f});
        }
        const vk::RecorderStats after = rec.stats();
        // Ternary: norm, quantize, QKV, two RoPEs. Dense: norm, Q, K, V in 64 KiB row chunks (8 + 2
        // + 2 dispatches), two RoPEs.
        EXPECT_EQ(after.commands - before.commands, dense ? 15u : 5u);
        // None between Q, K and V (nor between the chunks of one) nor between the RoPEs.
        EXPECT_EQ(after.barriers - before.barriers, dense ? 2u : 3u);
        expect_close(q, dense ? 1e-5 : 1e-6, "q");
        expect_close(k, dense ? 1e-5 : 1e-6, "k");
        expect_close(v, dense ? 1e-5 : 1e-6, "v");
    }
}

TEST_F(VulkanOps, LongPassIsSubmittedInPieces) {
    sessions();
    const int n = 4, cols = 300, steps = 260;
    const Pair x = tensor(n, cols, random(static_cast<size_t>(n) * cols));
    const Pair y = tensor(n, cols, random(static_cast<size_t>(n) * cols));
    const Pair z = tensor(n, cols, random(static_cast<size_t>(n) * cols));
    read(*vs_, x.vk);
    vk::Recorder& rec = *vk::session_recorder(*vs_);
    const vk::RecorderStats before = rec.stats();
    for (int i = 0; i < steps; ++i) {
        // Two independent chains, so the pieces hold barriers and barrier-free pairs alike.
        cs_->add(x.cpu, y.cpu), vs_->add(x.vk, y.vk);
        cs_->add(z.cpu, y.cpu), vs_->add(z.vk, y.vk);
    }
    const vk::RecorderStats mid = rec.stats();
    // 520 commands: a first piece of 24, then pieces of 100, submitted while recording.
    EXPECT_EQ(mid.submits - before.submits, 5u);
    EXPECT_EQ(mid.waits, before.waits);
    expect_close(x, 0.0, "x after the chain");
    expect_close(z, 0.0, "z after the chain");
}

TEST_F(VulkanOps, DeviceBytesCountWeightsSessionsAndScratch) {
    EXPECT_EQ(cpu_->device_bytes(), 0u);
    const uint64_t empty = vk_->device_bytes();
    const HostTensor w = ternary(TypeId::I2_S, 640, 2560, false);
    vk_->upload_matrix(w.view);
    const uint64_t with_weight = vk_->device_bytes();
    EXPECT_GE(with_weight - empty, vk_->weight_bytes());
    {
        auto s = vk_->new_session(4, 256, 4, 128);
        const uint64_t with_session = vk_->device_bytes();
        EXPECT_GE(with_session - with_weight, s->kv_bytes());
        s->alloc(8, 1000);
        EXPECT_GE(vk_->device_bytes() - with_session, 8u * 1000 * 4);
    }
    EXPECT_EQ(vk_->device_bytes(), with_weight);  // the session's memory is freed with it
}

TEST(VulkanDevices, ListAndPick) {
    const auto devices = list_devices();
    if (devices.empty()) GTEST_SKIP() << "no Vulkan driver: " << vulkan_status();
    EXPECT_TRUE(vk::Instance::get()->validation()) << "VK_LAYER_KHRONOS_validation is not installed";
    for (const DeviceInfo& d : devices) {
        EXPECT_FALSE(d.name.empty());
        EXPECT_FALSE(d.heaps.empty());
        EXPECT_GT(d.subgroup_size, 0u);
        EXPECT_EQ(d.usable, d.reason.empty());
    }
    std::vector<DeviceInfo> fake(3);
    fake[0].index = 0, fake[0].type = DeviceType::Cpu, fake[0].usable = true;
    fake[1].index = 1, fake[1].type = DeviceType::Integrated, fake[1].usable = true;
    fake[2].index = 2, fake[2].type = DeviceType::Discrete, fake[2].usable = false, fake[2].reason = "x";
    std::string why;
    EXPECT_EQ(pick_vulkan_device(fake, false, &why), 1);
    fake[1].usable = false;
    EXPECT_EQ(pick_vulkan_device(fake, true, &why), 0);
    EXPECT_EQ(pick_vulkan_device(fake, false, &why), -1);
    EXPECT_NE(why.find("CPU-type"), std::string::npos) << why;

    // A model larger than the device's memory is refused up front, with the reason.
    VulkanOptions o;
    o.device = 0;
    o.need_bytes = uint64_t{1} << 60;
    try {
        make_vulkan_backend(o);
        ADD_FAILURE() << "a 1 EiB model was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not enough device memory"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace tern
