#include "drivers/scan_framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace station::drivers {
namespace {

using config::Suffix;

// One expected frame: a delivered scan, or a rejection with the rejected scan's length.
struct Expected {
    Frame::Kind kind;
    std::string data;
    std::size_t rejectedLength = 0;
};

Expected scan(std::string data) {
    return {Frame::Kind::Scan, std::move(data)};
}
Expected rejected(std::size_t length) {
    return {Frame::Kind::Rejected, {}, length};
}

struct FramerCase {
    std::string name;
    FramerOptions options;
    std::string input;
    std::vector<Expected> expected;
};

FramerOptions with(Suffix suffix, std::size_t maxLength = 64, std::string prefix = {},
                   bool anyLineEnd = false) {
    return FramerOptions{suffix, maxLength, std::move(prefix), anyLineEnd};
}

const std::string kGs = "\x1D";
const std::string kRs = "\x1E";
const std::string kEot = "\x04";

std::vector<FramerCase> framerCases() {
    return {
        {"CrEndsScan", with(Suffix::Cr), "ABC\r", {scan("ABC")}},
        {"LfEndsScan", with(Suffix::Lf), "ABC\n", {scan("ABC")}},
        {"TabEndsScan", with(Suffix::Tab), "ABC\t", {scan("ABC")}},
        {"CrLfEndsScan", with(Suffix::CrLf), "ABC\r\n", {scan("ABC")}},
        {"NoSuffixYieldsNothing", with(Suffix::Cr), "ABC", {}},
        {"LfIsDataWithCrSuffix", with(Suffix::Cr), "A\nB\r", {scan("A\nB")}},
        {"CrIsDataWithLfSuffix", with(Suffix::Lf), "A\rB\n", {scan("A\rB")}},
        {"LoneCrIsDataWithCrLf", with(Suffix::CrLf), "A\rB\r\n", {scan("A\rB")}},
        {"LoneLfIsDataWithCrLf", with(Suffix::CrLf), "A\nB\r\n", {scan("A\nB")}},
        {"CrCrLfKeepsFirstCr", with(Suffix::CrLf), "AB\r\r\n", {scan("AB\r")}},
        {"Gs1ControlsKept",
         with(Suffix::Cr),
         "]d2010950600013435210ABC" + kGs + "17260101\r",
         {scan("]d2010950600013435210ABC" + kGs + "17260101")}},
        {"Iso15434EnvelopeKept",
         with(Suffix::Lf),
         "[)>" + kRs + "06" + kGs + "1PABC" + kRs + kEot + "\n",
         {scan("[)>" + kRs + "06" + kGs + "1PABC" + kRs + kEot)}},
        {"BackToBackScansStaySeparate",
         with(Suffix::Cr),
         "A1\rB2\rC3\r",
         {scan("A1"), scan("B2"), scan("C3")}},
        {"LoneSuffixIgnored", with(Suffix::Cr), "\r\r", {}},
        {"EmptyBetweenScansIgnored", with(Suffix::Cr), "A\r\rB\r", {scan("A"), scan("B")}},
        {"PrefixRemoved", with(Suffix::Cr, 64, "@@"), "@@ABC\r", {scan("ABC")}},
        {"MissingPrefixKeepsScan", with(Suffix::Cr, 64, "@@"), "ABC\r", {scan("ABC")}},
        {"PrefixOnlyIgnored", with(Suffix::Cr, 64, "@@"), "@@\r", {}},
        {"PrefixOnlyAtStart", with(Suffix::Cr, 64, "@"), "@A@B\r", {scan("A@B")}},
        {"ExactlyMaxLengthAccepted", with(Suffix::Cr, 4), "ABCD\r", {scan("ABCD")}},
        {"OverMaxLengthRejected", with(Suffix::Cr, 4), "ABCDE\r", {rejected(5)}},
        {"MaxLengthExcludesPrefix", with(Suffix::Cr, 4, "##"), "##ABCD\r", {scan("ABCD")}},
        {"MaxLengthWithCrLf", with(Suffix::CrLf, 4), "ABCD\r\n", {scan("ABCD")}},
        {"OverMaxWithCrLfRejected", with(Suffix::CrLf, 4), "ABCDE\r\n", {rejected(5)}},
        {"LongScanRejectedNotMerged",
         with(Suffix::Cr, 4),
         "OK1\rTOOLONGSCAN\rOK2\r",
         {scan("OK1"), rejected(11), scan("OK2")}},
        {"VeryLongScanRejectedOnce",
         with(Suffix::Cr, 8),
         std::string(10000, 'X') + "\rOK\r",
         {rejected(10000), scan("OK")}},
        {"AnyLineEndSplitsCrLf",
         with(Suffix::Cr, 64, {}, true),
         "A\r\nB\nC\r",
         {scan("A"), scan("B"), scan("C")}},
        {"AnyLineEndKeepsTabSuffix",
         with(Suffix::Tab, 64, {}, true),
         "A\tB\n",
         {scan("A"), scan("B")}},
        {"EscapeSequenceKept", with(Suffix::Cr), "\x1B[2J\x07X\r", {scan("\x1B[2J\x07X")}},
        {"NulByteKept", with(Suffix::Cr), std::string("A\0B\r", 4), {scan(std::string("A\0B", 3))}},
    };
}

void expectFrames(const std::vector<Frame>& frames, const std::vector<Expected>& expected,
                  const std::string& how) {
    ASSERT_EQ(frames.size(), expected.size()) << how;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(frames[i].kind, expected[i].kind) << how << ", frame " << i;
        if (expected[i].kind == Frame::Kind::Scan) {
            EXPECT_EQ(frames[i].data, expected[i].data) << how << ", frame " << i;
        } else {
            EXPECT_EQ(frames[i].rejectedLength, expected[i].rejectedLength)
                << how << ", frame " << i;
            EXPECT_LE(frames[i].data.size(), ScanFramer::kRejectedSampleLength);
        }
    }
}

class ScanFramerTableTest : public testing::TestWithParam<FramerCase> {};

TEST_P(ScanFramerTableTest, WholeInput) {
    const FramerCase& c = GetParam();
    ScanFramer framer(c.options);
    expectFrames(framer.feed(c.input), c.expected, "fed at once");
}

TEST_P(ScanFramerTableTest, ByteByByte) {
    const FramerCase& c = GetParam();
    ScanFramer framer(c.options);
    std::vector<Frame> frames;
    for (char byte : c.input) {
        for (Frame& frame : framer.feed(std::string_view(&byte, 1))) {
            frames.push_back(std::move(frame));
        }
    }
    expectFrames(frames, c.expected, "fed byte by byte");
}

TEST_P(ScanFramerTableTest, EverySplitPoint) {
    const FramerCase& c = GetParam();
    for (std::size_t split = 1; split < c.input.size() && split < 64; ++split) {
        ScanFramer framer(c.options);
        std::vector<Frame> frames = framer.feed(std::string_view(c.input).substr(0, split));
        for (Frame& frame : framer.feed(std::string_view(c.input).substr(split))) {
            frames.push_back(std::move(frame));
        }
        expectFrames(frames, c.expected, "split at " + std::to_string(split));
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, ScanFramerTableTest, testing::ValuesIn(framerCases()),
                         [](const testing::TestParamInfo<FramerCase>& caseInfo) {
                             return caseInfo.param.name;
                         });

TEST(ScanFramerTest, FlushEndsPendingScan) {
    ScanFramer framer(with(Suffix::Cr));
    EXPECT_TRUE(framer.feed("ABC").empty());
    EXPECT_EQ(framer.pendingLength(), 3u);

    const std::vector<Frame> frames = framer.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].data, "ABC");
    EXPECT_EQ(framer.pendingLength(), 0u);
    EXPECT_TRUE(framer.flush().empty());
}

TEST(ScanFramerTest, FlushRejectsOverlongPending) {
    ScanFramer framer(with(Suffix::Cr, 4));
    EXPECT_TRUE(framer.feed("ABCDEFGH").empty());

    const std::vector<Frame> frames = framer.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].kind, Frame::Kind::Rejected);
    EXPECT_EQ(frames[0].rejectedLength, 8u);
}

TEST(ScanFramerTest, DiscardPartialDropsCutOffScan) {
    ScanFramer framer(with(Suffix::CrLf));
    const std::vector<Frame> before = framer.feed("OK\r\nCUT\r");
    ASSERT_EQ(before.size(), 1u);
    EXPECT_EQ(before[0].data, "OK");
    EXPECT_EQ(framer.discardPartial(), 4u);

    // The LF that follows a reconnect must not end a scan with the CR from before it.
    const std::vector<Frame> frames = framer.feed("\nNEXT\r\n");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].data, "\nNEXT");
}

TEST(ScanFramerTest, OverlongCountStaysBounded) {
    ScanFramer framer(with(Suffix::Cr, 16));
    const std::string chunk(1 << 16, 'Z');
    for (int i = 0; i < 32; ++i) {
        EXPECT_TRUE(framer.feed(chunk).empty());
    }
    EXPECT_EQ(framer.pendingLength(), 32u << 16);

    const std::vector<Frame> frames = framer.feed("\r");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].rejectedLength, 32u << 16);
    EXPECT_EQ(frames[0].data, std::string(ScanFramer::kRejectedSampleLength, 'Z'));
}

TEST(ScanFramerTest, BurstOfThousandScansInOrder) {
    ScanFramer framer(with(Suffix::Cr));
    std::string stream;
    for (int i = 0; i < 1000; ++i) {
        stream +=
            "0109506000134352"
            "21SN" +
            std::to_string(i) + "\r";
    }

    std::vector<Frame> frames;
    // Odd chunk sizes, so suffixes land at every position within a read.
    for (std::size_t offset = 0; offset < stream.size(); offset += 37) {
        for (Frame& frame : framer.feed(std::string_view(stream).substr(offset, 37))) {
            frames.push_back(std::move(frame));
        }
    }
    ASSERT_EQ(frames.size(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(frames[i].data,
                  "0109506000134352"
                  "21SN" +
                      std::to_string(i));
    }
}

}  // namespace
}  // namespace station::drivers
