#include "util/user_files.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tern/error.h"

namespace tern {
namespace {

// What a stat mode is, for "PATH: is a FIFO (named pipe), not a regular file".
std::string not_regular(const std::string& path, mode_t mode) {
    if (S_ISDIR(mode)) return path + ": is a directory";
    const char* what = S_ISFIFO(mode)  ? "a FIFO (named pipe)"
                       : S_ISCHR(mode) ? "a character device"
                       : S_ISBLK(mode) ? "a block device"
                       : S_ISSOCK(mode) ? "a socket"
                                        : "not a regular file";
    return path + ": is " + what + ", not a regular file";
}

double mib(uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

std::string mib_text(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", mib(bytes));
    return buf;
}

}  // namespace

int open_regular_file(const std::string& path) {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw Error(path + ": cannot stat: " + std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(not_regular(path, st.st_mode));
    }
    // Reads of a regular file never block anyway, but callers get an ordinary descriptor.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

std::string read_text_file(const std::string& path, uint64_t max_bytes) {
    const int fd = open_regular_file(path);
    struct stat st {};
    ::fstat(fd, &st);
    const auto size = static_cast<uint64_t>(st.st_size);
    std::string text;
    try {
        if (size > max_bytes)
            throw Error(path + ": is " + mib_text(size) + "; text input is limited to " + mib_text(max_bytes));
        text.resize(size);
        size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw Error(path + ": read failed: " + std::strerror(errno));
            if (n == 0) break;  // shrank while reading: keep what is there
            done += static_cast<size_t>(n);
        }
        text.resize(done);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return text;
}

std::string output_file_target(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return path;  // a new file
        throw Error(path + ": cannot stat: " + std::strerror(errno));
    }
    std::string target = path;
    if (S_ISLNK(st.st_mode)) {
        // Follow the whole chain; a dangling link names the file to create.
        char* real = ::realpath(path.c_str(), nullptr);
        if (!real) {
            if (errno != ENOENT) throw Error(path + ": cannot follow the link: " + std::strerror(errno));
            char buf[PATH_MAX];
            const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
            if (n < 0) throw Error(path + ": cannot follow the link: " + std::strerror(errno));
            std::string link(buf, static_cast<size_t>(n));
            if (link.empty() || link[0] != '/') {
                const size_t slash = path.rfind('/');
                if (slash != std::string::npos) link = path.substr(0, slash + 1) + link;
            }
            return output_file_target(link);
        }
        target = real;
        std::free(real);
        if (::stat(target.c_str(), &st) != 0) throw Error(path + ": cannot stat: " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        const std::string why = not_regular(path, st.st_mode);
        throw Error(S_ISDIR(st.st_mode) ? why + " (name a file to write)"
                                        : why + " (only regular files, or - for standard output)");
    }
    return target;
}

}  // namespace tern
