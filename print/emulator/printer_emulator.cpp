#include "print/emulator/printer_emulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <charconv>

#include "print/emulator/zpl_stream_parser.hpp"

namespace station::print::emulator {

namespace asio = boost::asio;
using asio::ip::tcp;

std::optional<PrinterState> parsePrinterState(std::string_view name) {
    if (name == "ready")
        return PrinterState::Ready;
    if (name == "paper-out")
        return PrinterState::PaperOut;
    if (name == "head-open")
        return PrinterState::HeadOpen;
    if (name == "paused")
        return PrinterState::Paused;
    if (name == "ribbon-out")
        return PrinterState::RibbonOut;
    if (name == "silent")
        return PrinterState::Silent;
    return std::nullopt;
}

std::optional<ReadMode> parseReadMode(std::string_view name) {
    if (name == "normal")
        return ReadMode::Normal;
    if (name == "stall")
        return ReadMode::Stall;
    if (name == "reset")
        return ReadMode::Reset;
    if (name == "slow")
        return ReadMode::Slow;
    return std::nullopt;
}

// One client connection: reads with the emulator's mode and responds to status requests.
class PrinterEmulator::Session : public std::enable_shared_from_this<Session> {
public:
    Session(PrinterEmulator& printer, tcp::socket socket)
        : printer_(printer),
          socket_(std::move(socket)),
          timer_(printer.io_),
          mode_(printer.mode_),
          parser_({[this](const std::string& command) { onCommand(command); },
                   [this](std::string label) { printer_.storeLabel(label); }}) {}

    void start() {
        if (mode_ == ReadMode::Stall) {
            // Hold the socket open without reading until the client gives up.
            waitForClose();
            return;
        }
        read();
    }

private:
    void read() {
        const std::size_t chunk = mode_ == ReadMode::Slow ? 64 : buffer_.size();
        socket_.async_read_some(
            asio::buffer(buffer_.data(), chunk),
            [self = shared_from_this()](boost::system::error_code error, std::size_t bytes) {
                if (error) {
                    return;
                }
                self->received(bytes);
            });
    }

    void received(std::size_t bytes) {
        if (mode_ == ReadMode::Reset) {
            const std::size_t allowed =
                printer_.resetAfterBytes_ - std::min(printer_.resetAfterBytes_, total_);
            total_ += bytes;
            parser_.feed(std::string_view(buffer_.data(), std::min(bytes, allowed)));
            if (total_ >= printer_.resetAfterBytes_) {
                resetConnection();
                return;
            }
        } else {
            total_ += bytes;
            parser_.feed(std::string_view(buffer_.data(), bytes));
        }

        if (mode_ == ReadMode::Slow) {
            timer_.expires_after(std::chrono::milliseconds(10));
            timer_.async_wait([self = shared_from_this()](boost::system::error_code error) {
                if (!error) {
                    self->read();
                }
            });
            return;
        }
        read();
    }

    void resetConnection() {
        // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        boost::system::error_code ignored;
        socket_.set_option(asio::socket_base::linger(true, 0), ignored);
        socket_.close(ignored);
    }

    void waitForClose() {
        socket_.async_wait(tcp::socket::wait_error,
                           [self = shared_from_this()](boost::system::error_code) {});
    }

    void onCommand(const std::string& command) {
        printer_.logCommand(command);
        if (printer_.state_ == PrinterState::Silent) {
            return;
        }
        if (command == "~HS") {
            reply(printer_.hostStatus());
        } else if (command == "~HQ" && printer_.extendedStatusSupported_) {
            // ~HQES: the two letters after ~HQ select the query; only ES is emulated.
            reply(printer_.extendedStatus());
        }
    }

    void reply(std::string answer) {
        auto text = std::make_shared<std::string>(std::move(answer));
        asio::async_write(
            socket_, asio::buffer(*text),
            [self = shared_from_this(), text](boost::system::error_code, std::size_t) {});
    }

    PrinterEmulator& printer_;
    tcp::socket socket_;
    asio::steady_timer timer_;
    ReadMode mode_;
    ZplStreamParser parser_;
    std::array<char, 4096> buffer_{};
    std::size_t total_ = 0;
};

PrinterEmulator::PrinterEmulator(asio::io_context& io, std::uint16_t port,
                                 std::filesystem::path outputFolder)
    : io_(io),
      acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)),
      outputFolder_(std::move(outputFolder)) {
    std::filesystem::create_directories(outputFolder_ / "labels");
    // A restarted emulator on the same folder numbers on after the labels already there, so
    // a test that restarts the printer keeps every label it received.
    for (const auto& entry : std::filesystem::directory_iterator(outputFolder_ / "labels")) {
        std::size_t number = 0;
        const std::string stem = entry.path().stem().string();
        const auto [end, error] = std::from_chars(stem.data(), stem.data() + stem.size(), number);
        if (error == std::errc() && end == stem.data() + stem.size() &&
            entry.path().extension() == ".zpl") {
            lastFileNumber_ = std::max(lastFileNumber_, number);
        }
    }
    commandLog_.open(outputFolder_ / "commands.log", std::ios::app);
    accept();
}

std::uint16_t PrinterEmulator::port() const {
    return acceptor_.local_endpoint().port();
}

void PrinterEmulator::accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
        if (!error) {
            std::make_shared<Session>(*this, std::move(socket))->start();
        }
        accept();
    });
}

void PrinterEmulator::storeLabel(const std::string& label) {
    // A printer that is not ready still buffers a format and prints it later; the emulator
    // stores it at once so tests see what arrived.
    ++labelsStored_;
    ++lastFileNumber_;
    const auto name = fmt::format("{:06d}.zpl", lastFileNumber_);
    const auto temp = outputFolder_ / "labels" / ("." + name + ".tmp");
    {
        std::ofstream file(temp, std::ios::binary);
        file << label;
    }
    std::filesystem::rename(temp, outputFolder_ / "labels" / name);

    if (labelsUntilPaperOut_ && --*labelsUntilPaperOut_ == 0) {
        labelsUntilPaperOut_.reset();
        state_ = PrinterState::PaperOut;
    }
}

void PrinterEmulator::logCommand(const std::string& command) {
    commandLog_ << command << '\n';
    commandLog_.flush();
}

std::string PrinterEmulator::hostStatus() const {
    const bool paperOut = state_ == PrinterState::PaperOut;
    const bool paused = state_ == PrinterState::Paused;
    const bool headOpen = state_ == PrinterState::HeadOpen;
    const bool ribbonOut = state_ == PrinterState::RibbonOut;
    return fmt::format(
        "\x02"
        "030,{:d},{:d},1218,000,0,0,0,000,0,0,0\x03\r\n"
        "\x02"
        "001,0,{:d},{:d},0,2,6,0,00000000,1,000\x03\r\n"
        "\x02"
        "1234,0\x03\r\n",
        paperOut, paused, headOpen, ribbonOut);
}

std::string PrinterEmulator::extendedStatus() const {
    unsigned errors = 0;
    if (state_ == PrinterState::PaperOut)
        errors |= 0x01;
    if (state_ == PrinterState::RibbonOut)
        errors |= 0x02;
    if (state_ == PrinterState::HeadOpen)
        errors |= 0x04;
    return fmt::format(
        "\x02\r\n  PRINTER STATUS\r\n    ERRORS:         {} 00000000 {:08X}\r\n"
        "    WARNINGS:       0 00000000 00000000\r\n\x03\r\n",
        errors != 0 ? 1 : 0, errors);
}

}  // namespace station::print::emulator
