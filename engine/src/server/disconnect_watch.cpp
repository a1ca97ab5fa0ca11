#include "server/disconnect_watch.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <unistd.h>

namespace tern::server {
namespace {

// "1.2.3.4" / "::1" and the port of a socket address; false for other families.
bool address_of(const sockaddr_storage& a, std::string& ip, int& port) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a.ss_family == AF_INET) {
        const auto& in = reinterpret_cast<const sockaddr_in&>(a);
        if (!inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf)) return false;
        port = ntohs(in.sin_port);
    } else if (a.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a);
        if (!inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf)) return false;
        port = ntohs(in6.sin6_port);
    } else {
        return false;
    }
    ip = buf;
    return true;
}

bool socket_matches(int fd, const std::string& local_addr, int local_port, const std::string& remote_addr,
                    int remote_port) {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    std::string ip;
    int port = 0;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0 || !address_of(a, ip, port)) return false;
    if (port != remote_port || ip != remote_addr) return false;
    len = sizeof a;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0 || !address_of(a, ip, port)) return false;
    return port == local_port && ip == local_addr;
}

}  // namespace

int find_connection_socket(const std::string& local_addr, int local_port, const std::string& remote_addr,
                           int remote_port) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    int found = -1;
    while (const dirent* e = readdir(dir)) {
        char* end = nullptr;
        const long fd = std::strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0' || fd == dirfd(dir)) continue;
        struct stat st {};
        if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
        if (socket_matches(static_cast<int>(fd), local_addr, local_port, remote_addr, remote_port)) {
            found = static_cast<int>(fd);
            break;
        }
    }
    closedir(dir);
    return found;
}

bool peer_closed(int fd) {
    pollfd p{fd, POLLRDHUP, 0};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

DisconnectWatch::DisconnectWatch() : thread_([this] { run(); }) {}

DisconnectWatch::~DisconnectWatch() {
    stop_ = true;
    thread_.join();
}

DisconnectWatch::Guard& DisconnectWatch::Guard::operator=(Guard&& o) noexcept {
    if (this != &o) {
        if (watch_) watch_->remove(id_);
        watch_ = std::exchange(o.watch_, nullptr);
        id_ = o.id_;
    }
    return *this;
}

DisconnectWatch::Guard::~Guard() {
    if (watch_) watch_->remove(id_);
}

DisconnectWatch::Guard DisconnectWatch::watch(int fd, std::atomic<bool>* flag) {
    if (fd < 0 || !flag) return {};
    std::lock_guard lock(mutex_);
    const uint64_t id = next_id_++;
    entries_.push_back({id, fd, flag, false});
    return Guard(this, id);
}

void DisconnectWatch::remove(uint64_t id) {
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [id](const Entry& e) { return e.id == id; });
}

void DisconnectWatch::run() {
    std::vector<pollfd> fds;
    std::vector<uint64_t> ids;
    while (!stop_) {
        {
            std::lock_guard lock(mutex_);
            fds.clear();
            ids.clear();
            for (const Entry& e : entries_)
                if (!e.fired) {
                    fds.push_back({e.fd, POLLRDHUP, 0});
                    ids.push_back(e.id);
                }
        }
        // New entries wait for the next round: 10 ms, a fraction of one token's time.
        if (fds.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        if (poll(fds.data(), fds.size(), 10) <= 0) continue;
        std::lock_guard lock(mutex_);
        for (size_t i = 0; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))) continue;
            // Only entries still registered: a guard destroyed meanwhile may have let its fd close.
            for (Entry& e : entries_)
                if (e.id == ids[i]) {
                    e.flag->store(true);
                    e.fired = true;
                }
        }
    }
}

}  // namespace tern::server
