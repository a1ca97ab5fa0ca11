#pragma once
// A read-only memory map of a whole file. Model weights are used straight from the map.
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace tern {

class MappedFile {
public:
    explicit MappedFile(const std::string& path);  // throws tern::Error naming the path
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }
    const std::string& path() const { return path_; }

    // Drops the whole pages inside [p, p + n) from this process's resident memory; the kernel reads
    // them back from the page cache if they are touched again. For data the engine has copied
    // into its own layout, so the copy and the original are not both resident.
    // Released ranges merge with earlier ones they touch (across tensor alignment padding), and the
    // merged range is dropped: a transparent huge page shared by two tensors is only freed once
    // both are released, which neither range alone covers.
    void release(const void* p, size_t n) const;

private:
    std::string path_;
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    mutable std::mutex released_mutex_;
    mutable std::map<uintptr_t, uintptr_t> released_;  // begin -> end, disjoint and not touching
};

}  // namespace tern
