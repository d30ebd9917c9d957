#include "station/identity/plain_code.hpp"

#include <algorithm>
#include <memory>
#include <regex>
#include <unordered_map>
#include <variant>

#include "station/identity/check_digits.hpp"
#include "station/identity/parse_support.hpp"

namespace station::identity {

namespace {

std::string quoted(std::string_view value) {
    return "\"" + escapeForMessage(value) + "\"";
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// A compiled pattern, or the compiler's message when the pattern is invalid.
using CompiledPattern = std::variant<std::shared_ptr<const std::regex>, std::string>;

// Compiles `pattern` once per thread. Compiling costs tens of microseconds, far more than
// matching a serial, and the patterns come from the configuration, so they rarely change.
const CompiledPattern& compilePattern(const std::string& pattern) {
    constexpr std::size_t kMaxCachedPatterns = 256;
    thread_local std::unordered_map<std::string, CompiledPattern> cache;

    if (auto it = cache.find(pattern); it != cache.end()) {
        return it->second;
    }
    if (cache.size() >= kMaxCachedPatterns) {
        cache.clear();
    }

    CompiledPattern compiled;
    try {
        compiled = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
        compiled = std::string{error.what()};
    }
    return cache.emplace(pattern, std::move(compiled)).first->second;
}

}  // namespace

ParseResult parsePlainCode(std::string_view content, std::size_t offset, std::string_view symbology,
                           const ParseOptions& options) {
    if (content.empty()) {
        return makeError("empty", "The scan is empty", offset);
    }
    if (content.size() > kMaxPlainCodeLength) {
        return makeError("value_too_long",
                         "Plain code of " + std::to_string(content.size()) +
                             " bytes is longer than the maximum of " +
                             std::to_string(kMaxPlainCodeLength),
                         offset + kMaxPlainCodeLength);
    }
    for (std::size_t i = 0; i < content.size(); ++i) {
        auto byte = static_cast<unsigned char>(content[i]);
        if (byte < 0x20 || byte == 0x7f) {
            return makeError("invalid_character",
                             "Plain code " + quoted(content) + " contains the control character " +
                                 quoted(content.substr(i, 1)),
                             offset + i);
        }
    }

    Identity identity;
    identity.format = Format::Plain;
    identity.content = std::string{content};

    // An EAN-13 carries a GTIN-13: check it and widen it to 14 digits.
    if (symbology == "]E0" && content.size() == 13 &&
        std::all_of(content.begin(), content.end(), isDigit)) {
        if (!hasValidGs1CheckDigit(content)) {
            return makeError("bad_check_digit",
                             "EAN-13 " + quoted(content) + " has a wrong check digit", offset + 12);
        }
        identity.gtin = "0" + std::string{content};
        identity.elements.push_back(Element{"gtin", identity.gtin});
        return identity;
    }

    identity.elements.push_back(Element{"data", std::string{content}});
    if (options.serialPatterns.empty()) {
        return identity;
    }

    for (const auto& pattern : options.serialPatterns) {
        const auto& compiled = compilePattern(pattern.regex);
        if (const auto* message = std::get_if<std::string>(&compiled)) {
            return makeError("invalid_pattern",
                             "Serial pattern " + quoted(pattern.regex) + " of SKU " +
                                 quoted(pattern.sku) + " is not a valid regular expression: " +
                                 *message + "; fix it in the configuration",
                             offset);
        }
        const auto& expression = *std::get<std::shared_ptr<const std::regex>>(compiled);
        try {
            if (std::regex_match(content.begin(), content.end(), expression)) {
                identity.matchingSkus.push_back(pattern.sku);
            }
        } catch (const std::regex_error& error) {
            // The standard lets a match throw error_complexity or error_stack on hard input.
            return makeError("invalid_pattern",
                             "Serial pattern " + quoted(pattern.regex) + " of SKU " +
                                 quoted(pattern.sku) + " failed on " + quoted(content) + ": " +
                                 error.what() + "; simplify the pattern in the configuration",
                             offset);
        }
    }
    if (identity.matchingSkus.empty()) {
        return makeError("no_matching_pattern",
                         "Plain code " + quoted(content) +
                             " matches no configured serial pattern, so it is no known item's "
                             "serial",
                         offset);
    }
    if (identity.matchingSkus.size() == 1) {
        identity.sku = identity.matchingSkus.front();
    }
    identity.serial = std::string{content};
    identity.elements.back().id = "serial";
    return identity;
}

}  // namespace station::identity
