// Injection corpus: hostile field values must render as literal text. Checked three ways: the
// ZPL commands of a hostile label equal those of a harmless one, the printer emulator receives
// exactly the template's commands, and the picture shows the value as data (a QR code of
// the value reads back byte for byte, and a marker barcode after it still prints).

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "print/emulator/zpl_stream_parser.hpp"
#include "print/label_preview.hpp"
#include "print/label_template.hpp"
#include "print/tcp_transport.hpp"
#include "print/zpl_escape.hpp"
#include "tests/print/emulator_process.hpp"
#include "tests/print/oracle_support.hpp"
#include "tests/print/png_barcode_reader.hpp"
#include "tests/print/transport_test_support.hpp"

namespace station::print {
namespace {

const std::filesystem::path kData = std::filesystem::path(STATION_SOURCE_DIR) / "tests/print/data";

int hexValue(char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

// Reads the corpus: one value per line, \xHH for a byte, \\ for a backslash, and \t, \r, \n.
std::vector<std::string> loadCorpus() {
    std::ifstream file(kData / "injection_corpus.txt", std::ios::binary);
    std::vector<std::string> values;
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        std::string value;
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] != '\\' || i + 1 >= line.size()) {
                value.push_back(line[i]);
                continue;
            }
            const char kind = line[++i];
            if (kind == 'x' && i + 2 < line.size() + 1) {
                value.push_back(
                    static_cast<char>(hexValue(line[i + 1]) * 16 + hexValue(line[i + 2])));
                i += 2;
            } else if (kind == 't') {
                value.push_back('\t');
            } else if (kind == 'r') {
                value.push_back('\r');
            } else if (kind == 'n') {
                value.push_back('\n');
            } else {
                value.push_back(kind);
            }
        }
        values.push_back(value);
    }
    return values;
}

std::vector<std::string> commandsOf(const std::string& zpl) {
    std::vector<std::string> commands;
    emulator::ZplStreamParser parser(
        {[&](const std::string& command) { commands.push_back(command); }, {}});
    parser.feed(zpl);
    return commands;
}

LabelData hostileData(const std::string& value) {
    LabelData data;
    data.fields = {{"order", "SO-88A42"},
                   {"customer_ref", value},
                   {"operator", value},
                   {"station", value},
                   {"date", value}};
    data.units = {{{"serial", value}, {"sku", value}, {"lot", value}, {"expiry", value}}};
    return data;
}

bool isValidUtf8(std::string_view text) {
    while (!text.empty()) {
        const std::size_t length = utf8SequenceLength(text);
        if (length == 0) {
            return false;
        }
        text.remove_prefix(length);
    }
    return true;
}

TEST(InjectionTest, CorpusIsLoaded) {
    const auto corpus = loadCorpus();
    EXPECT_GE(corpus.size(), 20u);
    EXPECT_NE(std::find(corpus.begin(), corpus.end(), std::string("\x10JA")), corpus.end());
}

TEST(InjectionTest, HostileValuesAddNoCommands) {
    const auto harmless = hostileData("X");
    for (const auto& name : LabelTemplate::builtinNames()) {
        if (name == "unit") {
            continue;  // its barcodes reject most hostile values; see the next test
        }
        const auto label = LabelTemplate::builtin(name);
        const auto expected = commandsOf(label.render(harmless, {}));
        for (const auto& value : loadCorpus()) {
            SCOPED_TRACE(name + " with " + escapeFieldData(value));
            const std::string zpl = label.render(hostileData(value), {});
            EXPECT_EQ(commandsOf(zpl), expected);
            EXPECT_TRUE(isValidUtf8(zpl));
            for (char c : zpl) {
                const auto byte = static_cast<unsigned char>(c);
                EXPECT_TRUE(byte >= 0x20 || c == '\n') << "raw byte " << int(byte);
                EXPECT_NE(byte, 0x7F);
            }
        }
    }
}

TEST(InjectionTest, BarcodesRejectOrEscapeHostileValues) {
    const auto label = LabelTemplate::builtin("unit");
    LabelData harmless;
    harmless.fields = {{"serial", "X"}, {"sku", "X"}};
    const auto expected = commandsOf(label.render(harmless, {}));
    for (const auto& value : loadCorpus()) {
        SCOPED_TRACE(escapeFieldData(value));
        LabelData data;
        data.fields = {{"serial", value}, {"sku", value}};
        const RenderResult result = label.tryRender(data, {});
        if (!result.ok()) {
            // Code 128 accepts printable ASCII only; the rejection names the reason.
            EXPECT_NE(result.error.find("Code 128"), std::string::npos) << result.error;
            continue;
        }
        EXPECT_EQ(commandsOf(result.zpl), expected);
    }
}

TEST(InjectionTest, EmulatorSeesOnlyTemplateCommands) {
    test::EmulatorProcess emulator;
    boost::asio::io_context io;
    config::PrinterConfig config;
    config.port = emulator.port();
    TcpTransport transport(io, config);
    const auto label = LabelTemplate::builtin("carton");

    std::vector<std::string> expectedCommands;
    std::vector<std::string> sent;
    for (const auto& value : loadCorpus()) {
        const std::string zpl = label.render(hostileData(value), {});
        const auto result = test::sendAndWait(io, transport, zpl);
        ASSERT_TRUE(result);
        ASSERT_TRUE(result->delivered()) << result->error;
        const auto commands = commandsOf(zpl);
        expectedCommands.insert(expectedCommands.end(), commands.begin(), commands.end());
        sent.push_back(zpl.substr(0, zpl.rfind("^XZ") + 3));
    }

    ASSERT_TRUE(emulator.waitForLabels(sent.size()));
    EXPECT_EQ(emulator.labels(), sent);
    EXPECT_EQ(emulator.commands(), expectedCommands);
    EXPECT_EQ(std::count(expectedCommands.begin(), expectedCommands.end(), "^XA"),
              static_cast<long>(sent.size()));
    EXPECT_EQ(std::count(expectedCommands.begin(), expectedCommands.end(), "~JR"), 0);
    EXPECT_EQ(std::count(expectedCommands.begin(), expectedCommands.end(), "~JA"), 0);
}

TEST(InjectionTest, PictureShowsValueAsData) {
    const auto probe = LabelTemplate::fromFile(kData / "injection.zpl");
    const auto folder = test::makeTempFolder("injection-picture");
    const auto corpus = loadCorpus();

    std::vector<PreviewFile> files;
    for (std::size_t i = 0; i < corpus.size(); ++i) {
        LabelData data;
        data.fields = {{"customer_ref", corpus[i]}, {"order", "MARK-OK"}};
        const auto zplPath = folder / ("value" + std::to_string(i) + ".zpl");
        std::ofstream(zplPath, std::ios::binary) << probe.render(data, {});
        files.push_back({zplPath, folder / ("value" + std::to_string(i) + ".png")});
    }
    renderPreviews(files, {}, test::ensureRendererModules());

    for (std::size_t i = 0; i < corpus.size(); ++i) {
        SCOPED_TRACE(escapeFieldData(corpus[i]));
        const auto marker = test::readBarcodes(files[i].png, {10, 610, 790, 130});
        ASSERT_EQ(marker.size(), 1u);
        EXPECT_EQ(marker[0].bytes, "MARK-OK");

        // NOTE: zpl-renderer-js 3.4.0 draws a QR code from the field's text after UTF-8
        // decoding, so bytes that are not valid UTF-8 cannot read back unchanged there.
        if (!isValidUtf8(corpus[i])) {
            continue;
        }
        const auto value = test::readBarcodes(files[i].png, {10, 70, 600, 530});
        ASSERT_EQ(value.size(), 1u);
        EXPECT_EQ(escapeFieldData(value[0].bytes), escapeFieldData(corpus[i]));
    }
    std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace station::print
