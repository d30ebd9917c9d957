#pragma once

#include <gtest/gtest.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "station/store/store.hpp"
#include "tests/station/child_process.hpp"
#include "tests/station/test_directory.hpp"

namespace station::testing {

inline const std::filesystem::path kBinaryDir = STATION_BINARY_DIR;

inline std::string readFile(const std::filesystem::path& file) {
    std::ifstream stream(file, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

// The real stationd with a pty as its serial scanner ("pty-scanner"), the ZPL printer emulator
// on a loopback port, and the local API on a free loopback port. Tests type scans into the pty
// and read the store, the API and the labels the emulator received.
class DaemonFixture : public ::testing::Test {
protected:
    void SetUp() override {
        std::filesystem::create_directories(directory_ / "printer");
        std::filesystem::create_directories(directory_ / "state" / "orders");
        ASSERT_EQ(::openpty(&master_, &slave_, nullptr, nullptr, nullptr), 0);
        termios settings{};
        ::tcgetattr(slave_, &settings);
        ::cfmakeraw(&settings);
        ::tcsetattr(slave_, TCSANOW, &settings);
        device_ = ::ttyname(slave_);
    }

    void TearDown() override {
        daemon_.reset();
        emulator_.reset();
        ::close(master_);
        ::close(slave_);
    }

    void startEmulator() {
        emulator_ = std::make_unique<ChildProcess>(
            kBinaryDir / "print" / "zpl-printer-emulator",
            std::vector<std::string>{"--port", "0", "--output", (directory_ / "printer").string()},
            directory_ / "emulator.log");
        printerPort_ = std::stoi(emulator_->readLine());
    }

    void startDaemon(int printerPort, const std::string& extra = "") {
        std::ofstream(directory_ / "station.toml") << R"([station]
id = "e2e"
operator = "tester"
state_dir = "state"
log_level = "debug"

[orders]
number_pattern = "SO-[^ ]+"

[api]
port = 0

[printer]
kind = "tcp"
host = "127.0.0.1"
port = )" << printerPort << R"(
connect_timeout_ms = 500
write_timeout_ms = 1000

[[scanner]]
name = "pty-scanner"
kind = "serial"
device = ")" << device_ << R"("
suffix = "cr"
max_length = 128
)" << extra;
        daemon_ = std::make_unique<ChildProcess>(
            kBinaryDir / "station" / "stationd",
            std::vector<std::string>{"--config", (directory_ / "station.toml").string()},
            directory_ / "stationd.log");
        ASSERT_TRUE(waitUntil(
            [&] { return std::filesystem::exists(directory_ / "state" / "station.db"); },
            std::chrono::seconds(10)))
            << readFile(directory_ / "stationd.log");
        // The serial port opens asynchronously; give it a moment before typing.
        ASSERT_TRUE(waitUntil(
            [&] {
                return readFile(directory_ / "stationd.log").find("pty-scanner") !=
                       std::string::npos;
            },
            std::chrono::seconds(10)));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }

    // The port of the daemon's API, read from its log line "API listening on ...".
    unsigned short apiPort() {
        std::smatch match;
        std::string log;
        static const std::regex kListening(R"(API listening on http://127\.0\.0\.1:(\d+)/)");
        const bool found = waitUntil(
            [&] {
                log = readFile(directory_ / "stationd.log");
                return std::regex_search(log, match, kListening);
            },
            std::chrono::seconds(10));
        if (!found) {
            ADD_FAILURE() << "stationd did not log its API address:\n" << log;
            return 0;
        }
        return static_cast<unsigned short>(std::stoi(match[1].str()));
    }

    void type(const std::string& bytes) {
        ASSERT_EQ(::write(master_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }

    int count(const std::string& sql) {
        store::Store store(directory_ / "state" / "station.db", store::Store::Access::ReadOnly);
        store::Statement statement = store.database().prepare(sql);
        statement.step();
        return static_cast<int>(statement.integer(0));
    }

    bool waitForCount(const std::string& sql, int expected) {
        return waitUntil([&] { return count(sql) >= expected; }, std::chrono::seconds(15));
    }

    std::vector<std::filesystem::path> receivedLabels() {
        std::vector<std::filesystem::path> labels;
        std::error_code error;
        for (const auto& entry :
             std::filesystem::directory_iterator(directory_ / "printer" / "labels", error)) {
            if (entry.path().extension() == ".zpl") {
                labels.push_back(entry.path());
            }
        }
        std::sort(labels.begin(), labels.end());
        return labels;
    }

    TestDirectory directory_;
    int master_ = -1;
    int slave_ = -1;
    std::string device_;
    int printerPort_ = 0;
    std::unique_ptr<ChildProcess> emulator_;
    std::unique_ptr<ChildProcess> daemon_;
};

}  // namespace station::testing
