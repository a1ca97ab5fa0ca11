#include "util/mapped_file.h"

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tern/error.h"
#include "util/user_files.h"

namespace tern {

MappedFile::MappedFile(const std::string& path) : path_(path) {
    const int fd = open_regular_file(path);  // refuses a FIFO or device before anything blocks
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw Error(path + ": cannot stat: " + std::strerror(e));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            ::close(fd);
            throw Error(path + ": cannot map: " + std::strerror(e));
        }
        data_ = static_cast<const uint8_t*>(p);
    }
    ::close(fd);
}

void MappedFile::release(const void* p, size_t n) const {
    // Tensors start on 32-byte boundaries: a gap up to this size between released ranges is
    // padding nobody reads.
    constexpr uintptr_t kMaxGap = 64;
    const auto map_begin = reinterpret_cast<uintptr_t>(data_);
    uintptr_t begin = reinterpret_cast<uintptr_t>(p), end = begin + n;
    if (n == 0 || begin < map_begin || end > map_begin + size_) return;
    {
        std::lock_guard lock(released_mutex_);
        auto it = released_.upper_bound(begin);
        if (it != released_.begin() && std::prev(it)->second + kMaxGap >= begin) --it;
        while (it != released_.end() && it->first <= end + kMaxGap) {
            begin = std::min(begin, it->first);
            end = std::max(end, it->second);
            it = released_.erase(it);
        }
        released_.emplace(begin, end);
    }
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const uintptr_t first = (begin + page - 1) / page * page, last = end / page * page;
    if (first < last) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);  // a hint
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace tern
