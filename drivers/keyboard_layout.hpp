#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace station::drivers {

// Which modifier level of a key produces a character: the key alone, with Shift, with AltGr
// (right Alt), or with AltGr and Shift.
enum class KeyLevel { Base = 0, Shift = 1, AltGr = 2, AltGrShift = 3 };

// A key and level that produce a character in a layout.
struct Keystroke {
    unsigned code = 0;  // Linux input event code, KEY_* from <linux/input-event-codes.h>
    KeyLevel level = KeyLevel::Base;
    bool dead = false;  // a dead key: the character appears only with the next key
};

// The characters of the alphanumeric block of one national PC keyboard layout, as the scanner
// emulates it, independent of the layout the machine itself uses. Covers the four character rows
// (number row, three letter rows, and the ISO key left of Z); Space, Enter, Tab and the keypad are
// the same in every layout and handled by the decoder.
//
// The tables are written from the Windows layouts of the same names, which scanners emulate when
// set to that country: "us", "uk", "de", "fr", "be", "es", "it", and for the Nordic countries "se" (also "fi"
// and "nordic"), "no" and "dk".
class KeyboardLayout {
public:
    // Returns the layout with that name, or nullptr when there is none.
    static const KeyboardLayout* find(std::string_view name);

    // Names find() accepts, for messages.
    static std::vector<std::string> names();

    // Returns the character the key produces at that level, or 0 when it produces none.
    char32_t character(unsigned code, KeyLevel level) const;

    // Returns true when the key is a dead key at that level (it modifies the next character).
    bool isDead(unsigned code, KeyLevel level) const;

    // Returns the first keystroke that produces the character, or a keystroke with code 0.
    Keystroke keystrokeFor(char32_t character) const;

    const std::string& name() const { return name_; }

    // Row strings: one character per key, ' ' where the key produces nothing at that level.
    struct Rows {
        std::array<std::u32string_view, 4> number;  // `, 1..0, -, = on a US keyboard (13 keys)
        std::array<std::u32string_view, 4> top;     // Q..P, [, ] (12 keys)
        std::array<std::u32string_view, 4> home;  // A..L, ;, ', \ (12 keys, ISO: key left of Enter)
        std::array<std::u32string_view, 4>
            bottom;  // ISO key left of Z, Z..M, ",", ".", / (11 keys)
        std::vector<Keystroke> deadKeys;
    };

    KeyboardLayout(std::string name, const Rows& rows);

private:
    std::string name_;
    // Indexed by key code (below 128) and level.
    std::array<std::array<char32_t, 4>, 128> characters_{};
    std::array<std::array<bool, 4>, 128> dead_{};
};

}  // namespace station::drivers
