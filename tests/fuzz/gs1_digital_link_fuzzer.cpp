// Fuzzes GS1 Digital Link URIs: the input is the part after "https://example.com/".
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_checks.hpp"
#include "station/identity/identity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace station::identity;
    std::string scan = "https://example.com/";
    scan.append(reinterpret_cast<const char*>(data), size);
    fuzz::checkResult(parseScan(scan, "]Q1", fuzz::fuzzOptions()), scan);
    return 0;
}
