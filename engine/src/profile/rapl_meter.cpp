#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tern/profile.h"

namespace tern {

namespace {

std::optional<uint64_t> read_u64(const std::filesystem::path& p) {
    std::ifstream in(p);
    uint64_t v = 0;
    if (in >> v) return v;
    return std::nullopt;
}

}  // namespace

struct RaplMeter::Impl {
    struct Domain {
        std::filesystem::path energy;
        uint64_t range = 0;  // the counter wraps at this many microjoules
        uint64_t last = 0;
    };
    std::vector<Domain> domains;
    std::string why;
    double total_uj = 0;
};

RaplMeter::RaplMeter() : impl_(std::make_unique<Impl>()) {
    const std::filesystem::path root = "/sys/class/powercap";
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) {
        impl_->why = "no /sys/class/powercap (no RAPL driver on this system)";
        return;
    }
    for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
        // Top-level package zones are intel-rapl:N; subzones (intel-rapl:N:M) are inside them.
        const std::string name = entry.path().filename().string();
        if (name.rfind("intel-rapl:", 0) != 0 || name.find(':', 11) != std::string::npos) continue;
        Impl::Domain d;
        d.energy = entry.path() / "energy_uj";
        const auto value = read_u64(d.energy);
        if (!value) {
            impl_->why = d.energy.string() + ": " + (errno == EACCES ? "readable by root only" : std::strerror(errno));
            impl_->domains.clear();
            return;
        }
        d.last = *value;
        d.range = read_u64(entry.path() / "max_energy_range_uj").value_or(0);
        impl_->domains.push_back(d);
    }
    if (impl_->domains.empty() && impl_->why.empty()) impl_->why = "no RAPL package domain under /sys/class/powercap";
}

RaplMeter::~RaplMeter() = default;

bool RaplMeter::available() const { return !impl_->domains.empty(); }
std::string RaplMeter::why() const { return impl_->why; }

double RaplMeter::joules() {
    for (auto& d : impl_->domains) {
        const auto now = read_u64(d.energy);
        if (!now) continue;
        const uint64_t delta = *now >= d.last ? *now - d.last : *now + d.range - d.last;  // wrapped
        impl_->total_uj += static_cast<double>(delta);
        d.last = *now;
    }
    return impl_->total_uj * 1e-6;
}

}  // namespace tern
