// MappedFile::release: pages the engine has copied leave the process's resident memory, including
// a page that two released ranges share (adjacent tensors), which neither range alone covers.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tern/error.h"
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

std::string error_of(const std::string& path) {
    try {
        MappedFile f(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "(opened)";
}

// A FIFO given as the model used to block in open() forever (issue 17): the loader must refuse
// it before anything blocks. If it does block, a writer is opened to release it, so the test
// fails instead of hanging.
TEST(MappedFile, FifoIsRefusedWithoutBlocking) {
    const std::string fifo = ::testing::TempDir() + "mapped_file_test.fifo";
    ::unlink(fifo.c_str());
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto result = std::async(std::launch::async, [&] { return error_of(fifo); });
    if (result.wait_for(std::chrono::seconds(10)) == std::future_status::timeout) {
        const int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        ADD_FAILURE() << "opening a FIFO blocked";
        result.wait();
        if (w >= 0) ::close(w);
    } else {
        EXPECT_EQ(result.get(), fifo + ": is a FIFO (named pipe), not a regular file");
    }
    ::unlink(fifo.c_str());
}

TEST(MappedFile, DirectoriesAndDevicesAreNamed) {
    const std::string dir = ::testing::TempDir();
    EXPECT_EQ(error_of(dir), dir + ": is a directory");
    EXPECT_EQ(error_of("/dev/zero"), "/dev/zero: is a character device, not a regular file");
    EXPECT_EQ(error_of("/nonexistent/x.gguf"), "/nonexistent/x.gguf: cannot open: No such file or directory");
}

}  // namespace
}  // namespace tern
