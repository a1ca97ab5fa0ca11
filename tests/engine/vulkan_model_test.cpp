// Whole models on the Vulkan backend against the CPU backend: logits of every architecture and
// ternary type within 1e-3 relative RMS, identical greedy generations, and the CPU fallback.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <vector>

#include "backend/vulkan/vk_backend.h"
#include "backend/vulkan/vk_context.h"
#include "synth/synth.h"
#include "synth_models.h"
#include "tern/devices.h"
#include "tern/generate.h"
#include "tern/inspect.h"
#include "tern/model.h"
#include "tern/session.h"

namespace tern {
namespace {

const int kValidation = setenv("TERN_VK_VALIDATION", "1", 0);

const std::vector<int32_t> kPrompt{1, 17, 300, 5, 42, 999, 7, 123, 64};

int vulkan_device_or_skip(std::string* why) {
    (void)kValidation;
    return pick_vulkan_device(list_devices(), true, why);
}

#define SKIP_WITHOUT_VULKAN(index)                                                               \
    std::string why_;                                                                            \
    const int index = vulkan_device_or_skip(&why_);                                              \
    if (index < 0) GTEST_SKIP() << "no usable Vulkan device, skipping the Vulkan tests: " << why_; \
    const uint64_t messages_before = vk::validation_message_count()

std::shared_ptr<Model> load(const std::string& path, LoadOptions::BackendKind kind, int device = -1,
                            Precision precision = Precision::Ternary, HeadType head = HeadType::AsStored) {
    LoadOptions o;
    o.n_threads = 2;
    o.backend = kind;
    o.device = device;
    o.precision = precision;
    o.head = head;
    return Model::load(path, o);
}

double rel_rms(const std::vector<float>& got, const std::vector<float>& want) {
    double num = 0, den = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        num += (static_cast<double>(got[i]) - want[i]) * (static_cast<double>(got[i]) - want[i]);
        den += static_cast<double>(want[i]) * want[i];
    }
    return std::sqrt(num / den);
}

std::vector<float> all_logits(const std::shared_ptr<Model>& m, int n_batch) {
    SessionOptions so;
    so.n_ctx = 64;
    so.n_batch = n_batch;
    Session s(m, so);
    std::vector<float> logits;
    s.eval(kPrompt, &logits);
    // Then two decode steps on top of the cache.
    const std::vector<int32_t> more{11};
    for (int i = 0; i < 2; ++i) {
        const auto last = s.eval(more);
        logits.insert(logits.end(), last.begin(), last.end());
    }
    return logits;
}

std::vector<int32_t> greedy(const std::shared_ptr<Model>& m, int n);

// The FP16 precision: every projection expanded at load to dense F16, so Q/K/V/O/gate/up/down
// all run through the dense kernels (mat-vec for decode and short batches, the tiled mat-mat for
// prefill).
TEST(VulkanFp16, LogitsMatchCpuAndGreedyIsIdentical) {
    SKIP_WITHOUT_VULKAN(device);
    for (const char* arch : {"bitnet-b1.58", "bitnet"}) {
        const std::string path = test::synth_model(arch, TypeId::I2_S);
        const auto cpu = load(path, LoadOptions::BackendKind::Cpu, -1, Precision::Fp16);
        const auto gpu = load(path, LoadOptions::BackendKind::Vulkan, device, Precision::Fp16);
        ASSERT_EQ(gpu->backend_fallback_reason(), "");
        ASSERT_EQ(gpu->info().precision, Precision::Fp16);
        const auto want = all_logits(cpu, 4);
        EXPECT_LE(rel_rms(all_logits(gpu, 4), want), 1e-3) << arch;
        EXPECT_LE(rel_rms(all_logits(gpu, 16), want), 1e-3) << arch;
        const auto g_want = greedy(cpu, 32);
        ASSERT_EQ(g_want.size(), 32u);
        EXPECT_EQ(greedy(gpu, 32), g_want) << arch;
    }
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

// The opt-in Q8_0 head: its activations are quantized to Q8_0 blocks on both backends.
TEST(VulkanQ8Head, LogitsMatchCpuAndGreedyIsIdentical) {
    SKIP_WITHOUT_VULKAN(device);
    const std::string path = test::synth_model("bitnet-b1.58", TypeId::I2_S);
    const auto cpu = load(path, LoadOptions::BackendKind::Cpu, -1, Precision::Ternary, HeadType::Q8_0);
    const auto gpu = load(path, LoadOptions::BackendKind::Vulkan, device, Precision::Ternary, HeadType::Q8_0);
    ASSERT_EQ(gpu->backend_fallback_reason(), "");
    ASSERT_EQ(gpu->info().head_type, "Q8_0");
    const auto want = all_logits(cpu, 4);
    EXPECT_LE(rel_rms(all_logits(gpu, 4), want), 1e-5);
    EXPECT_LE(rel_rms(all_logits(gpu, 16), want), 1e-5);
    EXPECT_EQ(greedy(gpu, 32), greedy(cpu, 32));
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

// The opt-in 6-bit head runs as Q6_K on Vulkan too, with the CPU's numerics.
TEST(VulkanQ8Head, AQ6_KHeadRunsAsQ6_K) {
    SKIP_WITHOUT_VULKAN(device);
    const std::string path = test::synth_model("bitnet-b1.58", TypeId::I2_S);
    const auto gpu = load(path, LoadOptions::BackendKind::Vulkan, device, Precision::Ternary, HeadType::Q6_K);
    ASSERT_EQ(gpu->backend_fallback_reason(), "");
    EXPECT_EQ(gpu->info().head_type, "Q6_K");
    const auto cpu = load(path, LoadOptions::BackendKind::Cpu, -1, Precision::Ternary, HeadType::Q6_K);
    ASSERT_EQ(cpu->info().head_type, "Q6_K");
    EXPECT_LE(rel_rms(all_logits(gpu, 4), all_logits(cpu, 4)), 1e-5);
    EXPECT_EQ(greedy(gpu, 32), greedy(cpu, 32));
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

std::vector<int32_t> greedy(const std::shared_ptr<Model>& m, int n) {
    SessionOptions so;
    so.n_ctx = 128;
    Session s(m, so);
    GenerateOptions g;
    g.max_tokens = n;
    g.stop_at_end_of_generation = false;
    g.sampling.temperature = 0.0f;
    std::vector<int32_t> out;
    generate(s, kPrompt, g, [&](std::string_view, int32_t id) {
        out.push_back(id);
        return true;
    });
    return out;
}

struct ModelCase {
    const char* arch;
    TypeId type;
    TypeId embd = TypeId::F16;  // token_embd and output.weight
};

class VulkanModel : public ::testing::TestWithParam<ModelCase> {};

TEST_P(VulkanModel, LogitsMatchCpu) {
    SKIP_WITHOUT_VULKAN(device);
    // llama and qwen3 with synth's small vocabulary: what they add is in the layers, and the
    // Llama-3 vocabulary's 128k-row head would make each case 10x slower on lavapipe.
    const std::string arch = GetParam().arch;
    const std::string path =
        test::synth_model(arch, GetParam().type, "tiny", 7, std::nullopt, "", arch == "llama" || arch == "qwen3",
                          GetParam().embd);
    const auto cpu = load(path, LoadOptions::BackendKind::Cpu);
    const auto gpu = load(path, LoadOptions::BackendKind::Vulkan, device);
    ASSERT_EQ(gpu->backend_fallback_reason(), "");
    ASSERT_NE(gpu->backend_name().find("vulkan"), std::string::npos) << gpu->backend_name();
    // Batches of 4 split the prompt into several forward passes (the mat-vec path); one batch of
    // 16 takes the prefill mat-mat path.
    const auto want = all_logits(cpu, 4);
    const auto got = all_logits(gpu, 4);
    ASSERT_EQ(got.size(), want.size());
    EXPECT_LE(rel_rms(got, want), 1e-3);
    EXPECT_LE(rel_rms(all_logits(gpu, 16), want), 1e-3);
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

// YaRN rope scaling (rope.scaling.type yarn, x4 over an original context of 64): the Vulkan
// table of angles is the CPU's, mixed and scaled the same way.
TEST(VulkanYarn, LogitsMatchCpu) {
    SKIP_WITHOUT_VULKAN(device);
    const std::string path = test::synth_model("qwen3", TypeId::TQ2_0, "tiny", 7,
                                               SynthShape{256, 768, 2, 4, 2, 256, 64, 10000.0f, 1, 4.0f, 64}, "yarn", true);
    const auto cpu = load(path, LoadOptions::BackendKind::Cpu);
    const auto gpu = load(path, LoadOptions::BackendKind::Vulkan, device);
    ASSERT_EQ(cpu->info().rope_scaling, "yarn");
    ASSERT_EQ(gpu->backend_fallback_reason(), "");
    const auto want = all_logits(cpu, 4);
    EXPECT_LE(rel_rms(all_logits(gpu, 4), want), 1e-3);
    EXPECT_LE(rel_rms(all_logits(gpu, 16), want), 1e-3);
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

INSTANTIATE_TEST_SUITE_P(AllArchsAndTypes, VulkanModel,
                         ::testing::Values(ModelCase{"bitnet-b1.58", TypeId::I2_S},
                                           ModelCase{"bitnet-b1.58", TypeId::TQ2_0},
                                           ModelCase{"bitnet-b1.58", TypeId::TQ1_0},
                                           ModelCase{"bitnet-25", TypeId::I2_S}, ModelCase{"bitnet-25", TypeId::TQ2_0},
                                           ModelCase{"bitnet-25", TypeId::TQ1_0}, ModelCase{"bitnet", TypeId::I2_S},
                                           ModelCase{"bitnet", TypeId::TQ2_0}, ModelCase{"bitnet", TypeId::TQ1_0},
                                           ModelCase{"bitnet", TypeId::F16},
                                           // normal RoPE, no sub-norms, GQA 8:1, untied head; dense
                                           ModelCase{"llama", TypeId::I2_S}, ModelCase{"llama", TypeId::TQ2_0},
                                           ModelCase{"llama", TypeId::TQ1_0}, ModelCase{"llama", TypeId::F16},
                                           // per-head Q/K norms, Q wider than the stream, weight-only
                                           ModelCase{"qwen3", TypeId::TQ2_0}, ModelCase{"qwen3", TypeId::TQ1_0},
                                           ModelCase{"qwen3", TypeId::F16},
                                           // k-quant tables, kept as stored on the device (qwen3: tied)
                                           ModelCase{"llama", TypeId::TQ2_0, TypeId::Q4_K},
                                           ModelCase{"llama", TypeId::I2_S, TypeId::Q6_K},
                                           ModelCase{"qwen3", TypeId::TQ1_0, TypeId::Q5_K},
                                           ModelCase{"qwen3", TypeId::TQ2_0, TypeId::Q6_K}),
                         [](const auto& info) {
                             std::string name = std::string(info.param.arch) + "_" +
                                                type_name(static_cast<uint32_t>(info.param.type));
                             if (info.param.embd != TypeId::F16)
                                 name += "_embd" + type_name(static_cast<uint32_t>(info.param.embd));
                             for (char& c : name)
                                 if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

TEST(VulkanGenerate, GreedyMatchesCpuFor32Tokens) {
    SKIP_WITHOUT_VULKAN(device);
    for (const char* arch : {"bitnet-b1.58", "bitnet"}) {
        const std::string path = test::synth_model(arch, TypeId::I2_S);
        const auto want = greedy(load(path, LoadOptions::BackendKind::Cpu), 32);
        const auto got = greedy(load(path, LoadOptions::BackendKind::Vulkan, device), 32);
        ASSERT_EQ(want.size(), 32u);
        EXPECT_EQ(got, want) << arch;
    }
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

// The 2B4T attention shape (head_dim 128, GQA 4, rope base 500000) in a narrower model with the
// 2B4T's 30 layers. Through 30 layers one ulp of difference in the softmax flips int8 activation
// roundings and grows: the online-softmax shader with the device's float exp drifted 1-2% from
// position 5 on here (2-5% on the 2B4T-shaped model). Every position of a 24-token prompt, through
// the prefill (mat-mat) and the decode (mat-vec) paths.
std::string attention_shape_model() {
    SynthOptions o;
    o.arch = "bitnet-b1.58";
    o.type = TypeId::I2_S;
    o.seed = 11;
    o.tokenizer_json = TERN_TOKENIZER_JSON;
    o.shape = SynthShape{512, 1024, 30, 4, 1, 256};
    const std::string path = (test::temp_dir() / "attention-2b4t-shape.gguf").string();
    write_synth_model(o, path);
    return path;
}

std::vector<std::vector<float>> per_position_logits(const std::shared_ptr<Model>& m, const std::vector<int32_t>& ids,
                                                    int n_batch, size_t n_prefill) {
    SessionOptions so;
    so.n_ctx = 64;
    so.n_batch = n_batch;
    Session s(m, so);
    std::vector<float> flat;
    s.eval(std::span(ids).first(n_prefill), &flat);
    const size_t nv = static_cast<size_t>(m->info().n_vocab);
    std::vector<std::vector<float>> out;
    for (size_t i = 0; i < flat.size() / nv; ++i) out.emplace_back(flat.begin() + i * nv, flat.begin() + (i + 1) * nv);
    for (size_t i = n_prefill; i < ids.size(); ++i) {
        const auto last = s.eval(std::span(ids).subspan(i, 1));
        out.emplace_back(last.begin(), last.end());
    }
    return out;
}

TEST(VulkanModelAttention, HeadDim128Theta500kMatchesCpuAtEveryPosition) {
    SKIP_WITHOUT_VULKAN(device);
    const std::string path = attention_shape_model();
    const auto cpu = load(path, LoadOptions::BackendKind::Cpu);
    const auto gpu = load(path, LoadOptions::BackendKind::Vulkan, device);
    std::filesystem::remove(path);  // 140 MB; both are loaded
    ASSERT_EQ(cpu->info().head_dim, 128);
    ASSERT_EQ(cpu->info().n_head / cpu->info().n_head_kv, 4);
    std::vector<int32_t> ids;
    for (int i = 0; i < 24; ++i) ids.push_back((i * 7919 + 13) % 100000);
    const auto want = per_position_logits(cpu, ids, 32, 12);
    ASSERT_EQ(want.size(), ids.size());
    for (int n_batch : {32, 4}) {
        const auto got = per_position_logits(gpu, ids, n_batch, 12);
        ASSERT_EQ(got.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            EXPECT_LE(rel_rms(got[i], want[i]), 1e-3) << "position " << i << ", batches of " << n_batch;
    }
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

// A k-quant embedding and head take on the device the bytes they take in the file: against the
// same model with F16 tables, the weights and the device memory are smaller by exactly what the
// file saves (an F32 copy would make them larger).
TEST(VulkanKQuantTables, TakeTheirFileBytesOnTheDevice) {
    SKIP_WITHOUT_VULKAN(device);
    const auto file_bytes = [](TypeId embd) {
        return inspect_model(test::synth_model("llama", TypeId::I2_S, "tiny", 7, std::nullopt, "", true, embd))
            .info.weight_bytes;
    };
    const auto on_device = [&](TypeId embd) {
        return load(test::synth_model("llama", TypeId::I2_S, "tiny", 7, std::nullopt, "", true, embd),
                    LoadOptions::BackendKind::Vulkan, device);
    };
    const auto f16 = on_device(TypeId::F16);
    ASSERT_EQ(f16->backend_fallback_reason(), "");
    ASSERT_FALSE(f16->info().tied_head);  // two tables: token_embd and output
    for (TypeId embd : {TypeId::Q4_K, TypeId::Q5_K, TypeId::Q6_K}) {
        const std::string what = type_name(static_cast<uint32_t>(embd));
        const auto m = on_device(embd);
        ASSERT_EQ(m->backend_fallback_reason(), "") << what;
        EXPECT_EQ(m->info().head_type, what);
        const uint64_t saved = file_bytes(TypeId::F16) - file_bytes(embd);
        ASSERT_GT(saved, 0u) << what;
        // Up to 3 bytes of padding per table (whole words).
        EXPECT_GE(f16->info().weight_bytes - m->info().weight_bytes + 6, saved) << what;
        EXPECT_LE(f16->info().weight_bytes - m->info().weight_bytes, saved) << what;
        // Allocations are rounded up to the device's alignment (a few KB at most).
        EXPECT_NEAR(static_cast<double>(f16->device_memory_bytes() - m->device_memory_bytes()),
                    static_cast<double>(saved), 8192.0)
            << what;
    }
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

// The Vulkan backend keeps an F32 KV cache whatever LoadOptions::kv_type asks for, and ModelInfo
// and the session say so; the CPU fallback runs (and reports) the type asked for.
TEST(VulkanKvCache, ReportsTheF32CacheThatRuns) {
    LoadOptions o;
    o.n_threads = 2;
    o.kv_type = KvType::Q8_0;
    const std::string path = test::synth_model();
    o.backend = LoadOptions::BackendKind::Cpu;
    const auto cpu = Model::load(path, o);
    EXPECT_EQ(cpu->info().kv_type, KvType::Q8_0);
    const uint64_t f32_per_token = 2ull * cpu->info().n_layer * cpu->info().n_head_kv * cpu->info().head_dim * 4;
    EXPECT_LT(cpu->info().kv_bytes_per_token, f32_per_token);
    o.backend = LoadOptions::BackendKind::Vulkan;
    o.device = 99;  // never exists: the CPU fallback
    EXPECT_EQ(Model::load(path, o)->info().kv_type, KvType::Q8_0);

    SKIP_WITHOUT_VULKAN(device);
    o.device = device;
    const auto vk = Model::load(path, o);
    ASSERT_NE(vk->backend_name().find("vulkan"), std::string::npos) << vk->backend_name();
    EXPECT_EQ(vk->info().kv_type, KvType::F32);
    EXPECT_EQ(vk->info().kv_bytes_per_token, f32_per_token);
    SessionOptions so;
    so.n_ctx = 32;
    Session s(vk, so);
    EXPECT_EQ(s.stats().kv_bytes, 32 * f32_per_token);
    EXPECT_EQ(vk::validation_message_count(), messages_before);
}

TEST(VulkanFallback, BadDeviceFallsBackToCpuWithReason) {
    // Works with or without a driver: device 99 never exists.
    const auto m = load(test::synth_model("bitnet", TypeId::I2_S), LoadOptions::BackendKind::Vulkan, 99);
    EXPECT_EQ(m->backend_name().rfind("cpu", 0), 0u) << m->backend_name();
    EXPECT_FALSE(m->backend_fallback_reason().empty());
}

TEST(VulkanFallback, AutoPrefersGpusAndOtherwiseRunsOnCpu) {
    const auto m = load(test::synth_model("bitnet", TypeId::I2_S), LoadOptions::BackendKind::Auto);
    bool gpu = false;
    for (const DeviceInfo& d : list_devices())
        gpu |= d.usable && (d.type == DeviceType::Discrete || d.type == DeviceType::Integrated);
    if (gpu) {
        EXPECT_NE(m->backend_name().find("vulkan"), std::string::npos);
    } else {
        // lavapipe (a CPU-type device) is not picked automatically.
        EXPECT_EQ(m->backend_name().rfind("cpu", 0), 0u) << m->backend_name();
        EXPECT_FALSE(m->backend_fallback_reason().empty());
    }
    SessionOptions so;
    so.n_ctx = 32;
    Session s(m, so);
    EXPECT_EQ(s.eval(kPrompt).size(), static_cast<size_t>(m->info().n_vocab));
}

}  // namespace
}  // namespace tern
