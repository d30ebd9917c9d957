#include "print/tcp_transport.hpp"

#include <fmt/format.h>
#include <linux/sockios.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace station::print {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{30000};

}  // namespace

struct TcpTransportState {
    TcpTransportState(asio::io_context& context, const config::PrinterConfig& printer)
        : io(context),
          config(printer),
          description(
              fmt::format("printer {} (tcp {}:{})", printer.name, printer.host, printer.port)) {}

    asio::io_context& io;
    config::PrinterConfig config;
    std::string description;
    bool busy = false;
    std::chrono::milliseconds backoff{0};
    Clock::time_point nextConnect{};

    void connectFailed() {
        backoff = backoff.count() == 0 ? kFirstBackoff : std::min(backoff * 2, kMaxBackoff);
        nextConnect = Clock::now() + backoff;
    }
    void connectSucceeded() {
        backoff = std::chrono::milliseconds(0);
        nextConnect = {};
    }
};

namespace {

// One connection's work: connect with a timeout, then a caller-defined exchange. Every step
// shares one deadline timer; whichever of the timer and the I/O finishes first wins.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    using Connected = std::function<void(std::shared_ptr<Connection>)>;
    using Failed = std::function<void(std::string)>;

    Connection(std::shared_ptr<TcpTransportState> state)
        : state_(std::move(state)),
          socket_(state_->io),
          timer_(state_->io),
          resolver_(state_->io) {}

    tcp::socket& socket() { return socket_; }
    asio::steady_timer& timer() { return timer_; }
    TcpTransportState& state() { return *state_; }

    // Waits out the backoff, resolves and connects, then calls connected or failed once.
    void start(Connected connected, Failed failed) {
        connected_ = std::move(connected);
        failed_ = std::move(failed);
        const auto wait = state_->nextConnect - Clock::now();
        if (wait > Clock::duration::zero()) {
            timer_.expires_after(wait);
            timer_.async_wait(
                [self = shared_from_this()](boost::system::error_code) { self->resolve(); });
            return;
        }
        asio::post(state_->io, [self = shared_from_this()] { self->resolve(); });
    }

    // Arms the deadline: on expiry the socket's pending operations are cancelled, which fails them.
    void armDeadline(std::chrono::milliseconds timeout) {
        timedOut_ = false;
        timer_.expires_after(timeout);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code error) {
            if (!error) {
                self->timedOut_ = true;
                boost::system::error_code ignored;
                self->socket_.cancel(ignored);
                self->resolver_.cancel();
            }
        });
    }
    bool timedOut() const { return timedOut_; }

private:
    // The callbacks capture the operation that owns this connection, so they are released as
    // soon as one runs; keeping them would make a reference cycle that is never freed.
    Connected takeConnected() {
        failed_ = nullptr;
        return std::move(connected_);
    }

    void resolve() {
        armDeadline(state_->config.connectTimeout);
        resolver_.async_resolve(
            state_->config.host, std::to_string(state_->config.port),
            [self = shared_from_this()](boost::system::error_code error,
                                        tcp::resolver::results_type endpoints) {
                if (error) {
                    self->fail(error);
                    return;
                }
                asio::async_connect(
                    self->socket_, endpoints,
                    [self](boost::system::error_code connectError, const tcp::endpoint&) {
                        if (connectError) {
                            self->fail(connectError);
                            return;
                        }
                        self->timer_.cancel();
                        self->state_->connectSucceeded();
                        self->takeConnected()(self);
                    });
            });
    }

    void fail(const boost::system::error_code& error) {
        timer_.cancel();
        state_->connectFailed();
        const std::string reason =
            timedOut_ ? fmt::format("timed out after {} ms", state_->config.connectTimeout.count())
                      : error.message();
        Failed failed = std::move(failed_);
        connected_ = nullptr;
        failed(
            fmt::format("{}: failed to connect: {}; check that the printer is on and the "
                        "host and port are right",
                        state_->description, reason));
    }

    std::shared_ptr<TcpTransportState> state_;
    tcp::socket socket_;
    asio::steady_timer timer_;
    tcp::resolver resolver_;
    Connected connected_;
    Failed failed_;
    bool timedOut_ = false;
};

// Bytes written but not yet acknowledged by the peer (Linux SIOCOUTQ), or -1 when unknown.
int unacknowledgedBytes(tcp::socket& socket) {
    int pending = 0;
    if (::ioctl(socket.native_handle(), SIOCOUTQ, &pending) != 0) {
        return -1;
    }
    return pending;
}

class SendOperation : public std::enable_shared_from_this<SendOperation> {
public:
    SendOperation(std::shared_ptr<TcpTransportState> state, std::string zpl,
                  std::function<void(SendResult)> done)
        : state_(std::move(state)), zpl_(std::move(zpl)), done_(std::move(done)) {}

    void start() {
        auto connection = std::make_shared<Connection>(state_);
        connection->start(
            [self = shared_from_this()](std::shared_ptr<Connection> connected) {
                self->write(std::move(connected));
            },
            [self = shared_from_this()](std::string error) {
                self->finish({SendResult::Outcome::FailedBeforeSend, 0, std::move(error)});
            });
    }

private:
    void write(std::shared_ptr<Connection> connection) {
        connection_ = std::move(connection);
        connection_->armDeadline(state_->config.writeTimeout);
        asio::async_write(
            connection_->socket(), asio::buffer(zpl_),
            [self = shared_from_this()](boost::system::error_code error, std::size_t written) {
                self->written(error, written);
            });
    }

    void written(const boost::system::error_code& error, std::size_t bytes) {
        bytesSent_ = bytes;
        if (error) {
            const std::string reason = connection_->timedOut()
                                           ? fmt::format("write timed out after {} ms",
                                                         state_->config.writeTimeout.count())
                                           : error.message();
            if (bytes == 0) {
                finish({SendResult::Outcome::FailedBeforeSend, 0,
                        fmt::format("{}: failed to send the label: {}; nothing was sent",
                                    state_->description, reason)});
            } else {
                finish(uncertain(reason));
            }
            return;
        }

        // Close the sending side, then wait for the printer to close or for the kernel to
        // report every byte acknowledged.
        boost::system::error_code ignored;
        connection_->socket().shutdown(tcp::socket::shutdown_send, ignored);
        drain();
    }

    void drain() {
        connection_->socket().async_read_some(
            asio::buffer(sink_),
            [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                if (!error) {
                    self->drain();
                    return;
                }
                self->drained(error);
            });
    }

    void drained(const boost::system::error_code& error) {
        if (error == asio::error::eof) {
            finish({SendResult::Outcome::Delivered, bytesSent_, {}});
            return;
        }
        if (connection_->timedOut() && unacknowledgedBytes(connection_->socket()) == 0) {
            finish({SendResult::Outcome::Delivered, bytesSent_, {}});
            return;
        }
        finish(uncertain(connection_->timedOut()
                             ? fmt::format("the printer did not acknowledge the data within "
                                           "{} ms",
                                           state_->config.writeTimeout.count())
                             : error.message()));
    }

    SendResult uncertain(const std::string& reason) const {
        return {SendResult::Outcome::Uncertain, bytesSent_,
                fmt::format("{}: connection failed after {} of {} bytes: {}; the label may have "
                            "printed, so check the printer before reprinting",
                            state_->description, bytesSent_, zpl_.size(), reason)};
    }

    void finish(SendResult result) {
        if (connection_) {
            connection_->timer().cancel();
            boost::system::error_code ignored;
            connection_->socket().close(ignored);
        }
        state_->busy = false;
        auto done = std::move(done_);
        done(std::move(result));
    }

    std::shared_ptr<TcpTransportState> state_;
    std::string zpl_;
    std::function<void(SendResult)> done_;
    std::shared_ptr<Connection> connection_;
    std::size_t bytesSent_ = 0;
    std::array<char, 512> sink_{};
};

class StatusOperation : public std::enable_shared_from_this<StatusOperation> {
public:
    StatusOperation(std::shared_ptr<TcpTransportState> state, StatusRequest request,
                    std::function<void(PrinterStatus)> done)
        : state_(std::move(state)), request_(request), done_(std::move(done)) {}

    void start() {
        auto connection = std::make_shared<Connection>(state_);
        connection->start(
            [self = shared_from_this()](std::shared_ptr<Connection> connected) {
                self->ask(std::move(connected));
            },
            [self = shared_from_this()](std::string error) {
                self->finish(
                    PrinterStatus::notReady(PrinterStatus::Problem::Unreachable, std::move(error)));
            });
    }

private:
    void ask(std::shared_ptr<Connection> connection) {
        connection_ = std::move(connection);
        connection_->armDeadline(state_->config.statusTimeout);
        command_ = request_ == StatusRequest::HostStatus ? "~HS" : "~HQES";
        asio::async_write(
            connection_->socket(), asio::buffer(command_),
            [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                if (error) {
                    self->noAnswer(error);
                    return;
                }
                self->read();
            });
    }

    void read() {
        connection_->socket().async_read_some(
            asio::buffer(buffer_),
            [self = shared_from_this()](boost::system::error_code error, std::size_t bytes) {
                self->answer_.append(self->buffer_.data(), bytes);
                auto status = self->request_ == StatusRequest::HostStatus
                                  ? parseHostStatus(self->answer_)
                                  : parseExtendedStatus(self->answer_);
                if (status) {
                    self->finish(std::move(*status));
                    return;
                }
                if (error || self->answer_.size() > 4096) {
                    self->noAnswer(error);
                    return;
                }
                self->read();
            });
    }

    void noAnswer(const boost::system::error_code& error) {
        const std::string reason = connection_->timedOut()
                                       ? fmt::format("no complete answer within {} ms",
                                                     state_->config.statusTimeout.count())
                                       : error.message();
        finish(PrinterStatus::notReady(
            PrinterStatus::Problem::NoAnswer,
            fmt::format("{}: {} failed: {}; received '{}'", state_->description, command_, reason,
                        escapeForLog(answer_))));
    }

    void finish(PrinterStatus status) {
        if (connection_) {
            connection_->timer().cancel();
            boost::system::error_code ignored;
            connection_->socket().close(ignored);
        }
        auto done = std::move(done_);
        done(std::move(status));
    }

    std::shared_ptr<TcpTransportState> state_;
    StatusRequest request_;
    std::function<void(PrinterStatus)> done_;
    std::shared_ptr<Connection> connection_;
    std::string command_;
    std::string answer_;
    std::array<char, 512> buffer_{};
};

}  // namespace

TcpTransport::TcpTransport(asio::io_context& io, const config::PrinterConfig& config)
    : state_(std::make_shared<TcpTransportState>(io, config)) {}

TcpTransport::~TcpTransport() = default;

const std::string& TcpTransport::description() const {
    return state_->description;
}

std::chrono::milliseconds TcpTransport::currentBackoff() const {
    return state_->backoff;
}

void TcpTransport::send(std::string zpl, std::function<void(SendResult)> done) {
    if (state_->busy) {
        asio::post(state_->io, [description = state_->description, done = std::move(done)] {
            done({SendResult::Outcome::FailedBeforeSend, 0,
                  description + ": another label is still being sent"});
        });
        return;
    }
    state_->busy = true;
    std::make_shared<SendOperation>(state_, std::move(zpl), std::move(done))->start();
}

void TcpTransport::queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) {
    std::make_shared<StatusOperation>(state_, request, std::move(done))->start();
}

}  // namespace station::print
