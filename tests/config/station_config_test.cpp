#include "config/station_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace station::config {
namespace {

class StationConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        directory_ = std::filesystem::temp_directory_path() /
                     ("station_config_test_" + std::to_string(::getpid()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(directory_);
        environment_.workingDirectory = directory_;
    }

    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::filesystem::path write(const std::string& text) {
        std::filesystem::path file = directory_ / "station.toml";
        std::ofstream(file) << text;
        return file;
    }

    // Returns the error message for a file that must not load.
    std::string errorFor(const std::string& text) {
        std::filesystem::path file = write(text);
        try {
            loadConfig(file, environment_);
        } catch (const ConfigError& error) {
            return error.what();
        }
        ADD_FAILURE() << "config loaded without error:\n" << text;
        return {};
    }

    std::filesystem::path directory_;
    Environment environment_;
};

TEST_F(StationConfigTest, DefaultsUseVarUnderWorkingDirectory) {
    StationConfig config = defaultConfig(environment_);
    EXPECT_EQ(config.storePath, directory_ / "var" / "station.db");
    EXPECT_EQ(config.printer.kind, PrinterKind::Spool);
    EXPECT_EQ(config.printer.spoolDir, directory_ / "var" / "labels");
    EXPECT_EQ(config.orders.dropDir, directory_ / "var" / "orders");
    EXPECT_TRUE(config.scanners.empty());
}

TEST_F(StationConfigTest, DefaultsReadStdinWhenTerminal) {
    environment_.stdinIsTerminal = true;
    StationConfig config = defaultConfig(environment_);
    ASSERT_EQ(config.scanners.size(), 1u);
    EXPECT_EQ(config.scanners[0].kind, ScannerKind::Stdin);
}

TEST_F(StationConfigTest, StateDirectoryEnvironmentWins) {
    environment_.stateDirectory = directory_ / "state";
    StationConfig config = defaultConfig(environment_);
    EXPECT_EQ(config.storePath, directory_ / "state" / "station.db");
}

TEST_F(StationConfigTest, FullFileIsRead) {
    StationConfig config = loadConfig(write(R"(
[station]
id = "bench-7"
operator = "ana"
state_dir = "state"
log_level = "debug"

[store]
path = "links.db"

[orders]
drop_dir = "/srv/orders"
number_pattern = "SO-[0-9]+"
close_code = "END"
serial_patterns = [{ sku = "BAT-1", regex = "B[0-9]{8}" }]

[printer]
kind = "tcp"
host = "127.0.0.1"
port = 9101
dpi = 300
connect_timeout_ms = 1500

[[scanner]]
name = "bench"
kind = "serial"
device = "/dev/ttyACM0"
baud = 115200
suffix = "crlf"
gs_substitute = "~"
parity = "even"
)"),
                                      environment_);
    EXPECT_EQ(config.stationId, "bench-7");
    EXPECT_EQ(config.operatorName, "ana");
    EXPECT_EQ(config.logLevel, "debug");
    EXPECT_EQ(config.stateDir, directory_ / "state");
    EXPECT_EQ(config.storePath, directory_ / "state" / "links.db");
    EXPECT_EQ(config.orders.dropDir, "/srv/orders");
    EXPECT_EQ(config.orders.numberPattern, "SO-[0-9]+");
    EXPECT_EQ(config.orders.closeCode, "END");
    ASSERT_EQ(config.orders.serialPatterns.size(), 1u);
    EXPECT_EQ(config.orders.serialPatterns[0].sku, "BAT-1");
    EXPECT_EQ(config.printer.kind, PrinterKind::Tcp);
    EXPECT_EQ(config.printer.port, 9101);
    EXPECT_EQ(config.printer.dpi, 300u);
    EXPECT_EQ(config.printer.connectTimeout, std::chrono::milliseconds(1500));
    ASSERT_EQ(config.scanners.size(), 1u);
    const ScannerConfig& scanner = config.scanners[0];
    EXPECT_EQ(scanner.kind, ScannerKind::Serial);
    EXPECT_EQ(scanner.baud, 115200u);
    EXPECT_EQ(scanner.suffix, Suffix::CrLf);
    EXPECT_EQ(scanner.gsSubstitute, '~');
    EXPECT_EQ(scanner.parity, Parity::Even);
    EXPECT_EQ(scanner.sourceLine, 24);  // the [[scanner]] header line
}

TEST_F(StationConfigTest, WrongTypeNamesFileLineAndKey) {
    std::string message = errorFor("[printer]\nkind = \"tcp\"\nport = \"9100\"\n");
    EXPECT_NE(message.find("station.toml:3: printer.port: expected an integer, got a string"),
              std::string::npos)
        << message;
}

TEST_F(StationConfigTest, UnknownKeyIsAnError) {
    std::string message = errorFor("[printer]\nprot = 9100\n");
    EXPECT_NE(message.find(":2: printer.prot: unknown key"), std::string::npos) << message;
}

TEST_F(StationConfigTest, UnknownTopLevelTableIsAnError) {
    std::string message = errorFor("[printr]\nport = 9100\n");
    EXPECT_NE(message.find("printr: unknown key"), std::string::npos) << message;
}

TEST_F(StationConfigTest, ChoiceListsAllowedValues) {
    std::string message = errorFor(
        "[[scanner]]\nname = \"a\"\nkind = \"serial\"\n"
        "device = \"/dev/ttyACM0\"\nsuffix = \"enter\"\n");
    EXPECT_NE(message.find(":5: scanner[0].suffix: \"enter\" is not allowed; use one of: cr, "
                           "lf, crlf, tab"),
              std::string::npos)
        << message;
}

TEST_F(StationConfigTest, OutOfRangeShowsLimits) {
    std::string message = errorFor("[printer]\nport = 70000\n");
    EXPECT_NE(message.find("70000 is out of range; allowed is 1 to 65535"), std::string::npos)
        << message;
}

TEST_F(StationConfigTest, InvalidRegexIsReported) {
    std::string message = errorFor("[orders]\nnumber_pattern = \"SO-[0-9\"\n");
    EXPECT_NE(message.find(":2: orders.number_pattern: \"SO-[0-9\" is not a valid regular"),
              std::string::npos)
        << message;
}

TEST_F(StationConfigTest, SyntaxErrorHasLine) {
    std::string message = errorFor("[station]\nid = \"a\"\nbroken =\n");
    EXPECT_NE(message.find("station.toml:3: (syntax)"), std::string::npos) << message;
}

TEST_F(StationConfigTest, SerialScannerNeedsDevice) {
    std::string message = errorFor("[[scanner]]\nname = \"bench\"\nkind = \"serial\"\n");
    EXPECT_NE(message.find("scanner[0].device: a serial scanner needs device"), std::string::npos)
        << message;
}

TEST_F(StationConfigTest, ScannerNamesMustBeUnique) {
    std::string message = errorFor(
        "[[scanner]]\nname = \"a\"\nkind = \"stdin\"\n[[scanner]]\nname = \"a\"\nkind = "
        "\"stdin\"\n");
    EXPECT_NE(message.find("\"a\" is used by another scanner"), std::string::npos) << message;
}

TEST_F(StationConfigTest, GsSubstituteMustBeOneCharacter) {
    std::string message = errorFor(
        "[[scanner]]\nname = \"a\"\nkind = \"stdin\"\n"
        "gs_substitute = \"~~\"\n");
    EXPECT_NE(message.find("scanner[0].gs_substitute: \"~~\" must be exactly one character"),
              std::string::npos)
        << message;
}

TEST_F(StationConfigTest, DpiMustBeZebraResolution) {
    std::string message = errorFor("[printer]\ndpi = 250\n");
    EXPECT_NE(message.find("250 is not a Zebra print resolution"), std::string::npos) << message;
}

TEST_F(StationConfigTest, MissingFileIsReported) {
    try {
        loadConfig(directory_ / "absent.toml", environment_);
        FAIL() << "a missing file loaded";
    } catch (const ConfigError& error) {
        EXPECT_NE(std::string(error.what()).find("absent.toml:0: (file): cannot be read"),
                  std::string::npos)
            << error.what();
    }
}

TEST_F(StationConfigTest, ExampleConfigIsValid) {
    StationConfig config =
        loadConfig(std::filesystem::path(STATION_SOURCE_DIR) / "config" / "station.example.toml",
                   environment_);
    EXPECT_FALSE(config.scanners.empty());
}

TEST_F(StationConfigTest, ApiDefaultsToLoopback) {
    StationConfig config = defaultConfig(environment_);
    EXPECT_TRUE(config.api.enabled);
    EXPECT_EQ(config.api.listenAddress, "127.0.0.1");
    EXPECT_EQ(config.api.port, 8470);
    EXPECT_TRUE(config.api.token.empty());
}

TEST_F(StationConfigTest, ApiTableIsRead) {
    StationConfig config = loadConfig(write(R"([api]
listen = "::1"
port = 0
token = "s3cret"
max_body_bytes = 4096
)"),
                                      environment_);
    EXPECT_EQ(config.api.listenAddress, "::1");
    EXPECT_EQ(config.api.port, 0);
    EXPECT_EQ(config.api.token, "s3cret");
    EXPECT_EQ(config.api.maxBodyBytes, 4096u);
}

TEST_F(StationConfigTest, ApiListenMustBeAnAddress) {
    const std::string error = errorFor("[api]\nlisten = \"station.local\"\n");
    EXPECT_NE(error.find("station.toml:2: api.listen: \"station.local\" is not an IP address"),
              std::string::npos)
        << error;
    EXPECT_NE(errorFor("[api]\nport = 70000\n").find("api.port"), std::string::npos);
    EXPECT_NE(errorFor("[api]\nlisten_port = 1\n").find("api.listen_port: unknown key"),
              std::string::npos);
}

TEST_F(StationConfigTest, NonStandardBaudAndEmptyPatternAreRejected) {
    const std::string baud = errorFor(R"([[scanner]]
name = "s"
kind = "serial"
device = "/dev/ttyACM0"
baud = 12345
)");
    EXPECT_NE(baud.find("scanner[0].baud: 12345 is not a standard serial rate"), std::string::npos)
        << baud;
    const std::string pattern = errorFor("[orders]\nnumber_pattern = \"\"\n");
    EXPECT_NE(pattern.find("orders.number_pattern: must not be empty"), std::string::npos)
        << pattern;
}

TEST_F(StationConfigTest, ControlCharactersInStationIdAreRejected) {
    const std::string id = errorFor("[station]\nid = \"st-1\\nOK accepted\"\n");
    EXPECT_NE(id.find("station.toml:2: station.id: must not contain control characters"),
              std::string::npos)
        << id;
    EXPECT_NE(errorFor("[station]\noperator = \"a\\u001b[31m\"\n").find("station.operator"),
              std::string::npos);
}

TEST_F(StationConfigTest, DemoConfigIsValid) {
    StationConfig config =
        loadConfig(std::filesystem::path(STATION_SOURCE_DIR) / "demo" / "demo.toml", environment_);
    ASSERT_EQ(config.scanners.size(), 1u);
    EXPECT_EQ(config.scanners[0].kind, ScannerKind::Serial);
}

}  // namespace
}  // namespace station::config
