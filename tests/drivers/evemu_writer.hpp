#pragma once

#include <linux/input.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "drivers/keyboard_layout.hpp"
#include "tests/drivers/umockdev_run.hpp"

namespace station::drivers::test_support {

// Builds the key events of a keyboard-wedge scanner, each followed by SYN_REPORT the way its
// evdev node delivers them, and saves them as an evemu .events file or as an umockdev script.
class EvemuWriter {
public:
    // Moves the clock forward (the gap before the next event).
    void pause(double seconds) { time_ += seconds; }

    void key(unsigned code, int value) {
        events_.push_back(Event{time_, EV_KEY, code, value});
        events_.push_back(Event{time_, EV_SYN, SYN_REPORT, 0});
        time_ += step_;
    }

    void tap(unsigned code, KeyLevel level = KeyLevel::Base) {
        const bool shift = level == KeyLevel::Shift || level == KeyLevel::AltGrShift;
        const bool altGr = level == KeyLevel::AltGr || level == KeyLevel::AltGrShift;
        if (altGr) {
            key(KEY_RIGHTALT, 1);
        }
        if (shift) {
            key(KEY_LEFTSHIFT, 1);
        }
        key(code, 1);
        key(code, 0);
        if (shift) {
            key(KEY_LEFTSHIFT, 0);
        }
        if (altGr) {
            key(KEY_RIGHTALT, 0);
        }
    }

    // Types ASCII text as a scanner set to the layout would, dead keys followed by Space.
    void type(const KeyboardLayout& layout, const std::string& text) {
        for (char c : text) {
            const Keystroke stroke = layout.keystrokeFor(static_cast<unsigned char>(c));
            tap(stroke.code, stroke.level);
            if (stroke.dead) {
                tap(KEY_SPACE);
            }
        }
    }

    // GS as Ctrl+] (the key at the US ']' position).
    void ctrlRightBracket() {
        key(KEY_LEFTCTRL, 1);
        tap(KEY_RIGHTBRACE);
        key(KEY_LEFTCTRL, 0);
    }

    // A character code typed with Alt held on the keypad, such as "0029" for GS.
    void altCode(const std::string& digits) {
        static constexpr unsigned kKeypad[] = {KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4,
                                               KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};
        key(KEY_LEFTALT, 1);
        for (char digit : digits) {
            tap(kKeypad[digit - '0']);
        }
        key(KEY_LEFTALT, 0);
    }

    // Saves an evemu .events file for umockdev-run -e, which replays each event at its time.
    void save(const std::string& path) const {
        std::ofstream out(path);
        for (const Event& event : events_) {
            char line[64];
            std::snprintf(line, sizeof line, "E: %.6f %04x %04x %d\n", event.time, event.type,
                          event.code, event.value);
            out << line;
        }
    }

    // Saves an umockdev script for umockdev-run -s that hands the reader eventsPerRead binary
    // input_event records per read operation, with no delay between them. It replays a long burst
    // within seconds, because umockdev replays an evemu file one event per write (about 0.12 ms
    // each). The event times are written into the records as they are.
    void saveScript(const std::string& path, std::size_t eventsPerRead) const {
        std::ofstream out(path, std::ios::binary);
        for (std::size_t first = 0; first < events_.size(); first += eventsPerRead) {
            const std::size_t end = std::min(events_.size(), first + eventsPerRead);
            std::string bytes;
            for (std::size_t i = first; i < end; ++i) {
                bytes += record(events_[i]);
            }
            out << "r 0 " << umockdevScriptData(bytes) << "\n";
        }
    }

    std::size_t eventCount() const { return events_.size(); }

    // Time between two events; zero replays as fast as the reader takes them.
    void setStep(double seconds) { step_ = seconds; }

private:
    struct Event {
        double time;
        unsigned type;
        unsigned code;
        int value;
    };

    static std::string record(const Event& event) {
        input_event raw{};
        const auto micros = static_cast<long long>(event.time * 1e6 + 0.5);
        raw.input_event_sec = static_cast<decltype(raw.input_event_sec)>(micros / 1000000);
        raw.input_event_usec = static_cast<decltype(raw.input_event_usec)>(micros % 1000000);
        raw.type = static_cast<__u16>(event.type);
        raw.code = static_cast<__u16>(event.code);
        raw.value = event.value;
        return std::string(reinterpret_cast<const char*>(&raw), sizeof raw);
    }

    std::vector<Event> events_;
    double time_ = 0.0;
    double step_ = 0.0;
};

}  // namespace station::drivers::test_support
