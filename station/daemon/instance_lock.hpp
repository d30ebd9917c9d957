#pragma once

#include <filesystem>

namespace station::daemon {

// Keeps a second stationd off the same store. Two daemons on one store would both open the
// same scanners and split a packer's scans between two order sessions, so the second one
// stops at start-up instead. The lock is an flock(2) on STORE.lock, released by the kernel
// when the process ends, also after kill -9.
class InstanceLock {
public:
    // Takes the lock beside `storePath`. Throws std::runtime_error naming the store and the
    // other daemon's pid when another process has it.
    explicit InstanceLock(const std::filesystem::path& storePath);
    ~InstanceLock();
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace station::daemon
