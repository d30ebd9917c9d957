#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace station::identity {

// Which encoding a scan's content was read as.
enum class Format { Gs1, Gs1DigitalLink, Iso15434, Hibc, Plain };

// Returns the wire name used in JSON output: "gs1", "gs1-digital-link", "iso15434", "hibc",
// "plain".
std::string_view formatName(Format format);

// One data element in the order it appeared: a GS1 AI ("01"), an ANSI MH10.8.2 data
// identifier ("1P"), or a HIBC field name.
struct Element {
    std::string id;
    std::string value;

    bool operator==(const Element&) const = default;
};

// A unit identity parsed from one scan. Fields are empty when the scan did not carry them.
struct Identity {
    Format format = Format::Plain;
    std::string symbology;  // AIM identifier such as "]d2" when known

    std::string gtin;  // 14 digits, check digit verified
    std::string sscc;
    std::string sku;  // plain codes matched to a SKU by the configured serial patterns
    // Every SKU whose serial pattern matched a plain code; `sku` is set only when there is one.
    std::vector<std::string> matchingSkus;
    std::string serial;
    std::string lot;
    std::optional<std::chrono::year_month_day> expiry;
    std::optional<std::chrono::year_month_day> bestBefore;
    std::optional<std::chrono::year_month_day> productionDate;
    std::optional<long long> quantity;
    std::string partNumber;

    // HIBC only.
    std::string labeler;
    std::string product;
    std::string unitOfMeasure;

    std::vector<Element> elements;
    // The content after trimming, with GS substitutes turned back into GS.
    std::string content;
};

// Why a scan could not be parsed. `kind` is a stable snake_case token for programs
// (bad_check_digit, invalid_date, unknown_ai, missing_separator, value_too_long,
// invalid_character, ...); `message` names the AI or field and the value for people.
struct ParseError {
    std::string kind;
    std::string message;
    std::size_t offset = 0;  // byte offset into the scan as given to the parser
};

// A per-SKU pattern that lets a bare serial on a plain barcode be accepted for one SKU.
struct SerialPattern {
    std::string sku;
    std::string regex;  // ECMAScript syntax, matched against the whole content
};

struct ParseOptions {
    // A character that a keyboard-wedge scanner sends in place of GS (0x1D), or none.
    std::optional<char> gsSubstitute;
    // The day used to judge dates; only used by checks that depend on "today".
    std::chrono::year_month_day today{};
    std::vector<SerialPattern> serialPatterns;
    // True when the source is known to deliver every GS (FNC1), as an image decoder does. When
    // false, a GS1 element string without any GS is accepted only if it reads one way alone.
    bool separatorsTrusted = false;
};

class ParseResult {
public:
    ParseResult(Identity identity) : value_(std::move(identity)) {}
    ParseResult(ParseError error) : value_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<Identity>(value_); }
    explicit operator bool() const { return ok(); }
    const Identity& identity() const { return std::get<Identity>(value_); }
    Identity& identity() { return std::get<Identity>(value_); }
    const ParseError& error() const { return std::get<ParseError>(value_); }

private:
    std::variant<Identity, ParseError> value_;
};

// Parses one scan into a unit identity. `symbology` is the AIM identifier reported by the
// device, or empty; a symbology identifier at the start of `data` is recognised too.
// Never throws on bad input: every refusal is a ParseError.
ParseResult parseScan(std::string_view data, std::string_view symbology,
                      const ParseOptions& options);

}  // namespace station::identity
