#pragma once

#include <string>

#include "drivers/keyboard_layout.hpp"

namespace station::drivers {

// Turns the key events of a keyboard-wedge scanner into the bytes it meant to send, using the
// layout the scanner is set to, not the layout of the machine.
//
// - Printable keys give the layout's character, UTF-8 encoded; Enter and keypad Enter give CR,
//   Tab gives TAB, Escape gives ESC.
// - Ctrl with a key gives the ASCII control character of the key's character: Ctrl+] is GS
//   (0x1D), Ctrl+^ (or Ctrl+6) is RS (0x1E), Ctrl+D is EOT (0x04). When the scanner's layout puts
//   no such character on the key, the key's US character is used, as Windows does for Ctrl.
// - Alt held while keypad digits are typed gives the byte with that decimal value on Alt release:
//   Alt+0029 and Alt+29 are both GS.
// - A dead key followed by Space gives the accent character itself (FR ^ then Space is '^'). A
//   dead key followed by another character gives both characters: barcode content is ASCII, so
//   accented letters are never composed.
// - Caps Lock inverts Shift for letter keys. Key repeat events are ignored.
class WedgeDecoder {
public:
    explicit WedgeDecoder(const KeyboardLayout& layout);

    // Processes one EV_KEY event (value 1 press, 0 release, 2 repeat) and appends the bytes it
    // completes to out.
    void key(unsigned code, int value, std::string& out);

    // Forgets held modifiers, a pending dead key and a partial Alt code (device reopened).
    void reset();

    // Presses of keys that produce nothing in the layout, since construction or reset().
    unsigned unmappedKeys() const { return unmappedKeys_; }

    const KeyboardLayout& layout() const { return *layout_; }

private:
    void press(unsigned code, std::string& out);
    void release(unsigned code, std::string& out);
    bool controlKey(unsigned code, std::string& out);
    void character(unsigned code, std::string& out);
    void emitAltCode(std::string& out);
    void flushDeadKey(std::string& out);
    KeyLevel level(unsigned code) const;

    const KeyboardLayout* layout_;
    bool leftShift_ = false;
    bool rightShift_ = false;
    bool leftCtrl_ = false;
    bool rightCtrl_ = false;
    bool leftAlt_ = false;
    bool altGr_ = false;
    bool capsLock_ = false;
    char32_t deadKey_ = 0;
    std::string altDigits_;
    unsigned unmappedKeys_ = 0;
};

// Appends the UTF-8 encoding of a Unicode code point.
void appendUtf8(char32_t codePoint, std::string& out);

}  // namespace station::drivers
