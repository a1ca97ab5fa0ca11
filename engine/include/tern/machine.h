#pragma once
// The machine a benchmark ran on, stored with every result so that runs from different machines
// are compared honestly: the CPU and the kernels Tern runs on it, its cores and memory bandwidth,
// the GPUs Vulkan can use, and whether CPU energy can be measured.
#include <string>
#include <vector>

namespace tern {

struct MachineInfo {
    std::string cpu_model;  // /proc/cpuinfo "model name" (x86), else what the kernel names the CPU
    // The instruction set the CPU kernels run: the ternary kernel the CPU backend dispatches to
    // ("avx512vnni", "avxvnni", "avx2", "neon", "scalar"), or "reference" under
    // TERN_CPU_KERNEL=reference. A CPU backend's name is "cpu-" followed by it.
    std::string isa;
    int logical_cores = 0;   // hardware threads online (std::thread::hardware_concurrency)
    int physical_cores = 0;  // distinct (package, core) pairs in sysfs; logical_cores where unknown
    double read_bandwidth = 0;  // bytes/s from measure_read_bandwidth() for this run; 0: not measured
    // The usable Vulkan devices (tern::list_devices()) as "name (type)": "... (discrete)"; lavapipe
    // shows as "llvmpipe (...) (cpu)", a CPU-type device.
    std::vector<std::string> gpus;
    bool rapl = false;       // CPU package energy readable (tern::RaplMeter::available())
    std::string rapl_reason; // why not, when it is not

    bool operator==(const MachineInfo&) const = default;
};

// Describes this machine. The bandwidth takes seconds to measure: it is measured (with every
// hardware thread) only when asked, else read_bandwidth stays 0 for the caller to fill.
MachineInfo describe_machine(bool measure_bandwidth = false);

// One line for tables and logs: "Intel Xeon ... (avx512vnni), 2 cores / 2 threads, 31.2 GB/s, ...".
std::string machine_summary(const MachineInfo& machine);

}  // namespace tern
