// The machine summary states facts a user can check: the kernels the CPU backend really runs, the
// cores the OS reports, the CPU's own name, the usable Vulkan devices and whether RAPL is readable.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "backend/cpu/simd/ternary_kernels.h"
#include <filesystem>
#include "tern/devices.h"
#include "tern/machine.h"
#include "tern/model.h"
#include "tern/profile.h"

namespace tern {
namespace {

TEST(Machine, IsaIsTheKernelTheCpuBackendRuns) {
    const MachineInfo m = describe_machine();
    EXPECT_EQ(m.isa, simd::best_kernel().name);
    const auto model = Model::load(std::string(TERN_DEMO_MODEL), {.n_threads = 1});
    EXPECT_EQ(model->info().backend, "cpu-" + m.isa);

    // The reference kernels, when asked for, are what the summary says too.
    ASSERT_EQ(setenv("TERN_CPU_KERNEL", "reference", 1), 0);
    const MachineInfo ref = describe_machine();
    const auto ref_model = Model::load(std::string(TERN_DEMO_MODEL), {.n_threads = 1});
    unsetenv("TERN_CPU_KERNEL");
    EXPECT_EQ(ref.isa, "reference");
    EXPECT_EQ(ref_model->info().backend, "cpu-reference");
}

TEST(Machine, CoresAreWhatTheSystemReports) {
    const MachineInfo m = describe_machine();
    EXPECT_EQ(m.logical_cores, static_cast<int>(std::thread::hardware_concurrency()));
    EXPECT_GE(m.physical_cores, 1);
    EXPECT_LE(m.physical_cores, m.logical_cores);
    // x86 kernels also list each hardware thread's package and core in /proc/cpuinfo: a second
    // source for the physical count the summary takes from sysfs.
    std::ifstream in("/proc/cpuinfo");
    std::set<std::pair<std::string, std::string>> cores;
    std::string line, package;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string value = line.substr(colon + 1);
        if (line.rfind("physical id", 0) == 0) package = value;
        if (line.rfind("core id", 0) == 0) cores.insert({package, value});
    }
    if (cores.empty()) GTEST_SKIP() << "no core ids in /proc/cpuinfo on this architecture";
    EXPECT_EQ(m.physical_cores, static_cast<int>(cores.size()));
}

TEST(Machine, CpuModelIsTheProcessorsBrandString) {
#if defined(__x86_64__)
    unsigned regs[12] = {};
    for (unsigned i = 0; i < 3; ++i)
        if (!__get_cpuid(0x80000002 + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]))
            GTEST_SKIP() << "no CPUID brand string";
    char brand[49] = {};
    std::memcpy(brand, regs, 48);
    std::string want = brand;
    want.erase(0, want.find_first_not_of(' '));
    want.erase(want.find_last_not_of(' ') + 1);
    EXPECT_EQ(describe_machine().cpu_model, want);
#else
    EXPECT_FALSE(describe_machine().cpu_model.empty());
#endif
}

TEST(Machine, RaplFlagSaysWhetherEnergyIsReadable) {
    const MachineInfo m = describe_machine();
    EXPECT_EQ(m.rapl, RaplMeter().available());
    // Without a readable package counter there is nothing to measure, and the summary says why.
    if (!std::ifstream("/sys/class/powercap/intel-rapl:0/energy_uj")) {
        EXPECT_FALSE(m.rapl);
        EXPECT_FALSE(m.rapl_reason.empty());
    }
    if (m.rapl) {
        EXPECT_TRUE(m.rapl_reason.empty());
    }
}

TEST(Machine, GpusAreTheUsableVulkanDevices) {
    std::vector<std::string> usable;
    for (const DeviceInfo& d : list_devices())
        if (d.usable) usable.push_back(d.name + " (" + device_type_name(d.type) + ")");
    const MachineInfo m = describe_machine();
    EXPECT_EQ(m.gpus, usable);
    EXPECT_EQ(m.read_bandwidth, 0);  // not measured unless asked
    const std::string summary = machine_summary(m);
    EXPECT_NE(summary.find(m.cpu_model), std::string::npos);
    EXPECT_NE(summary.find("(" + m.isa + ")"), std::string::npos);
    EXPECT_NE(summary.find(usable.empty() ? "none usable" : usable.front()), std::string::npos);
}

}  // namespace
}  // namespace tern
