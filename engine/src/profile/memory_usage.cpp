#include <fstream>
#include <string>

#include "tern/profile.h"

namespace tern {

MemoryUsage memory_usage() {
    MemoryUsage m;
    std::ifstream in("/proc/self/status");
    std::string key;
    uint64_t kb = 0;
    while (in >> key) {
        if (key == "VmRSS:" && in >> kb) m.rss_bytes = kb * 1024;
        else if (key == "VmHWM:" && in >> kb) m.peak_rss_bytes = kb * 1024;
        in.ignore(4096, '\n');
    }
    return m;
}

bool reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";  // "reset the peak resident set size" (Documentation/filesystems/proc.rst)
    out.flush();
    return static_cast<bool>(out);
}

}  // namespace tern
