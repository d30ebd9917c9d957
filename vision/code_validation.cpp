#include "vision/code_validation.hpp"

#include <algorithm>
#include <cctype>

#ifdef STATION_HAVE_IDENTITY
#include "station/identity/identity.hpp"
#endif

namespace station::vision {
namespace {

bool allDigits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool fail(std::string* reason, std::string text) {
    if (reason != nullptr) {
        *reason = std::move(text);
    }
    return false;
}

}  // namespace

bool hasValidGs1CheckDigit(std::string_view digits) {
    if (digits.size() < 2 || !allDigits(digits)) {
        return false;
    }
    // Weights alternate 3 and 1 starting from the digit next to the check digit.
    int sum = 0;
    int weight = 3;
    for (auto it = digits.rbegin() + 1; it != digits.rend(); ++it) {
        sum += (*it - '0') * weight;
        weight = 4 - weight;
    }
    int expected = (10 - sum % 10) % 10;
    return expected == digits.back() - '0';
}

bool isGs1Symbology(std::string_view symbology) {
    return symbology == "]d2" || symbology == "]C1" || symbology == "]e0" || symbology == "]Q3";
}

bool isWellFormed(const DecodedCode& code, bool retried, std::string* reason) {
    if (code.text.empty()) {
        return fail(reason, "empty content");
    }

    const std::string& format = code.format;
    if (format == "EAN-13" || format == "EAN-8" || format == "UPC-A") {
        // The symbol text can carry an add-on after a space; the check digit covers the main
        // number only.
        std::string_view main = std::string_view(code.text).substr(0, code.text.find(' '));
        if (!hasValidGs1CheckDigit(main)) {
            return fail(reason, "bad check digit");
        }
    }
    if (format == "ITF" && (retried || code.text.size() == 14)) {
        if (code.text.size() != 14 || !hasValidGs1CheckDigit(code.text)) {
            return fail(reason, "not an ITF-14 with a valid check digit");
        }
    }

#ifdef STATION_HAVE_IDENTITY
    // A plain read reports what the symbol holds, even GS1 data that breaks the GS1 rules, so
    // that the daemon's parser can tell the packer what is wrong with the label. A retried read
    // must also be valid GS1, because a transform must never turn noise into a unit.
    if (retried && isGs1Symbology(code.symbology)) {
        identity::ParseOptions options;
        auto parsed = identity::parseScan(code.text, code.symbology, options);
        // A symbol carries its FNC1 separators exactly, so a reading the parser calls
        // ambiguous for want of a separator is still the symbol's own content.
        if (!parsed.ok() && parsed.error().kind != "missing_separator") {
            return fail(reason, "GS1 syntax: " + parsed.error().message);
        }
    }
#endif
    return true;
}

}  // namespace station::vision
