#include "tern/machine.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/utsname.h>
#include <thread>
#include <utility>

#include "backend/cpu/cpu_backend.h"
#include "tern/devices.h"
#include "tern/profile.h"

namespace tern {

namespace {

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The CPU's name: x86 kernels list "model name"; aarch64 ones often only "Hardware" or nothing,
// then the machine type from uname.
std::string cpu_model_name() {
    std::ifstream in("/proc/cpuinfo");
    std::string line, hardware;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
        if (key == "model name" && !value.empty()) return value;
        if (key == "Hardware" && hardware.empty()) hardware = value;
    }
    if (!hardware.empty()) return hardware;
    utsname u{};
    return uname(&u) == 0 ? std::string(u.machine) : "unknown";
}

// Online CPUs have a topology folder; two hardware threads of one core share (package, core id).
int physical_core_count() {
    std::set<std::pair<int, int>> cores;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/sys/devices/system/cpu", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() < 4 || name.compare(0, 3, "cpu") != 0 ||
            name.find_first_not_of("0123456789", 3) != std::string::npos)
            continue;
        std::ifstream package(entry.path() / "topology/physical_package_id"), core(entry.path() / "topology/core_id");
        int p = 0, c = 0;
        if (package >> p && core >> c) cores.insert({p, c});
    }
    return static_cast<int>(cores.size());
}

}  // namespace

MachineInfo describe_machine(bool measure_bandwidth) {
    MachineInfo m;
    m.cpu_model = cpu_model_name();
    m.isa = cpu_kernel_name();
    m.logical_cores = static_cast<int>(std::thread::hardware_concurrency());
    m.physical_cores = physical_core_count();
    if (m.physical_cores == 0) m.physical_cores = m.logical_cores;
    if (measure_bandwidth) m.read_bandwidth = measure_read_bandwidth(0);
    for (const DeviceInfo& d : list_devices())
        if (d.usable) m.gpus.push_back(d.name + " (" + device_type_name(d.type) + ")");
    RaplMeter rapl;
    m.rapl = rapl.available();
    m.rapl_reason = rapl.why();
    return m;
}

std::string machine_summary(const MachineInfo& m) {
    char buf[96];
    std::string s = m.cpu_model + " (" + m.isa + "), " + std::to_string(m.physical_cores) + " cores / " +
                    std::to_string(m.logical_cores) + " threads";
    if (m.read_bandwidth > 0) {
        std::snprintf(buf, sizeof buf, ", %.1f GB/s read", m.read_bandwidth / 1e9);
        s += buf;
    }
    s += ", GPU: ";
    if (m.gpus.empty()) s += "none usable";
    for (size_t i = 0; i < m.gpus.size(); ++i) s += (i ? ", " : "") + m.gpus[i];
    s += m.rapl ? ", RAPL energy readable" : ", no RAPL energy";
    return s;
}

}  // namespace tern
