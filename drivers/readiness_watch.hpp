#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <string>

namespace station::drivers {

// Waits on the io_context until a device descriptor is readable, without handing the descriptor
// itself to Asio. Asio switches a descriptor to non-blocking mode with ioctl(FIONBIO), which
// umockdev's emulated device nodes reject, so the device is watched through an epoll descriptor
// of its own and only that one is given to Asio. The device descriptor must already be
// non-blocking (O_NONBLOCK) and stays owned by the caller.
class ReadinessWatch {
public:
    explicit ReadinessWatch(boost::asio::io_context& io);
    ~ReadinessWatch();

    // Starts watching fd. Returns an error message, empty on success.
    std::string watch(int fd);

    // Calls handler once, on the io_context, when the device is readable, hung up or failed.
    void asyncWait(std::function<void(const boost::system::error_code&)> handler);

    // Stops watching; a pending wait completes with operation_aborted.
    void close();

    bool isOpen() const { return stream_.is_open(); }

private:
    boost::asio::posix::stream_descriptor stream_;
};

}  // namespace station::drivers
