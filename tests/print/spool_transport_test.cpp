#include "print/spool_transport.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/print/emulator_process.hpp"
#include "tests/print/transport_test_support.hpp"

namespace station::print {
namespace {

config::PrinterConfig spoolConfig(const std::filesystem::path& folder) {
    config::PrinterConfig config;
    config.name = "spool";
    config.kind = config::PrinterKind::Spool;
    config.spoolDir = folder;
    return config;
}

std::vector<std::filesystem::path> filesIn(const std::filesystem::path& folder) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

TEST(SpoolTransportTest, EachLabelIsOneFile) {
    const auto folder = test::makeTempFolder("spool");
    boost::asio::io_context io;
    SpoolTransport transport(io, spoolConfig(folder));

    const auto first = test::sendAndWait(io, transport, "^XA^FDone^FS^XZ");
    const auto second = test::sendAndWait(io, transport, "^XA^FDtwo^FS^XZ");
    ASSERT_TRUE(first);
    ASSERT_TRUE(second);
    EXPECT_TRUE(first->delivered()) << first->error;
    EXPECT_TRUE(second->delivered()) << second->error;

    const auto files = filesIn(folder);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].extension(), ".zpl");
    EXPECT_EQ(readFile(files[0]), "^XA^FDone^FS^XZ");
    EXPECT_EQ(readFile(files[1]), "^XA^FDtwo^FS^XZ");
    std::filesystem::remove_all(folder);
}

TEST(SpoolTransportTest, MissingFolderFailsBeforeSend) {
    const auto folder = test::makeTempFolder("spool") / "missing";
    boost::asio::io_context io;
    SpoolTransport transport(io, spoolConfig(folder));

    const auto result = test::sendAndWait(io, transport, "^XA^XZ");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->outcome, SendResult::Outcome::FailedBeforeSend);
    EXPECT_NE(result->error.find("missing"), std::string::npos) << result->error;
    std::filesystem::remove_all(folder.parent_path());
}

TEST(SpoolTransportTest, StatusReflectsFolder) {
    const auto folder = test::makeTempFolder("spool");
    boost::asio::io_context io;
    SpoolTransport ready(io, spoolConfig(folder));
    SpoolTransport missing(io, spoolConfig(folder / "missing"));

    const auto readyStatus = test::statusAndWait(io, ready);
    const auto missingStatus = test::statusAndWait(io, missing);
    ASSERT_TRUE(readyStatus);
    ASSERT_TRUE(missingStatus);
    EXPECT_TRUE(readyStatus->ready());
    EXPECT_TRUE(missingStatus->has(PrinterStatus::Problem::Unreachable));
    std::filesystem::remove_all(folder);
}

TEST(SpoolTransportTest, EmptyFolderIsConfigurationError) {
    boost::asio::io_context io;
    EXPECT_THROW(SpoolTransport(io, spoolConfig({})), std::invalid_argument);
}

TEST(SpoolTransportTest, FactoryBuildsSpool) {
    const auto folder = test::makeTempFolder("spool");
    boost::asio::io_context io;
    const auto transport = makePrinterTransport(io, spoolConfig(folder));
    EXPECT_NE(transport->description().find("spool"), std::string::npos);
    std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace station::print
