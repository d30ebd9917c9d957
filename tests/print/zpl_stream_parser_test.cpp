#include "print/emulator/zpl_stream_parser.hpp"

#include <gtest/gtest.h>

namespace station::print::emulator {
namespace {

struct Parsed {
    std::vector<std::string> commands;
    std::vector<std::string> labels;
};

Parsed parse(const std::vector<std::string>& chunks) {
    Parsed parsed;
    ZplStreamParser parser({[&](const std::string& command) { parsed.commands.push_back(command); },
                            [&](std::string label) { parsed.labels.push_back(std::move(label)); }});
    for (const auto& chunk : chunks) {
        parser.feed(chunk);
    }
    return parsed;
}

TEST(ZplStreamParserTest, SplitsLabelsAndCommands) {
    const auto parsed = parse({"~HS^XA^FO1,2^FDhi^FS^XZ^XA^XZ"});
    EXPECT_EQ(parsed.commands,
              (std::vector<std::string>{"~HS", "^XA", "^FO", "^FD", "^FS", "^XZ", "^XA", "^XZ"}));
    ASSERT_EQ(parsed.labels.size(), 2u);
    EXPECT_EQ(parsed.labels[0], "^XA^FO1,2^FDhi^FS^XZ");
}

TEST(ZplStreamParserTest, ByteByByteGivesSameResult) {
    const std::string stream = "^XA^FO1,2^FDhi^FS^XZ~HQES";
    std::vector<std::string> bytes;
    for (char c : stream) {
        bytes.emplace_back(1, c);
    }
    const auto whole = parse({stream});
    const auto split = parse(bytes);
    EXPECT_EQ(whole.commands, split.commands);
    EXPECT_EQ(whole.labels, split.labels);
}

TEST(ZplStreamParserTest, AlternatePrefixesAreCommands) {
    const auto parsed = parse({"^XA^FDa\x10JA^FS\x1EXZ"});
    EXPECT_EQ(parsed.commands, (std::vector<std::string>{"^XA", "^FD", "~JA", "^FS", "^XZ"}));
    EXPECT_EQ(parsed.labels.size(), 1u);
}

TEST(ZplStreamParserTest, HexEscapedDataIsNotACommand) {
    const auto parsed = parse({"^XA^FH_^FD_5EXZ_7EJR^FS^XZ"});
    EXPECT_EQ(parsed.commands, (std::vector<std::string>{"^XA", "^FH", "^FD", "^FS", "^XZ"}));
}

}  // namespace
}  // namespace station::print::emulator
