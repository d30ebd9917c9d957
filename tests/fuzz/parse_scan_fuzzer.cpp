// Fuzzes parseScan, the entry point every input path uses. The first byte picks the symbology
// and the options, the rest is the scan.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "station/identity/identity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace station::identity;
    if (size == 0) {
        return 0;
    }
    constexpr std::string_view kSymbologies[] = {"",    "]d2", "]C1", "]Q3",
                                                 "]Q1", "]C0", "]E0", "]e0"};
    std::uint8_t selector = data[0];
    std::string_view scan{reinterpret_cast<const char*>(data + 1), size - 1};

    auto options = fuzz::fuzzOptions();
    if (selector & 0x08) {
        options.gsSubstitute = '~';
    }
    options.separatorsTrusted = (selector & 0x10) != 0;
    if (selector & 0x20) {
        options.serialPatterns = {{"SKU-1", "[A-Z]{2}[0-9]{1,8}"}};
    }
    auto result = parseScan(scan, kSymbologies[selector & 0x07], options);
    fuzz::checkResult(result, scan);
    return 0;
}
