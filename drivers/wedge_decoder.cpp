#include "drivers/wedge_decoder.hpp"

#include <linux/input-event-codes.h>

namespace station::drivers {

namespace {

// Returns the keypad digit of the key, or -1.
int keypadDigit(unsigned code) {
    switch (code) {
        case KEY_KP0:
            return 0;
        case KEY_KP1:
            return 1;
        case KEY_KP2:
            return 2;
        case KEY_KP3:
            return 3;
        case KEY_KP4:
            return 4;
        case KEY_KP5:
            return 5;
        case KEY_KP6:
            return 6;
        case KEY_KP7:
            return 7;
        case KEY_KP8:
            return 8;
        case KEY_KP9:
            return 9;
        default:
            return -1;
    }
}

// Characters of the keypad's other keys, with Num Lock on as scanners expect it.
char keypadCharacter(unsigned code) {
    switch (code) {
        case KEY_KPDOT:
            return '.';
        case KEY_KPSLASH:
            return '/';
        case KEY_KPASTERISK:
            return '*';
        case KEY_KPMINUS:
            return '-';
        case KEY_KPPLUS:
            return '+';
        default:
            return 0;
    }
}

// Returns the ASCII control character that Ctrl with this character types, or -1.
int controlOf(char32_t c) {
    if (c >= U'a' && c <= U'z') {
        return static_cast<int>(c - U'a' + 1);
    }
    if (c >= U'@' && c <= U'_') {
        // @ A..Z [ \ ] ^ _ map to 0x00..0x1F.
        return static_cast<int>(c - U'@');
    }
    if (c == U'2') {
        return 0x00;
    }
    if (c == U'6') {
        return 0x1E;
    }
    return -1;
}

bool isLetterPair(char32_t base, char32_t shifted) {
    if (base >= U'a' && base <= U'z') {
        return shifted == base - 0x20;
    }
    // Latin-1 letters such as ä/Ä, ø/Ø, ñ/Ñ are 0x20 apart as well.
    return base >= 0xE0 && base <= 0xFE && base != 0xF7 && shifted == base - 0x20;
}

}  // namespace

void appendUtf8(char32_t codePoint, std::string& out) {
    const auto c = static_cast<std::uint32_t>(codePoint);
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

WedgeDecoder::WedgeDecoder(const KeyboardLayout& layout) : layout_(&layout) {}

void WedgeDecoder::reset() {
    leftShift_ = rightShift_ = leftCtrl_ = rightCtrl_ = leftAlt_ = altGr_ = false;
    capsLock_ = false;
    deadKey_ = 0;
    altDigits_.clear();
    unmappedKeys_ = 0;
}

void WedgeDecoder::key(unsigned code, int value, std::string& out) {
    if (value == 1) {
        press(code, out);
    } else if (value == 0) {
        release(code, out);
    }
}

void WedgeDecoder::release(unsigned code, std::string& out) {
    switch (code) {
        case KEY_LEFTSHIFT:
            leftShift_ = false;
            break;
        case KEY_RIGHTSHIFT:
            rightShift_ = false;
            break;
        case KEY_LEFTCTRL:
            leftCtrl_ = false;
            break;
        case KEY_RIGHTCTRL:
            rightCtrl_ = false;
            break;
        case KEY_RIGHTALT:
            altGr_ = false;
            break;
        case KEY_LEFTALT:
            leftAlt_ = false;
            emitAltCode(out);
            break;
        default:
            break;
    }
}

void WedgeDecoder::press(unsigned code, std::string& out) {
    switch (code) {
        case KEY_LEFTSHIFT:
            leftShift_ = true;
            return;
        case KEY_RIGHTSHIFT:
            rightShift_ = true;
            return;
        case KEY_LEFTCTRL:
            leftCtrl_ = true;
            return;
        case KEY_RIGHTCTRL:
            rightCtrl_ = true;
            return;
        case KEY_LEFTALT:
            leftAlt_ = true;
            altDigits_.clear();
            return;
        case KEY_RIGHTALT:
            altGr_ = true;
            return;
        case KEY_CAPSLOCK:
            capsLock_ = !capsLock_;
            return;
        case KEY_NUMLOCK:
            return;
        default:
            break;
    }

    const bool ctrl = leftCtrl_ || rightCtrl_;
    if (leftAlt_ && !ctrl) {
        // Alt with keypad digits types a character code. Alt with anything else is a menu
        // shortcut, never scan data.
        const int digit = keypadDigit(code);
        if (digit >= 0) {
            altDigits_.push_back(static_cast<char>('0' + digit));
        }
        return;
    }
    if (controlKey(code, out)) {
        return;
    }
    character(code, out);
}

bool WedgeDecoder::controlKey(unsigned code, std::string& out) {
    char byte = 0;
    switch (code) {
        case KEY_ENTER:
        case KEY_KPENTER:
            byte = '\r';
            break;
        case KEY_TAB:
            byte = '\t';
            break;
        case KEY_ESC:
            byte = 0x1B;
            break;
        case KEY_BACKSPACE:
            byte = 0x08;
            break;
        default:
            break;
    }
    if (byte != 0) {
        flushDeadKey(out);
        out.push_back(byte);
        return true;
    }

    // Ctrl+Alt is AltGr on Windows layouts, so only Ctrl without Alt types control characters.
    const bool ctrl = (leftCtrl_ || rightCtrl_) && !leftAlt_ && !altGr_;
    if (!ctrl) {
        return false;
    }
    const bool shift = leftShift_ || rightShift_;
    const KeyLevel ctrlLevel = shift ? KeyLevel::Shift : KeyLevel::Base;
    int control = controlOf(layout_->character(code, ctrlLevel));
    if (control < 0) {
        control = controlOf(KeyboardLayout::find("us")->character(code, ctrlLevel));
    }
    if (control < 0) {
        ++unmappedKeys_;
        return true;
    }
    flushDeadKey(out);
    out.push_back(static_cast<char>(control));
    return true;
}

KeyLevel WedgeDecoder::level(unsigned code) const {
    bool shift = leftShift_ || rightShift_;
    const bool altGr = altGr_ || ((leftCtrl_ || rightCtrl_) && leftAlt_);
    if (capsLock_ && !altGr &&
        isLetterPair(layout_->character(code, KeyLevel::Base),
                     layout_->character(code, KeyLevel::Shift))) {
        shift = !shift;
    }
    if (altGr) {
        return shift ? KeyLevel::AltGrShift : KeyLevel::AltGr;
    }
    return shift ? KeyLevel::Shift : KeyLevel::Base;
}

void WedgeDecoder::character(unsigned code, std::string& out) {
    if (code == KEY_SPACE) {
        // Space after a dead key types the accent alone.
        if (deadKey_ != 0) {
            flushDeadKey(out);
        } else {
            out.push_back(' ');
        }
        return;
    }

    char32_t c = keypadCharacter(code);
    const int digit = keypadDigit(code);
    if (digit >= 0) {
        c = static_cast<char32_t>(U'0' + digit);
    }
    const KeyLevel keyLevel = level(code);
    if (c == 0) {
        c = layout_->character(code, keyLevel);
    }
    if (c == 0) {
        ++unmappedKeys_;
        return;
    }

    flushDeadKey(out);
    if (layout_->isDead(code, keyLevel)) {
        deadKey_ = c;
        return;
    }
    appendUtf8(c, out);
}

void WedgeDecoder::flushDeadKey(std::string& out) {
    if (deadKey_ != 0) {
        appendUtf8(deadKey_, out);
        deadKey_ = 0;
    }
}

void WedgeDecoder::emitAltCode(std::string& out) {
    if (altDigits_.empty()) {
        return;
    }
    // Windows takes the code modulo 256. A leading 0 selects the ANSI code page (Windows-1252),
    // otherwise the OEM code page (437); both agree with ASCII below 128.
    unsigned value = 0;
    for (char digit : altDigits_) {
        value = (value * 10 + static_cast<unsigned>(digit - '0')) % 256;
    }
    altDigits_.clear();
    flushDeadKey(out);
    if (value < 0x80) {
        out.push_back(static_cast<char>(value));
        return;
    }
    // TODO: codes from 128 up are read as Latin-1 in both code pages, so Windows-1252's
    // 0x80..0x9F (such as the euro sign) and the OEM code page's symbols come out wrong.
    appendUtf8(static_cast<char32_t>(value), out);
}

}  // namespace station::drivers
