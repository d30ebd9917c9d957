// Fuzzes HIBC data structures: the input follows the leading "+".
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_checks.hpp"
#include "station/identity/identity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace station::identity;
    std::string scan = "+";
    scan.append(reinterpret_cast<const char*>(data), size);
    fuzz::checkResult(parseScan(scan, "]C0", fuzz::fuzzOptions()), scan);
    return 0;
}
