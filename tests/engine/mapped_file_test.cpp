// MappedFile::release: pages the engine has copied leave the process's resident memory, including
// a page that two released ranges share (adjacent tensors), which neither range alone covers.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "util/mapped_file.h"

namespace tern {
namespace {

// Resident bytes of the mapping that starts at `addr`, from /proc/self/smaps.
long resident_bytes(const void* addr) {
    std::ifstream smaps("/proc/self/smaps");
    char start[32];
    std::snprintf(start, sizeof start, "%lx-", reinterpret_cast<unsigned long>(addr));
    std::string line;
    bool in_mapping = false;
    while (std::getline(smaps, line)) {
        if (line.find('-') != std::string::npos && line.find(' ') > line.find('-'))
            in_mapping = line.rfind(start, 0) == 0;
        if (in_mapping && line.rfind("Rss:", 0) == 0) {
            std::istringstream fields(line.substr(4));
            long kb = 0;
            fields >> kb;
            return kb * 1024;
        }
    }
    return -1;
}

TEST(MappedFile, ReleasedNeighboursFreeTheirSharedPage) {
    const long page = ::sysconf(_SC_PAGESIZE);
    const std::string path = ::testing::TempDir() + "mapped_file_release.bin";
    {
        std::ofstream out(path, std::ios::binary);
        const std::vector<char> bytes(static_cast<size_t>(8 * page), 'x');
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    MappedFile f(path);
    volatile char sink = 0;
    for (size_t i = 0; i < f.size(); i += static_cast<size_t>(page)) sink = sink + static_cast<char>(f.data()[i]);
    ASSERT_EQ(resident_bytes(f.data()), 8 * page);

    // Two "tensors" meeting inside page 3, with 32 bytes of alignment padding between them.
    const size_t seam = static_cast<size_t>(3 * page + 100);
    f.release(f.data(), seam);
    EXPECT_EQ(resident_bytes(f.data()), 5 * page);  // pages 0-2; page 3 holds the second tensor's start
    f.release(f.data() + seam + 32, f.size() - seam - 32);
    EXPECT_EQ(resident_bytes(f.data()), 0);  // merged with the first range, page 3 goes too

    // Ranges outside the map are ignored.
    f.release(f.data() + f.size(), 16);
    std::remove(path.c_str());
}

}  // namespace
}  // namespace tern
