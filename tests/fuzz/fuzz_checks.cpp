#include "fuzz_checks.hpp"

#include <cstdio>
#include <cstdlib>

#include "station/identity/gs1_ai_table.hpp"
#include "station/identity/gs1_element_string.hpp"

namespace station::identity::fuzz {

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
}

}  // namespace

ParseOptions fuzzOptions() {
    using namespace std::chrono_literals;
    ParseOptions options;
    options.today = std::chrono::year_month_day{2026y, std::chrono::June, 15d};
    return options;
}

void checkResult(const ParseResult& result, std::string_view input) {
    if (!result.ok()) {
        const auto& error = result.error();
        if (error.offset > input.size()) {
            fail("error offset past the end of the input");
        }
        if (error.kind.empty() || error.message.empty()) {
            fail("error without kind or message");
        }
        for (char c : error.message) {
            auto byte = static_cast<unsigned char>(c);
            if (byte < 0x20 || byte == 0x7f) {
                fail("raw control byte in an error message");
            }
        }
        return;
    }

    const auto& identity = result.identity();
    if (identity.format != Format::Gs1 && identity.format != Format::Gs1DigitalLink) {
        return;
    }
    for (const auto& element : identity.elements) {
        const auto* ai = findGs1Ai(element.id);
        if (ai == nullptr || ai->ai != element.id) {
            fail("GS1 element with an AI that is not in the table");
        }
        if (validateGs1Value(*ai, element.value, 0, fuzzOptions().today)) {
            fail("GS1 element whose value does not validate");
        }
    }
}

}  // namespace station::identity::fuzz
