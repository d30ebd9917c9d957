// `stationd --check-config` must reject a config file that start-up would reject, and the
// carton template is part of that: a missing or broken template stops the daemon at start.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "tests/station/child_process.hpp"
#include "tests/station/test_directory.hpp"

namespace station {
namespace {

const std::filesystem::path kBinaryDir = STATION_BINARY_DIR;
const std::filesystem::path kSourceDir = STATION_SOURCE_DIR;

std::string readFile(const std::filesystem::path& file) {
    std::ifstream stream(file, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

class CheckConfigTemplateTest : public ::testing::Test {
protected:
    // Runs `stationd --check-config` on a config whose carton template is `templatePath`, and
    // returns its exit code, or -1 when it did not exit normally within 10 seconds.
    int check(const std::filesystem::path& templatePath) {
        std::ofstream(directory_ / "station.toml")
            << "[station]\nstate_dir = \"" << directory_.string() << "\"\n"
            << "[label]\ncarton_template = \"" << templatePath.string() << "\"\n";
        testing::ChildProcess checker(
            kBinaryDir / "station" / "stationd",
            std::vector<std::string>{"--check-config", (directory_ / "station.toml").string()},
            directory_ / "check.log");
        const int status = checker.stop(0);
        if (status == -1 || !WIFEXITED(status)) {
            return -1;
        }
        return WEXITSTATUS(status);
    }

    std::string errors() const { return readFile(directory_ / "check.log"); }

    testing::TestDirectory tempDir_;
    const std::filesystem::path& directory_ = tempDir_.path();
};

TEST_F(CheckConfigTemplateTest, MissingTemplateFails) {
    EXPECT_EQ(check(directory_ / "missing.zpl"), 1);
    EXPECT_NE(errors().find("label.carton_template"), std::string::npos) << errors();
    EXPECT_NE(errors().find("missing.zpl"), std::string::npos) << errors();
}

TEST_F(CheckConfigTemplateTest, BrokenTemplateFails) {
    std::ofstream(directory_ / "broken.zpl") << "^XA\n^FO40,30^A0N,56,50^FD{{order^FS\n^XZ\n";
    EXPECT_EQ(check(directory_ / "broken.zpl"), 1);
    EXPECT_NE(errors().find("broken.zpl:2"), std::string::npos) << errors();
}

TEST_F(CheckConfigTemplateTest, ShippedTemplatePasses) {
    EXPECT_EQ(check(kSourceDir / "print" / "templates" / "carton.zpl"), 0) << errors();
}

}  // namespace
}  // namespace station
