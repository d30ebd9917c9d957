#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace station::identity {

// Character sets of the GS1 General Specifications.
enum class Gs1Charset {
    Numeric,  // digits only
    Cset82,   // the 82 characters of GS1 CSET 82
    Cset39,   // digits, upper-case letters, '#', '-', '/'
    Cset64,   // URL-safe base64 letters and '='
};

// A check applied to one component of an AI value on top of its character set and length.
enum class Gs1Rule {
    None,
    CheckDigit,      // GS1 mod 10 over the whole component
    Date,            // YYMMDD
    DateZeroDay,     // YYMMDD where DD = 00 means the last day of the month
    Date8,           // YYYYMMDD
    DateHour,        // YYMMDDHH
    MinuteSecond,    // MM or MMSS
    Hhmm,            // HHMM
    CountryNumeric,  // ISO 3166 numeric code: three digits
    CountryList,     // further ISO 3166 numeric codes, three digits each
    CountryAlpha2,   // ISO 3166 alpha-2 code: two upper-case letters
    Currency,        // ISO 4217 numeric code: three digits
    YesNo,           // 0 or 1
    BiologicalSex,   // ISO/IEC 5218: 0, 1, 2 or 9
    LatLong,         // 10-digit latitude and 10-digit longitude, shifted to be non-negative
    PercentEncoded,  // '%' must be followed by two hex digits
    Zero,            // the single digit 0
    Hyphen,          // the single character '-'
    Slash,           // the single character '/'
    Iban,            // ISO 13616 mod 97
    CheckPair,       // two check characters of an alphanumeric key (GMN)
    NonZero,         // a number other than 0 (the dimensions of AI 8001)
    Winding,         // 0, 1 or 9 (winding direction of AI 8001)
    PieceOfTotal,    // NNTT: piece NN of TT, both non-zero and NN <= TT
    NoZeroPrefix,    // no leading 0 unless the value is "0"
};

struct Gs1Component {
    Gs1Charset charset = Gs1Charset::Cset82;
    std::uint8_t minLength = 1;
    std::uint8_t maxLength = 1;
    bool optional = false;
    Gs1Rule rule = Gs1Rule::None;
};

// One Application Identifier of the GS1 Barcode Syntax Dictionary.
struct Gs1AiDefinition {
    std::string ai;
    std::string title;   // the GS1 data title, such as "BATCH/LOT"
    std::string format;  // the format as written in the table, such as "N3,iso4217 N..15"
    std::vector<Gs1Component> components;
    std::size_t minLength = 0;  // of the value, without the AI
    std::size_t maxLength = 0;
    // True when the first two digits of the AI are in the predefined-length table (section
    // 7.8.5), so no FNC1 separator follows the element.
    bool predefinedLength = false;
    // True for AIs whose last digit gives the number of decimal places (31nn-36nn, 390n-395n).
    bool lastDigitIsDecimalPoint = false;
    // True for AIs whose date may have DD = 00 (11, 12, 13, 15, 16, 17, 4324, 4325).
    bool zeroDayAllowed = false;
};

// Returns every AI in the table, sorted by AI.
const std::vector<Gs1AiDefinition>& gs1AiTable();

// Returns the AI that `data` starts with, or nullptr when its first digits are no known AI.
// AIs are prefix-free, so at most one matches.
const Gs1AiDefinition* findGs1Ai(std::string_view data);

// Returns the element length (AI and value) that the predefined-length table of the GS1
// General Specifications gives for AIs starting with `firstTwoDigits`, or nothing.
std::optional<std::size_t> gs1PredefinedElementLength(std::string_view firstTwoDigits);

// Returns true when `c` is in the character set.
bool isInGs1Charset(char c, Gs1Charset charset);

// Returns the name used in messages: "numeric", "CSET 82", "CSET 39", "CSET 64".
std::string_view gs1CharsetName(Gs1Charset charset);

}  // namespace station::identity
