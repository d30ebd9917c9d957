#include "drivers/scanner_log.hpp"

#include <gtest/gtest.h>

#include <string>

namespace station::drivers {
namespace {

struct EscapeCase {
    std::string input;
    std::string expected;
};

TEST(EscapeForLogTest, Table) {
    const EscapeCase cases[] = {
        {"0109506000134352", "0109506000134352"},
        {"10ABC\x1D"
         "17260101",
         "10ABC<GS>17260101"},
        {"[)>\x1E"
         "06\x1D"
         "1PX\x1E\x04",
         "[)><RS>06<GS>1PX<RS><EOT>"},
        {"A\r\n\tB", "A<CR><LF><TAB>B"},
        {"\x1B[2J\x1B]0;title\x07", "<ESC>[2J<ESC>]0;title\\x07"},
        {std::string("\0\x7F", 2), "\\x00\\x7F"},
        {"\xC3\xA9", "\\xC3\\xA9"},
        {"<GS>", "\\x3CGS>"},
        {"a\\x1D", "a\\x5Cx1D"},
        {"", ""},
    };
    for (const EscapeCase& c : cases) {
        EXPECT_EQ(escapeForLog(c.input), c.expected) << "input of " << c.input.size() << " bytes";
    }
}

TEST(EscapeForLogTest, OutputHasNoControlBytes) {
    std::string every;
    for (int byte = 0; byte < 256; ++byte) {
        every.push_back(static_cast<char>(byte));
    }
    const std::string escaped = escapeForLog(every);
    for (char c : escaped) {
        const auto byte = static_cast<unsigned char>(c);
        EXPECT_GE(byte, 0x20);
        EXPECT_LT(byte, 0x7F);
    }
}

}  // namespace
}  // namespace station::drivers
