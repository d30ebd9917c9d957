// Fuzzes plain codes against serial patterns, including the regular expression matching.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "station/identity/identity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace station::identity;
    std::string_view scan{reinterpret_cast<const char*>(data), size};
    auto options = fuzz::fuzzOptions();
    options.serialPatterns = {{"SKU-1", "[A-Z]{2}[0-9]{1,8}"}, {"SKU-2", "(SN|SER)-?[0-9A-F]+"}};
    fuzz::checkResult(parseScan(scan, "]C0", options), scan);
    fuzz::checkResult(parseScan(scan, "", options), scan);
    return 0;
}
