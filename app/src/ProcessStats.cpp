#include "ProcessStats.h"

#include <cstdio>
#include <unistd.h>

namespace tern::app {

uint64_t residentBytes() {
    // statm: size resident shared text lib data dt, in pages. Cheap enough to poll every second.
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    const int n = std::fscanf(f, "%lu %lu", &size, &resident);
    std::fclose(f);
    if (n != 2) return 0;
    return uint64_t(resident) * uint64_t(sysconf(_SC_PAGESIZE));
}

uint64_t availableMemoryBytes() {
    FILE* f = std::fopen("/proc/meminfo", "r");
    if (!f) return 0;
    char line[256];
    unsigned long long kb = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "MemAvailable: %llu kB", &kb) == 1) break;
    std::fclose(f);
    return uint64_t(kb) * 1024;
}

}  // namespace tern::app
