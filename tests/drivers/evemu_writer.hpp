#pragma once

#include <linux/input-event-codes.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "drivers/keyboard_layout.hpp"

namespace station::drivers::test_support {

// Builds an evemu .events file: key events with their times, each followed by SYN_REPORT, the
// way a keyboard-wedge scanner's evdev node delivers them.
class EvemuWriter {
public:
    // Moves the clock forward (the gap before the next event).
    void pause(double seconds) { time_ += seconds; }

    void key(unsigned code, int value) {
        char line[96];
        std::snprintf(line, sizeof line, "E: %.6f 0001 %04x %d\nE: %.6f 0000 0000 0\n", time_, code,
                      value, time_);
        text_ += line;
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

    void save(const std::string& path) const { std::ofstream(path) << text_; }

    // Time between two events; zero replays as fast as the reader takes them.
    void setStep(double seconds) { step_ = seconds; }

private:
    std::string text_;
    double time_ = 0.0;
    double step_ = 0.0;
};

}  // namespace station::drivers::test_support
