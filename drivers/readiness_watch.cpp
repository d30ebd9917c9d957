#include "drivers/readiness_watch.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace station::drivers {

ReadinessWatch::ReadinessWatch(boost::asio::io_context& io) : stream_(io) {}

ReadinessWatch::~ReadinessWatch() {
    close();
}

std::string ReadinessWatch::watch(int fd) {
    close();
    const int epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    if (epollFd < 0) {
        return std::string("epoll_create1 failed: ") + std::strerror(errno);
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (::epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &event) != 0) {
        const int error = errno;
        ::close(epollFd);
        return std::string("epoll_ctl failed: ") + std::strerror(error);
    }

    boost::system::error_code error;
    stream_.assign(epollFd, error);
    if (error) {
        ::close(epollFd);
        return error.message();
    }
    return {};
}

void ReadinessWatch::asyncWait(std::function<void(const boost::system::error_code&)> handler) {
    stream_.async_wait(boost::asio::posix::stream_descriptor::wait_read, std::move(handler));
}

void ReadinessWatch::close() {
    if (stream_.is_open()) {
        boost::system::error_code ignored;
        stream_.close(ignored);
    }
}

}  // namespace station::drivers
