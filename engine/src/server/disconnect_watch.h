#pragma once
// Notices a client that hung up while its answer is still being prepared (queued, prefilling,
// decoding), so its generation is cancelled within a token instead of running to its end.
//
// cpp-httplib 0.11 (Debian 12's) gives a handler no access to its connection's socket, and a write
// to a peer that has closed succeeds once before failing, so neither the handler nor the write
// path can tell in time. The socket is instead found among this process's descriptors by the
// request's address pair, and one thread polls the watched sockets for the peer's FIN (POLLRDHUP).
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tern::server {

// The descriptor of this process's TCP socket from local_addr:local_port to remote_addr:remote_port;
// -1 when there is none (or on a system without /proc/self/fd).
int find_connection_socket(const std::string& local_addr, int local_port, const std::string& remote_addr,
                           int remote_port);

// True once the peer of socket fd has closed its side (or the socket failed).
bool peer_closed(int fd);

class DisconnectWatch {
public:
    DisconnectWatch();
    ~DisconnectWatch();

    // Sets *flag when fd's peer hangs up, for as long as the returned guard lives. fd < 0 watches
    // nothing. The caller keeps fd open and flag alive while the guard lives.
    class Guard {
    public:
        Guard() = default;
        Guard(Guard&& o) noexcept : watch_(std::exchange(o.watch_, nullptr)), id_(o.id_) {}
        Guard& operator=(Guard&& o) noexcept;
        ~Guard();

    private:
        friend class DisconnectWatch;
        Guard(DisconnectWatch* w, uint64_t id) : watch_(w), id_(id) {}
        DisconnectWatch* watch_ = nullptr;
        uint64_t id_ = 0;
    };
    Guard watch(int fd, std::atomic<bool>* flag);

private:
    struct Entry {
        uint64_t id;
        int fd;
        std::atomic<bool>* flag;
        bool fired;
    };
    void run();
    void remove(uint64_t id);

    std::mutex mutex_;
    std::vector<Entry> entries_;
    uint64_t next_id_ = 1;
    std::atomic<bool> stop_ = false;
    std::thread thread_;
};

}  // namespace tern::server
