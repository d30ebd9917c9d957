// Benchmarks of the scanner drivers: keyboard-wedge decoding throughput against a bare key code
// lookup, and the delay from a scan's last byte or key event to the scan reaching the sink.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <pty.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "drivers/keyboard_layout.hpp"
#include "drivers/scan_framer.hpp"
#include "drivers/serial_scanner.hpp"
#include "drivers/source_reporter.hpp"
#include "drivers/wedge_decoder.hpp"

namespace {

using namespace station;
using namespace station::drivers;

struct KeyEvent {
    unsigned code;
    int value;
};

// The key events of one GS1 scan typed by a German-layout wedge: 01 GTIN, 21 serial, GS as
// Ctrl+], 17 expiry, 10 lot, Enter: 43 key strokes, 108 events.
std::vector<KeyEvent> germanScanEvents() {
    const KeyboardLayout& de = *KeyboardLayout::find("de");
    std::vector<KeyEvent> events;
    const auto type = [&](const std::string& text) {
        for (char c : text) {
            const Keystroke stroke = de.keystrokeFor(static_cast<char32_t>(c));
            const bool shift = stroke.level == KeyLevel::Shift;
            if (shift) {
                events.push_back({KEY_LEFTSHIFT, 1});
            }
            events.push_back({stroke.code, 1});
            events.push_back({stroke.code, 0});
            if (shift) {
                events.push_back({KEY_LEFTSHIFT, 0});
            }
        }
    };
    type("010950600013435221SN-AB12/XY");
    events.push_back({KEY_LEFTCTRL, 1});
    events.push_back({KEY_RIGHTBRACE, 1});
    events.push_back({KEY_RIGHTBRACE, 0});
    events.push_back({KEY_LEFTCTRL, 0});
    type("1726123110LOT");
    events.push_back({KEY_ENTER, 1});
    events.push_back({KEY_ENTER, 0});
    return events;
}

// Decoder and framer, as EvdevScanner runs them for each key event.
void BM_WedgeDecodeAndFrame(benchmark::State& state) {
    const std::vector<KeyEvent> events = germanScanEvents();
    WedgeDecoder decoder(*KeyboardLayout::find("de"));
    ScanFramer framer(FramerOptions{config::Suffix::Cr, 4096, {}, false});
    std::string bytes;
    std::size_t scans = 0;
    for (auto _ : state) {
        for (const KeyEvent& event : events) {
            bytes.clear();
            decoder.key(event.code, event.value, bytes);
            if (!bytes.empty()) {
                scans += framer.feed(bytes).size();
            }
        }
    }
    benchmark::DoNotOptimize(scans);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events.size()));
    state.counters["scans/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WedgeDecodeAndFrame);

// Baseline: a bare table from key code to character for presses, with no modifiers, layouts,
// dead keys or framing, which is what a naive wedge reader does and gets wrong.
void BM_BareKeyCodeLookup(benchmark::State& state) {
    const std::vector<KeyEvent> events = germanScanEvents();
    std::array<char, 128> table{};
    for (unsigned code = 0; code < table.size(); ++code) {
        table[code] = static_cast<char>('!' + code % 90);
    }
    std::string out;
    for (auto _ : state) {
        out.clear();
        for (const KeyEvent& event : events) {
            if (event.value == 1 && event.code < table.size()) {
                out.push_back(table[event.code]);
            }
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events.size()));
}
BENCHMARK(BM_BareKeyCodeLookup);

// Delay from the Enter key event of a wedge scan to the scan reaching the sink, in process.
void BM_WedgeLastKeyToSink(benchmark::State& state) {
    const std::vector<KeyEvent> events = germanScanEvents();
    WedgeDecoder decoder(*KeyboardLayout::find("de"));
    ScanFramer framer(FramerOptions{config::Suffix::Cr, 4096, {}, false});
    std::chrono::steady_clock::time_point received;
    SourceReporter reporter("bench", "bench",
                            ScanSink{[&](Scan) { received = std::chrono::steady_clock::now(); },
                                     {}});
    std::string bytes;
    for (auto _ : state) {
        state.PauseTiming();
        for (std::size_t i = 0; i + 2 < events.size(); ++i) {
            bytes.clear();
            decoder.key(events[i].code, events[i].value, bytes);
            framer.feed(bytes);
        }
        state.ResumeTiming();
        bytes.clear();
        decoder.key(KEY_ENTER, 1, bytes);
        reporter.frames(framer.feed(bytes));
        decoder.key(KEY_ENTER, 0, bytes);
    }
    benchmark::DoNotOptimize(received);
}
BENCHMARK(BM_WedgeLastKeyToSink);

// Delay from writing a scan's suffix to a serial scanner's pty to the scan reaching the sink,
// through the kernel's tty layer and the Asio event loop. Reports p50 and p99 in microseconds.
void BM_SerialSuffixToSink(benchmark::State& state) {
    int master = -1;
    int slave = -1;
    char name[256] = {};
    if (::openpty(&master, &slave, name, nullptr, nullptr) != 0) {
        state.SkipWithError("openpty failed");
        return;
    }
    ::close(slave);

    boost::asio::io_context io;
    std::size_t received = 0;
    config::ScannerConfig config;
    config.name = "bench";
    config.kind = config::ScannerKind::Serial;
    config.device = name;
    auto scanner = std::make_shared<SerialScanner>(
        io, config, ScanSink{[&](Scan) { ++received; }, {}});
    scanner->start();
    io.run_for(std::chrono::milliseconds(50));

    std::vector<double> micros;
    const std::string body = "010950600013435221SN-AB12\x1D" "17261231";
    for (auto _ : state) {
        state.PauseTiming();
        [[maybe_unused]] auto written = ::write(master, body.data(), body.size());
        io.run_for(std::chrono::milliseconds(1));
        const std::size_t before = received;
        state.ResumeTiming();

        const auto start = std::chrono::steady_clock::now();
        written = ::write(master, "\r", 1);
        while (received == before) {
            io.run_one_for(std::chrono::milliseconds(100));
        }
        micros.push_back(std::chrono::duration<double, std::micro>(
                             std::chrono::steady_clock::now() - start)
                             .count());
    }
    scanner->stop();
    io.run_for(std::chrono::milliseconds(10));
    ::close(master);

    std::sort(micros.begin(), micros.end());
    if (!micros.empty()) {
        state.counters["p50_us"] = micros[micros.size() / 2];
        state.counters["p99_us"] = micros[micros.size() * 99 / 100];
    }
}
BENCHMARK(BM_SerialSuffixToSink)->Iterations(2000);

}  // namespace

BENCHMARK_MAIN();
