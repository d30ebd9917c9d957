#include "print/printer_status.hpp"

#include <gtest/gtest.h>

namespace station::print {
namespace {

std::string hostStatus(char paperOut, char pause, char headOpen, char ribbonOut) {
    return std::string("\x02") + "030," + paperOut + "," + pause +
           ",1218,000,0,0,0,000,0,0,0\x03\r\n\x02" + "001,0," + headOpen + "," + ribbonOut +
           ",0,2,6,0,00000007,1,000\x03\r\n\x02" + "1234,0\x03\r\n";
}

TEST(HostStatusTest, AllClearIsReady) {
    const auto status = parseHostStatus(hostStatus('0', '0', '0', '0'));
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->ready());
    EXPECT_EQ(status->labelsRemaining, 7u);
    EXPECT_EQ(status->summary(), "ready");
}

TEST(HostStatusTest, EachFlagIsReported) {
    using Problem = PrinterStatus::Problem;
    EXPECT_TRUE(parseHostStatus(hostStatus('1', '0', '0', '0'))->has(Problem::PaperOut));
    EXPECT_TRUE(parseHostStatus(hostStatus('0', '1', '0', '0'))->has(Problem::Paused));
    EXPECT_TRUE(parseHostStatus(hostStatus('0', '0', '1', '0'))->has(Problem::HeadOpen));
    EXPECT_TRUE(parseHostStatus(hostStatus('0', '0', '0', '1'))->has(Problem::RibbonOut));
}

TEST(HostStatusTest, TwoProblemsAreBothListed) {
    const auto status = parseHostStatus(hostStatus('1', '0', '1', '0'));
    ASSERT_TRUE(status);
    EXPECT_EQ(status->summary(), "paper out, head open");
}

TEST(HostStatusTest, IncompleteAnswerIsNotAStatus) {
    const std::string full = hostStatus('0', '0', '0', '0');
    for (std::size_t length = 0; length + 3 < full.size(); ++length) {
        EXPECT_FALSE(parseHostStatus(full.substr(0, length))) << "length " << length;
    }
}

TEST(HostStatusTest, ShortFrameIsNotAStatus) {
    EXPECT_FALSE(
        parseHostStatus("\x02"
                        "1,2\x03\x02"
                        "3\x03\x02"
                        "4\x03"));
}

TEST(ExtendedStatusTest, NoErrorsIsReady) {
    const auto status = parseExtendedStatus(
        "\x02\r\n PRINTER STATUS\r\n ERRORS: 0 00000000 00000000\r\n WARNINGS: 0 00000000 "
        "00000000\r\n\x03");
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->ready());
}

TEST(ExtendedStatusTest, ErrorBitsAreDecoded) {
    using Problem = PrinterStatus::Problem;
    const auto status = parseExtendedStatus(
        "\x02\r\n PRINTER STATUS\r\n ERRORS: 1 00000000 00000005\r\n WARNINGS: 0 00000000 "
        "00000000\r\n\x03");
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->has(Problem::PaperOut));
    EXPECT_TRUE(status->has(Problem::HeadOpen));
    EXPECT_FALSE(status->has(Problem::RibbonOut));
}

TEST(ExtendedStatusTest, MissingEtxIsNotAStatus) {
    EXPECT_FALSE(parseExtendedStatus("\x02 ERRORS: 0 00000000 00000000"));
}

TEST(PrinterStatusTest, NoAnswerIsNeverReady) {
    const auto status = PrinterStatus::notReady(PrinterStatus::Problem::NoAnswer, "timeout");
    EXPECT_FALSE(status.ready());
}

TEST(PrinterStatusTest, LogEscapingShowsControlBytes) {
    EXPECT_EQ(escapeForLog("\x02"
                           "a\x03\r\n"),
              "<02>a<03><0D><0A>");
}

}  // namespace
}  // namespace station::print
