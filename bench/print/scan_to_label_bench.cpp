// Scan-to-label latency through the real stationd: a pty serial scanner opens an order, scans
// one unit and then CLOSE, and the clock runs from writing CLOSE to the ZPL printer emulator
// storing the carton label. In the same run, interleaved round by round, the same ZPL is sent
// straight to the emulator over TCP; that raw path is the baseline of the ratio.
//
// Both paths end at the same event: the emulator renaming the label file into labels/, seen
// through inotify. Usage: scan_to_label_bench [--rounds N] [--query-status]

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/station/child_process.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;
using station::testing::ChildProcess;

const std::filesystem::path kBinaryDir = STATION_BINARY_DIR;
constexpr int kTimeoutMs = 10000;

std::string readFile(const std::filesystem::path& file) {
    std::ifstream stream(file, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

// A pty whose slave side is the daemon's serial scanner.
class Pty {
public:
    Pty() {
        if (::openpty(&master_, &slave_, nullptr, nullptr, nullptr) != 0) {
            throw std::runtime_error("Failed to open a pty for the scanner");
        }
        termios settings{};
        ::tcgetattr(slave_, &settings);
        ::cfmakeraw(&settings);
        ::tcsetattr(slave_, TCSANOW, &settings);
        device_ = ::ttyname(slave_);
    }
    ~Pty() {
        ::close(master_);
        ::close(slave_);
    }

    const std::string& device() const { return device_; }

    void type(const std::string& bytes) {
        if (::write(master_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
            throw std::runtime_error("Failed to write a scan to the pty");
        }
    }

private:
    int master_ = -1;
    int slave_ = -1;
    std::string device_;
};

// Reports each label file the emulator renames into its labels/ folder.
class LabelWatch {
public:
    explicit LabelWatch(const std::filesystem::path& folder)
        : fd_(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) {
        if (fd_ < 0 || ::inotify_add_watch(fd_, folder.c_str(), IN_MOVED_TO) < 0) {
            throw std::runtime_error("Failed to watch " + folder.string() + " with inotify");
        }
    }
    ~LabelWatch() { ::close(fd_); }

    // Waits for the next stored label and returns when it was seen.
    Clock::time_point next() {
        pollfd entry{fd_, POLLIN, 0};
        if (::poll(&entry, 1, kTimeoutMs) != 1) {
            throw std::runtime_error("No label arrived at the emulator within 10 s");
        }
        const Clock::time_point seen = Clock::now();
        alignas(inotify_event) char buffer[4096];
        if (::read(fd_, buffer, sizeof buffer) <= 0) {
            throw std::runtime_error("Failed to read inotify events");
        }
        return seen;
    }

private:
    int fd_;
};

// Reads "decision" events from the daemon's WebSocket API.
class Decisions {
public:
    explicit Decisions(unsigned short port) : socket_(io_) {
        beast::get_lowest_layer(socket_).connect({asio::ip::make_address("127.0.0.1"), port});
        const timeval timeout{kTimeoutMs / 1000, 0};
        ::setsockopt(beast::get_lowest_layer(socket_).socket().native_handle(), SOL_SOCKET,
                     SO_RCVTIMEO, &timeout, sizeof timeout);
        socket_.handshake("127.0.0.1:" + std::to_string(port), "/api/v1/events");
    }

    // Skips events until a decision with `outcome`.
    void waitFor(const std::string& outcome) {
        while (true) {
            beast::flat_buffer buffer;
            socket_.read(buffer);
            const auto event = nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
            if (event["type"] != "decision") {
                continue;
            }
            if (event["data"]["outcome"] == outcome) {
                return;
            }
            if (event["data"]["good"] == false) {
                throw std::runtime_error("The daemon rejected a scan: " + event.dump());
            }
        }
    }

private:
    asio::io_context io_;
    beast::websocket::stream<beast::tcp_stream> socket_;
};

// Sends one label over raw TCP the way a printer transport does: write, close the sending
// side, read until the printer closes.
void sendRaw(unsigned short port, const std::string& zpl) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(socket, asio::buffer(zpl));
    socket.shutdown(asio::ip::tcp::socket::shutdown_send);
    std::array<char, 256> sink{};
    boost::system::error_code error;
    while (!error) {
        socket.read_some(asio::buffer(sink), error);
    }
}

std::string unitScan(int round) {
    return "0109506000134352172812311023A17\x1D"
           "21BENCH" +
           std::to_string(round) + "\r";
}

unsigned short apiPort(const std::filesystem::path& log) {
    static const std::regex kListening(R"(API listening on http://127\.0\.0\.1:(\d+)/)");
    std::smatch match;
    std::string text;
    const bool found = station::testing::waitUntil(
        [&] {
            text = readFile(log);
            return std::regex_search(text, match, kListening) &&
                   text.find("pty-scanner") != std::string::npos;
        },
        std::chrono::milliseconds(kTimeoutMs));
    if (!found) {
        throw std::runtime_error("stationd did not start its API and scanner:\n" + text);
    }
    return static_cast<unsigned short>(std::stoi(match[1].str()));
}

struct Summary {
    double p50;
    double p99;
    double mean;
    double max;
};

Summary summarize(std::vector<double> millis) {
    std::sort(millis.begin(), millis.end());
    const std::size_t n = millis.size();
    double total = 0;
    for (double value : millis) {
        total += value;
    }
    const std::size_t p99 = std::max<std::size_t>(1, (n * 99 + 99) / 100) - 1;
    return {millis[n / 2], millis[p99], total / static_cast<double>(n), millis.back()};
}

double millisSince(Clock::time_point start, Clock::time_point end) {
    return std::chrono::duration<double, std::milli>(end - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Scan-to-label latency through stationd to the ZPL printer emulator"};
    int rounds = 200;
    bool queryStatus = false;
    app.add_option("--rounds", rounds, "Orders packed and labels measured on each path")
        ->check(CLI::Range(2, 100000));
    app.add_flag("--query-status", queryStatus,
                 "Run stationd with [printer] query_status = true (status before and after jobs)");
    CLI11_PARSE(app, argc, argv);

    char pattern[] = "/tmp/scan-to-label-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
        std::perror("mkdtemp");
        return 1;
    }
    const std::filesystem::path folder = pattern;

    try {
        std::filesystem::create_directories(folder / "printer" / "labels");
        ChildProcess emulator(kBinaryDir / "print" / "zpl-printer-emulator",
                              {"--port", "0", "--output", (folder / "printer").string()},
                              folder / "emulator.log");
        const auto printerPort = static_cast<unsigned short>(std::stoi(emulator.readLine()));

        Pty scanner;
        std::ofstream(folder / "station.toml")
            << "[station]\nid = \"bench\"\nstate_dir = \"state\"\nlog_level = \"info\"\n"
            << "[orders]\nnumber_pattern = \"SO-[^ ]+\"\n[api]\nport = 0\n"
            << "[printer]\nkind = \"tcp\"\nhost = \"127.0.0.1\"\nport = " << printerPort
            << "\nquery_status = " << (queryStatus ? "true" : "false") << "\n"
            << "[[scanner]]\nname = \"pty-scanner\"\nkind = \"serial\"\ndevice = \""
            << scanner.device() << "\"\nsuffix = \"cr\"\n";

        ChildProcess daemon(kBinaryDir / "station" / "stationd",
                            {"--config", (folder / "station.toml").string()},
                            folder / "stationd.log");
        Decisions decisions(apiPort(folder / "stationd.log"));
        LabelWatch labels(folder / "printer" / "labels");

        std::vector<double> daemonMillis;
        std::vector<double> rawMillis;
        std::string zpl;
        for (int round = 0; round < rounds; ++round) {
            scanner.type("SO-BENCH" + std::to_string(round) + "\r");
            decisions.waitFor("order_opened");
            scanner.type(unitScan(round));
            decisions.waitFor("accepted");

            const Clock::time_point closed = Clock::now();
            scanner.type("CLOSE\r");
            daemonMillis.push_back(millisSince(closed, labels.next()));

            if (zpl.empty()) {
                zpl = readFile(folder / "printer" / "labels" / "000001.zpl");
            }
            const Clock::time_point sent = Clock::now();
            sendRaw(printerPort, zpl);
            rawMillis.push_back(millisSince(sent, labels.next()));
        }
        daemon.stop(SIGTERM);

        const Summary viaDaemon = summarize(daemonMillis);
        const Summary raw = summarize(rawMillis);
        std::printf("rounds %d, query_status %s, label %zu bytes\n", rounds,
                    queryStatus ? "true" : "false", zpl.size());
        std::printf("%-28s %9s %9s %9s %9s\n", "path", "p50 ms", "p99 ms", "mean ms", "max ms");
        std::printf("%-28s %9.2f %9.2f %9.2f %9.2f\n", "CLOSE scan -> label (daemon)",
                    viaDaemon.p50, viaDaemon.p99, viaDaemon.mean, viaDaemon.max);
        std::printf("%-28s %9.2f %9.2f %9.2f %9.2f\n", "same ZPL over TCP (raw)", raw.p50, raw.p99,
                    raw.mean, raw.max);
        std::printf("ratio daemon/raw: p50 %.1f, p99 %.1f\n", viaDaemon.p50 / raw.p50,
                    viaDaemon.p99 / raw.p99);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "scan_to_label_bench: %s (files kept in %s)\n", error.what(),
                     folder.c_str());
        return 1;
    }
    std::filesystem::remove_all(folder);
    return 0;
}
