// zpl-printer-emulator: a ZPL label printer on a loopback TCP port, for tests and demos.
// See docs/labels.md for the options and the control commands read from standard input.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/streambuf.hpp>
#include <charconv>
#include <iostream>
#include <memory>
#include <sstream>

#include "print/emulator/printer_emulator.hpp"

namespace asio = boost::asio;
using station::print::emulator::PrinterEmulator;

namespace {

// Reads control lines from standard input: "state NAME", "mode NAME [BYTES]", "paper LABELS",
// "count", "quit".
class ControlInput {
public:
    ControlInput(asio::io_context& io, PrinterEmulator& printer)
        : io_(io), printer_(printer), input_(io, ::dup(STDIN_FILENO)) {}

    void start() {
        asio::async_read_until(input_, buffer_, '\n',
                               [this](boost::system::error_code error, std::size_t) {
                                   if (error) {
                                       // Standard input closed: keep serving until a signal.
                                       return;
                                   }
                                   std::istream stream(&buffer_);
                                   std::string line;
                                   std::getline(stream, line);
                                   handle(line);
                                   start();
                               });
    }

private:
    void handle(const std::string& line) {
        std::istringstream words(line);
        std::string verb;
        std::string name;
        std::size_t bytes = 64;
        words >> verb >> name >> bytes;

        if (verb == "state") {
            if (const auto state = station::print::emulator::parsePrinterState(name)) {
                printer_.setState(*state);
                reply("ok state " + name);
                return;
            }
            reply("error: unknown state '" + name +
                  "'; use ready, paper-out, head-open, paused, ribbon-out or silent");
        } else if (verb == "mode") {
            if (const auto mode = station::print::emulator::parseReadMode(name)) {
                printer_.setReadMode(*mode, bytes);
                reply("ok mode " + name);
                return;
            }
            reply("error: unknown mode '" + name + "'; use normal, stall, reset or slow");
        } else if (verb == "paper") {
            std::size_t labels = 0;
            const auto [end, error] =
                std::from_chars(name.data(), name.data() + name.size(), labels);
            if (error != std::errc() || end != name.data() + name.size() || labels == 0) {
                reply("error: invalid label count '" + name + "'; use paper N with N >= 1");
                return;
            }
            printer_.setLabelsUntilPaperOut(labels);
            reply("ok paper " + name);
        } else if (verb == "count") {
            reply("ok count " + std::to_string(printer_.labelsStored()));
        } else if (verb == "quit") {
            reply("ok quit");
            io_.stop();
        } else if (!verb.empty()) {
            reply("error: unknown command '" + verb + "'; use state, mode, paper, count or quit");
        }
    }

    static void reply(const std::string& text) { std::cout << text << std::endl; }

    asio::io_context& io_;
    PrinterEmulator& printer_;
    asio::posix::stream_descriptor input_;
    asio::streambuf buffer_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ZPL label printer emulator on 127.0.0.1, for tests and demos"};
    std::string output;
    std::uint16_t port = 0;
    std::string state = "ready";
    std::string mode = "normal";
    std::size_t resetAfter = 64;
    bool noExtendedStatus = false;
    app.add_option("-o,--output", output, "Folder for received labels and commands.log")
        ->required();
    app.add_option("-p,--port", port, "TCP port on 127.0.0.1; 0 picks a free one");
    app.add_option("--state", state,
                   "Initial state: ready, paper-out, head-open, paused, ribbon-out, silent");
    app.add_option("--mode", mode, "Initial read mode: normal, stall, reset, slow");
    app.add_option("--reset-after", resetAfter, "Bytes read before a reset in mode reset");
    app.add_flag("--no-hqes", noExtendedStatus,
                 "Ignore ~HQES and answer only ~HS, as firmware without ~HQES does");
    CLI11_PARSE(app, argc, argv);

    const auto initialState = station::print::emulator::parsePrinterState(state);
    const auto initialMode = station::print::emulator::parseReadMode(mode);
    if (!initialState || !initialMode) {
        std::cerr << "zpl-printer-emulator: invalid --state or --mode; see --help\n";
        return 2;
    }

    try {
        asio::io_context io;
        PrinterEmulator printer(io, port, output);
        printer.setState(*initialState);
        printer.setReadMode(*initialMode, resetAfter);
        printer.setExtendedStatusSupported(!noExtendedStatus);

        // The first line of standard output is the port, for scripts and tests to read.
        std::cout << printer.port() << std::endl;

        // Standard input may be a file or /dev/null, which epoll cannot watch; the emulator then
        // runs without control commands.
        std::unique_ptr<ControlInput> control;
        try {
            control = std::make_unique<ControlInput>(io, printer);
            control->start();
        } catch (const boost::system::system_error& error) {
            std::cerr << "zpl-printer-emulator: control commands disabled: " << error.what()
                      << '\n';
        }
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&io](boost::system::error_code, int) { io.stop(); });
        io.run();
    } catch (const std::exception& error) {
        std::cerr << "zpl-printer-emulator: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
