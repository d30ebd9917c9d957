#include "station/identity/identity.hpp"

#include <algorithm>

#include "station/identity/gs1_dates.hpp"
#include "station/identity/gs1_digital_link.hpp"
#include "station/identity/gs1_element_string.hpp"
#include "station/identity/hibc.hpp"
#include "station/identity/iso15434.hpp"
#include "station/identity/parse_support.hpp"
#include "station/identity/plain_code.hpp"

namespace station::identity {

namespace {

// Scanner suffixes and prefixes: CR, LF, TAB and spaces. GS, RS and EOT are data.
bool isTrimmed(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// AIM symbology identifiers whose content is a GS1 element string (ISO/IEC 15424 and the GS1
// General Specifications): GS1-128, GS1 DataMatrix, GS1 QR Code, GS1 DataBar
// and GS1 DotCode.
bool isGs1Symbology(std::string_view symbology) {
    return symbology == "]C1" || symbology == "]d2" || symbology == "]Q3" || symbology == "]e0" ||
           symbology == "]J1";
}

bool isAimIdentifier(std::string_view data) {
    auto isAlpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    auto isAlnum = [&](char c) { return isAlpha(c) || (c >= '0' && c <= '9'); };
    return data.size() >= 3 && data[0] == ']' && isAlpha(data[1]) && isAlnum(data[2]);
}

// True for content that is most likely a GS1 element string even without a symbology
// identifier: an SSCC, GTIN or CONTENT AI with its full value.
bool looksLikeGs1ElementString(std::string_view content) {
    if (content.size() < 16) {
        return false;
    }
    auto prefix = content.substr(0, 2);
    return (prefix == "00" || prefix == "01" || prefix == "02") &&
           std::all_of(content.begin(), content.begin() + 16,
                       [](char c) { return c >= '0' && c <= '9'; });
}

std::string substituteSeparators(std::string_view content, const ParseOptions& options) {
    std::string substituted{content};
    if (options.gsSubstitute) {
        std::replace(substituted.begin(), substituted.end(), *options.gsSubstitute,
                     kGroupSeparator);
    }
    return substituted;
}

ParseResult parseGs1(std::string_view content, std::size_t offset, const ParseOptions& options) {
    // Some scanners transmit the FNC1 in first position as a leading GS.
    while (!content.empty() && content.front() == kGroupSeparator) {
        content.remove_prefix(1);
        ++offset;
    }

    Gs1Elements parsed;
    auto error = looksLikeGs1HumanReadable(content)
                     ? parseGs1HumanReadable(content, offset, options, parsed)
                     : parseGs1ElementString(content, offset, options, parsed);
    if (!error) {
        error = checkGs1ElementRelations(parsed);
    }
    if (error) {
        return *error;
    }

    Identity identity;
    identity.format = Format::Gs1;
    identity.content = std::string{content};
    applyGs1Elements(parsed.elements, effectiveToday(options.today), identity);
    identity.elements = std::move(parsed.elements);
    return identity;
}

bool matchesAnySerialPattern(std::string_view content, std::string_view symbology,
                             const ParseOptions& options) {
    if (options.serialPatterns.empty()) {
        return false;
    }
    auto plain = parsePlainCode(content, 0, symbology, options);
    return plain.ok() && !plain.identity().matchingSkus.empty();
}

ParseResult dispatch(std::string_view content, std::size_t offset, std::string_view symbology,
                     const ParseOptions& options) {
    std::string substituted = substituteSeparators(content, options);
    if (isGs1Symbology(symbology)) {
        return parseGs1(substituted, offset, options);
    }
    if (looksLikeIso15434(content)) {
        return parseIso15434(substituted, offset, options);
    }
    if (looksLikeUri(content)) {
        return parseGs1DigitalLink(content, offset, options);
    }
    if (looksLikeHibc(content)) {
        return parseHibc(content, offset, options);
    }
    if (looksLikeGs1HumanReadable(content)) {
        return parseGs1(content, offset, options);
    }
    if (!symbology.empty()) {
        return parsePlainCode(content, offset, symbology, options);
    }

    // No symbology identifier: read by the content.
    if (matchesAnySerialPattern(content, symbology, options)) {
        return parsePlainCode(content, offset, symbology, options);
    }
    bool hasSeparator = substituted.find(kGroupSeparator) != std::string::npos;
    if (hasSeparator || looksLikeGs1ElementString(content)) {
        return parseGs1(substituted, offset, options);
    }
    return parsePlainCode(content, offset, symbology, options);
}

}  // namespace

std::string_view formatName(Format format) {
    switch (format) {
        case Format::Gs1:
            return "gs1";
        case Format::Gs1DigitalLink:
            return "gs1-digital-link";
        case Format::Iso15434:
            return "iso15434";
        case Format::Hibc:
            return "hibc";
        case Format::Plain:
            return "plain";
    }
    return "plain";
}

ParseResult parseScan(std::string_view data, std::string_view symbology,
                      const ParseOptions& options) {
    std::size_t begin = 0;
    std::size_t end = data.size();
    while (begin < end && isTrimmed(data[begin])) {
        ++begin;
    }
    while (end > begin && isTrimmed(data[end - 1])) {
        --end;
    }
    if (begin == end) {
        return makeError("empty", "The scan is empty after removing whitespace", begin);
    }

    auto content = data.substr(begin, end - begin);
    std::size_t offset = begin;
    std::string symbologyId{symbology};
    if (isAimIdentifier(content) && (symbology.empty() || content.starts_with(symbology))) {
        symbologyId = std::string{content.substr(0, 3)};
        content.remove_prefix(3);
        offset += 3;
        if (content.empty()) {
            return makeError("empty",
                             "The scan has a symbology identifier " + symbologyId + " but no data",
                             offset);
        }
    }

    auto result = dispatch(content, offset, symbologyId, options);
    if (result.ok()) {
        result.identity().symbology = symbologyId;
    }
    return result;
}

}  // namespace station::identity
