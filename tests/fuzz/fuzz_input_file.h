#pragma once
// The fuzz input as a real file: the engine reads models through a path (open, fstat, mmap), so
// each input is written to one memfd and opened as /proc/self/fd/N, the same code a user's file
// goes through, with no disk traffic.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace tern::fuzz {

inline std::string as_file(const uint8_t* data, size_t size) {
    static const int fd = [] {
        const int f = ::memfd_create("tern-fuzz-input", MFD_CLOEXEC);
        if (f < 0) std::abort();
        return f;
    }();
    if (::ftruncate(fd, 0) != 0) std::abort();
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
        if (n <= 0) std::abort();
        done += static_cast<size_t>(n);
    }
    return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace tern::fuzz
