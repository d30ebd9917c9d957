#include "drivers/wedge_decoder.hpp"

#include <gtest/gtest.h>
#include <linux/input-event-codes.h>

#include <string>
#include <vector>

#include "drivers/keyboard_layout.hpp"
#include "drivers/scan_framer.hpp"

namespace station::drivers {
namespace {

using Level = KeyLevel;

struct KeyEvent {
    unsigned code;
    int value;
};

// Key events for one key at a level, with the modifiers pressed around it as a scanner sends
// them.
std::vector<KeyEvent> tap(unsigned code, Level level = Level::Base) {
    std::vector<KeyEvent> events;
    const bool shift = level == Level::Shift || level == Level::AltGrShift;
    const bool altGr = level == Level::AltGr || level == Level::AltGrShift;
    if (altGr) {
        events.push_back({KEY_RIGHTALT, 1});
    }
    if (shift) {
        events.push_back({KEY_LEFTSHIFT, 1});
    }
    events.push_back({code, 1});
    events.push_back({code, 0});
    if (shift) {
        events.push_back({KEY_LEFTSHIFT, 0});
    }
    if (altGr) {
        events.push_back({KEY_RIGHTALT, 0});
    }
    return events;
}

std::vector<KeyEvent> withCtrl(std::vector<KeyEvent> inner) {
    inner.insert(inner.begin(), {KEY_LEFTCTRL, 1});
    inner.push_back({KEY_LEFTCTRL, 0});
    return inner;
}

// Alt held while the digits are typed on the keypad.
std::vector<KeyEvent> altCode(const std::string& digits) {
    static constexpr unsigned kKeypad[] = {KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4,
                                           KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};
    std::vector<KeyEvent> events = {{KEY_LEFTALT, 1}};
    for (char digit : digits) {
        const unsigned code = kKeypad[digit - '0'];
        events.push_back({code, 1});
        events.push_back({code, 0});
    }
    events.push_back({KEY_LEFTALT, 0});
    return events;
}

std::string decode(const KeyboardLayout& layout, const std::vector<KeyEvent>& events) {
    WedgeDecoder decoder(layout);
    std::string out;
    for (const KeyEvent& event : events) {
        decoder.key(event.code, event.value, out);
    }
    return out;
}

const KeyboardLayout& layout(const std::string& name) {
    const KeyboardLayout* found = KeyboardLayout::find(name);
    if (found == nullptr) {
        throw std::invalid_argument("no layout " + name);
    }
    return *found;
}

const std::vector<std::string> kLayouts = {"us", "uk", "de", "fr", "be", "es",
                                           "it", "se", "fi", "no", "dk", "nordic"};

// Number row key codes for the digits 1..9, 0.
constexpr unsigned kDigitKeys[] = {KEY_1, KEY_2, KEY_3, KEY_4, KEY_5,
                                   KEY_6, KEY_7, KEY_8, KEY_9, KEY_0};

TEST(KeyboardLayoutTest, AllNamedLayoutsExist) {
    for (const std::string& name : kLayouts) {
        EXPECT_NE(KeyboardLayout::find(name), nullptr) << name;
    }
    EXPECT_EQ(KeyboardLayout::find("xx"), nullptr);
}

// Digits are shifted on the French and Belgian AZERTY layouts and unshifted elsewhere.
TEST(WedgeDecoderTest, DigitsOnEveryLayout) {
    for (const std::string& name : kLayouts) {
        const bool azerty = name == "fr" || name == "be";
        std::vector<KeyEvent> events;
        for (unsigned code : kDigitKeys) {
            for (const KeyEvent& event : tap(code, azerty ? Level::Shift : Level::Base)) {
                events.push_back(event);
            }
        }
        EXPECT_EQ(decode(layout(name), events), "1234567890") << name;
    }
}

// What an unshifted number row types on AZERTY, where a US reading would give digits.
TEST(WedgeDecoderTest, AzertyUnshiftedNumberRow) {
    std::vector<KeyEvent> events;
    for (unsigned code : kDigitKeys) {
        for (const KeyEvent& event : tap(code)) {
            events.push_back(event);
        }
    }
    EXPECT_EQ(decode(layout("fr"), events), "&é\"'(-è_çà");
    EXPECT_EQ(decode(layout("be"), events), "&é\"'(§è!çà");
}

struct PunctuationCase {
    std::string layout;
    char expected;
    unsigned code;
    Level level;
};

// GS1 punctuation (the CSET 82 characters other than letters and digits) as each national layout
// types it, written from the Windows layouts, independently of the decoder's tables.
const std::vector<PunctuationCase> kPunctuation = {
    {"us", '!', KEY_1, Level::Shift},          {"us", '"', KEY_APOSTROPHE, Level::Shift},
    {"us", '%', KEY_5, Level::Shift},          {"us", '&', KEY_7, Level::Shift},
    {"us", '\'', KEY_APOSTROPHE, Level::Base}, {"us", '(', KEY_9, Level::Shift},
    {"us", ')', KEY_0, Level::Shift},          {"us", '*', KEY_8, Level::Shift},
    {"us", '+', KEY_EQUAL, Level::Shift},      {"us", ',', KEY_COMMA, Level::Base},
    {"us", '-', KEY_MINUS, Level::Base},       {"us", '.', KEY_DOT, Level::Base},
    {"us", '/', KEY_SLASH, Level::Base},       {"us", ':', KEY_SEMICOLON, Level::Shift},
    {"us", ';', KEY_SEMICOLON, Level::Base},   {"us", '<', KEY_COMMA, Level::Shift},
    {"us", '=', KEY_EQUAL, Level::Base},       {"us", '>', KEY_DOT, Level::Shift},
    {"us", '?', KEY_SLASH, Level::Shift},      {"us", '_', KEY_MINUS, Level::Shift},
    {"us", ']', KEY_RIGHTBRACE, Level::Base},

    {"uk", '"', KEY_2, Level::Shift},          {"uk", '@', KEY_APOSTROPHE, Level::Shift},
    {"uk", '#', KEY_BACKSLASH, Level::Base},   {"uk", '~', KEY_BACKSLASH, Level::Shift},
    {"uk", '\\', KEY_102ND, Level::Base},      {"uk", '?', KEY_SLASH, Level::Shift},

    {"de", '!', KEY_1, Level::Shift},          {"de", '"', KEY_2, Level::Shift},
    {"de", '%', KEY_5, Level::Shift},          {"de", '&', KEY_6, Level::Shift},
    {"de", '/', KEY_7, Level::Shift},          {"de", '(', KEY_8, Level::Shift},
    {"de", ')', KEY_9, Level::Shift},          {"de", '=', KEY_0, Level::Shift},
    {"de", '?', KEY_MINUS, Level::Shift},      {"de", '+', KEY_RIGHTBRACE, Level::Base},
    {"de", '*', KEY_RIGHTBRACE, Level::Shift}, {"de", '\'', KEY_BACKSLASH, Level::Shift},
    {"de", ',', KEY_COMMA, Level::Base},       {"de", ';', KEY_COMMA, Level::Shift},
    {"de", '.', KEY_DOT, Level::Base},         {"de", ':', KEY_DOT, Level::Shift},
    {"de", '-', KEY_SLASH, Level::Base},       {"de", '_', KEY_SLASH, Level::Shift},
    {"de", '<', KEY_102ND, Level::Base},       {"de", '>', KEY_102ND, Level::Shift},
    {"de", '@', KEY_Q, Level::AltGr},          {"de", '\\', KEY_MINUS, Level::AltGr},
    {"de", '[', KEY_8, Level::AltGr},          {"de", ']', KEY_9, Level::AltGr},
    {"de", 'z', KEY_Y, Level::Base},           {"de", 'y', KEY_Z, Level::Base},

    {"fr", '&', KEY_1, Level::Base},           {"fr", '"', KEY_3, Level::Base},
    {"fr", '\'', KEY_4, Level::Base},          {"fr", '(', KEY_5, Level::Base},
    {"fr", '-', KEY_6, Level::Base},           {"fr", '_', KEY_8, Level::Base},
    {"fr", ')', KEY_MINUS, Level::Base},       {"fr", '=', KEY_EQUAL, Level::Base},
    {"fr", '+', KEY_EQUAL, Level::Shift},      {"fr", '*', KEY_BACKSLASH, Level::Base},
    {"fr", '%', KEY_APOSTROPHE, Level::Shift}, {"fr", ',', KEY_M, Level::Base},
    {"fr", '?', KEY_M, Level::Shift},          {"fr", ';', KEY_COMMA, Level::Base},
    {"fr", '.', KEY_COMMA, Level::Shift},      {"fr", ':', KEY_DOT, Level::Base},
    {"fr", '/', KEY_DOT, Level::Shift},        {"fr", '!', KEY_SLASH, Level::Base},
    {"fr", '<', KEY_102ND, Level::Base},       {"fr", '>', KEY_102ND, Level::Shift},
    {"fr", '@', KEY_0, Level::AltGr},          {"fr", '#', KEY_3, Level::AltGr},
    {"fr", 'a', KEY_Q, Level::Base},           {"fr", 'q', KEY_A, Level::Base},
    {"fr", 'w', KEY_Z, Level::Base},           {"fr", 'z', KEY_W, Level::Base},
    {"fr", 'm', KEY_SEMICOLON, Level::Base},

    {"be", '&', KEY_1, Level::Base},           {"be", '!', KEY_8, Level::Base},
    {"be", ')', KEY_MINUS, Level::Base},       {"be", '-', KEY_EQUAL, Level::Base},
    {"be", '_', KEY_EQUAL, Level::Shift},      {"be", '=', KEY_SLASH, Level::Base},
    {"be", '+', KEY_SLASH, Level::Shift},      {"be", '*', KEY_RIGHTBRACE, Level::Shift},
    {"be", '%', KEY_APOSTROPHE, Level::Shift}, {"be", '?', KEY_M, Level::Shift},
    {"be", '.', KEY_COMMA, Level::Shift},      {"be", '/', KEY_DOT, Level::Shift},
    {"be", '@', KEY_2, Level::AltGr},          {"be", '|', KEY_1, Level::AltGr},

    {"es", '!', KEY_1, Level::Shift},          {"es", '"', KEY_2, Level::Shift},
    {"es", '/', KEY_7, Level::Shift},          {"es", '(', KEY_8, Level::Shift},
    {"es", ')', KEY_9, Level::Shift},          {"es", '=', KEY_0, Level::Shift},
    {"es", '\'', KEY_MINUS, Level::Base},      {"es", '?', KEY_MINUS, Level::Shift},
    {"es", '+', KEY_RIGHTBRACE, Level::Base},  {"es", '*', KEY_RIGHTBRACE, Level::Shift},
    {"es", '-', KEY_SLASH, Level::Base},       {"es", '_', KEY_SLASH, Level::Shift},
    {"es", ';', KEY_COMMA, Level::Shift},      {"es", ':', KEY_DOT, Level::Shift},
    {"es", '@', KEY_2, Level::AltGr},          {"es", '#', KEY_3, Level::AltGr},

    {"it", '"', KEY_2, Level::Shift},          {"it", '/', KEY_7, Level::Shift},
    {"it", '\'', KEY_MINUS, Level::Base},      {"it", '?', KEY_MINUS, Level::Shift},
    {"it", '^', KEY_EQUAL, Level::Shift},      {"it", '+', KEY_RIGHTBRACE, Level::Base},
    {"it", '*', KEY_RIGHTBRACE, Level::Shift}, {"it", '-', KEY_SLASH, Level::Base},
    {"it", '@', KEY_SEMICOLON, Level::AltGr},  {"it", '#', KEY_APOSTROPHE, Level::AltGr},
    {"it", '[', KEY_LEFTBRACE, Level::AltGr},  {"it", '{', KEY_LEFTBRACE, Level::AltGrShift},

    {"se", '"', KEY_2, Level::Shift},          {"se", '#', KEY_3, Level::Shift},
    {"se", '/', KEY_7, Level::Shift},          {"se", '+', KEY_MINUS, Level::Base},
    {"se", '?', KEY_MINUS, Level::Shift},      {"se", '\'', KEY_BACKSLASH, Level::Base},
    {"se", '*', KEY_BACKSLASH, Level::Shift},  {"se", '-', KEY_SLASH, Level::Base},
    {"se", '@', KEY_2, Level::AltGr},          {"se", '\\', KEY_MINUS, Level::AltGr},

    {"no", '|', KEY_GRAVE, Level::Base},       {"no", '\\', KEY_EQUAL, Level::Base},
    {"no", '\'', KEY_BACKSLASH, Level::Base},  {"no", '@', KEY_2, Level::AltGr},

    {"dk", '\'', KEY_BACKSLASH, Level::Base},  {"dk", '|', KEY_EQUAL, Level::AltGr},
    {"dk", '\\', KEY_102ND, Level::AltGr},     {"dk", '@', KEY_2, Level::AltGr},
};

TEST(WedgeDecoderTest, PunctuationTable) {
    for (const PunctuationCase& c : kPunctuation) {
        EXPECT_EQ(decode(layout(c.layout), tap(c.code, c.level)), std::string(1, c.expected))
            << c.layout << " key " << c.code << " level " << static_cast<int>(c.level);
    }
}

// Every CSET 82 character (the characters allowed in GS1 AI values) can be typed on every layout,
// and decodes to itself, dead keys followed by Space.
TEST(WedgeDecoderTest, Cset82RoundTripOnEveryLayout) {
    const std::string cset82 =
        "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    for (const std::string& name : kLayouts) {
        const KeyboardLayout& keyboard = layout(name);
        std::vector<KeyEvent> events;
        for (char c : cset82) {
            const Keystroke stroke = keyboard.keystrokeFor(static_cast<char32_t>(c));
            ASSERT_NE(stroke.code, 0u) << name << " cannot type " << c;
            for (const KeyEvent& event : tap(stroke.code, stroke.level)) {
                events.push_back(event);
            }
            if (stroke.dead) {
                for (const KeyEvent& event : tap(KEY_SPACE)) {
                    events.push_back(event);
                }
            }
        }
        EXPECT_EQ(decode(keyboard, events), cset82) << name;
    }
}

struct ControlCase {
    std::string name;
    std::vector<KeyEvent> events;
    std::string expected;
};

TEST(WedgeDecoderTest, ControlCharactersOnEveryLayout) {
    for (const std::string& name : kLayouts) {
        const KeyboardLayout& keyboard = layout(name);
        const ControlCase cases[] = {
            {"GS as Alt+0029", altCode("0029"), "\x1D"},
            {"GS as Alt+29", altCode("29"), "\x1D"},
            {"RS as Alt+0030", altCode("0030"), "\x1E"},
            {"EOT as Alt+0004", altCode("0004"), "\x04"},
            {"EOT as Ctrl+D", withCtrl(tap(keyboard.keystrokeFor(U'd').code)), "\x04"},
            // The key at the US ']' position, whatever it types on this layout.
            {"GS as Ctrl+]", withCtrl(tap(KEY_RIGHTBRACE)), "\x1D"},
            {"RS as Ctrl+6", withCtrl(tap(KEY_6)), "\x1E"},
            {"Enter", tap(KEY_ENTER), "\r"},
            {"Keypad Enter", tap(KEY_KPENTER), "\r"},
            {"Tab", tap(KEY_TAB), "\t"},
        };
        for (const ControlCase& c : cases) {
            EXPECT_EQ(decode(keyboard, c.events), c.expected) << name << ": " << c.name;
        }
    }
}

TEST(WedgeDecoderTest, UsControlSequences) {
    const KeyboardLayout& us = layout("us");
    EXPECT_EQ(decode(us, withCtrl(tap(KEY_6, Level::Shift))), "\x1E");      // Ctrl+^
    EXPECT_EQ(decode(us, withCtrl(tap(KEY_MINUS, Level::Shift))), "\x1F");  // Ctrl+_
    EXPECT_EQ(decode(us, withCtrl(tap(KEY_LEFTBRACE))), "\x1B");            // Ctrl+[
}

TEST(WedgeDecoderTest, Gs1ScanWithGsOnGerman) {
    // 01 GTIN, 10 lot, GS, 17 expiry, then Enter, as a German-layout scanner types it.
    const KeyboardLayout& de = layout("de");
    std::vector<KeyEvent> events;
    for (char c : std::string("0104012345678901") + "10AB-12") {
        const Keystroke stroke = de.keystrokeFor(static_cast<char32_t>(c));
        for (const KeyEvent& event : tap(stroke.code, stroke.level)) {
            events.push_back(event);
        }
    }
    for (const KeyEvent& event : withCtrl(tap(KEY_RIGHTBRACE))) {
        events.push_back(event);
    }
    for (char c : std::string("17261231")) {
        for (const KeyEvent& event : tap(de.keystrokeFor(static_cast<char32_t>(c)).code)) {
            events.push_back(event);
        }
    }
    for (const KeyEvent& event : tap(KEY_ENTER)) {
        events.push_back(event);
    }
    EXPECT_EQ(decode(de, events),
              "010401234567890110AB-12\x1D"
              "17261231\r");
}

TEST(WedgeDecoderTest, DeadKeys) {
    // French ^ is a dead key: with Space it types '^', before a letter both characters come out.
    EXPECT_EQ(decode(layout("fr"),
                     [] {
                         auto events = tap(KEY_LEFTBRACE);
                         auto space = tap(KEY_SPACE);
                         events.insert(events.end(), space.begin(), space.end());
                         return events;
                     }()),
              "^");
    EXPECT_EQ(decode(layout("fr"),
                     [] {
                         auto events = tap(KEY_LEFTBRACE);
                         auto letter = tap(KEY_Q);
                         events.insert(events.end(), letter.begin(), letter.end());
                         return events;
                     }()),
              "^a");
    // A dead key before Enter still comes out before the CR.
    EXPECT_EQ(decode(layout("de"),
                     [] {
                         auto events = tap(KEY_GRAVE);
                         auto enter = tap(KEY_ENTER);
                         events.insert(events.end(), enter.begin(), enter.end());
                         return events;
                     }()),
              "^\r");
}

TEST(WedgeDecoderTest, CapsLockInvertsLettersOnly) {
    std::vector<KeyEvent> events = tap(KEY_CAPSLOCK);
    for (const auto& part :
         {tap(KEY_A), tap(KEY_A, Level::Shift), tap(KEY_1), tap(KEY_SEMICOLON)}) {
        events.insert(events.end(), part.begin(), part.end());
    }
    EXPECT_EQ(decode(layout("us"), events), "Aa1;");
    // German ö is a letter and follows Caps Lock.
    EXPECT_EQ(decode(layout("de"), events), "Aa1\xC3\x96");
}

TEST(WedgeDecoderTest, RepeatAndAltShortcutsIgnored) {
    const KeyboardLayout& us = layout("us");
    EXPECT_EQ(decode(us, {{KEY_A, 1}, {KEY_A, 2}, {KEY_A, 2}, {KEY_A, 0}}), "a");
    // Alt with a letter is a menu shortcut: nothing is typed.
    EXPECT_EQ(decode(us, {{KEY_LEFTALT, 1}, {KEY_F, 1}, {KEY_F, 0}, {KEY_LEFTALT, 0}}), "");
}

TEST(WedgeDecoderTest, KeypadDigitsWithoutAlt) {
    EXPECT_EQ(decode(layout("fr"), {{KEY_KP1, 1},
                                    {KEY_KP1, 0},
                                    {KEY_KPDOT, 1},
                                    {KEY_KPDOT, 0},
                                    {KEY_KPMINUS, 1},
                                    {KEY_KPMINUS, 0}}),
              "1.-");
}

TEST(WedgeDecoderTest, UnmappedKeysCounted) {
    WedgeDecoder decoder(layout("us"));
    std::string out;
    decoder.key(KEY_F1, 1, out);
    decoder.key(KEY_F1, 0, out);
    EXPECT_EQ(out, "");
    EXPECT_EQ(decoder.unmappedKeys(), 1u);
}

// 1,000 scans typed back to back on a Belgian layout, GS as Alt+0029, framed at Enter: every scan
// arrives whole and in order.
TEST(WedgeDecoderTest, BurstOfThousandScansThroughFramer) {
    const KeyboardLayout& be = layout("be");
    WedgeDecoder decoder(be);
    ScanFramer framer(FramerOptions{config::Suffix::Cr, 256, {}, false});
    std::vector<std::string> scans;
    const auto feed = [&](const std::vector<KeyEvent>& events) {
        std::string bytes;
        for (const KeyEvent& event : events) {
            decoder.key(event.code, event.value, bytes);
        }
        for (Frame& frame : framer.feed(bytes)) {
            ASSERT_EQ(frame.kind, Frame::Kind::Scan);
            scans.push_back(std::move(frame.data));
        }
    };

    for (int i = 0; i < 1000; ++i) {
        for (char c : "01095060001343" + std::to_string(i) + "10LOT-" + std::to_string(i)) {
            const Keystroke stroke = be.keystrokeFor(static_cast<char32_t>(c));
            feed(tap(stroke.code, stroke.level));
        }
        feed(altCode("0029"));
        feed(tap(be.keystrokeFor(U'2').code, be.keystrokeFor(U'2').level));
        feed(tap(KEY_ENTER));
    }

    ASSERT_EQ(scans.size(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(scans[static_cast<std::size_t>(i)], "01095060001343" + std::to_string(i) +
                                                          "10LOT-" + std::to_string(i) +
                                                          "\x1D"
                                                          "2");
    }
}

}  // namespace
}  // namespace station::drivers
