// Fuzzes GS1 element strings, with and without GS separators, and the human-readable form.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "station/identity/identity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace station::identity;
    std::string_view scan{reinterpret_cast<const char*>(data), size};
    auto options = fuzz::fuzzOptions();
    fuzz::checkResult(parseScan(scan, "]d2", options), scan);
    options.separatorsTrusted = true;
    fuzz::checkResult(parseScan(scan, "]C1", options), scan);
    return 0;
}
