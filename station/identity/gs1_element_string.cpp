#include "station/identity/gs1_element_string.hpp"

#include <algorithm>
#include <array>

#include "station/identity/check_digits.hpp"
#include "station/identity/gs1_dates.hpp"
#include "station/identity/parse_support.hpp"

namespace station::identity {

namespace {

std::string aiLabel(const Gs1AiDefinition& ai) {
    return "AI (" + ai.ai + ") " + ai.title;
}

std::string quoted(std::string_view value) {
    return "\"" + escapeForMessage(value) + "\"";
}

bool isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

bool allOf(std::string_view value, bool (*predicate)(char)) {
    return std::all_of(value.begin(), value.end(), predicate);
}

unsigned long long toNumber(std::string_view digits) {
    unsigned long long number = 0;
    for (char c : digits) {
        number = number * 10 + static_cast<unsigned>(c - '0');
    }
    return number;
}

bool isValidMinuteSecond(std::string_view value) {
    if (value.size() != 2 && value.size() != 4) {
        return false;
    }
    for (std::size_t i = 0; i < value.size(); i += 2) {
        if (toNumber(value.substr(i, 2)) > 59) {
            return false;
        }
    }
    return true;
}

bool isValidPercentEncoding(std::string_view value) {
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '%') {
            continue;
        }
        if (i + 2 >= value.size() || !isHexDigit(value[i + 1]) || !isHexDigit(value[i + 2])) {
            return false;
        }
        i += 2;
    }
    return true;
}

// Checks one component's extra rule. Returns the error kind and a description of what was
// expected, or nothing when the component is valid.
std::optional<std::pair<std::string_view, std::string>> checkRule(
    Gs1Rule rule, std::string_view part, std::chrono::year_month_day today) {
    using Failure = std::pair<std::string_view, std::string>;
    switch (rule) {
        case Gs1Rule::None:
        case Gs1Rule::CountryNumeric:
        case Gs1Rule::Currency:
            return std::nullopt;
        case Gs1Rule::CheckPair: {
            if (hasValidGs1CheckCharacterPair(part)) {
                return std::nullopt;
            }
            if (part.size() < 3) {
                return Failure{"value_too_short",
                               "expected at least one character and the two check characters"};
            }
            auto expected = gs1CheckCharacterPair(part.substr(0, part.size() - 2));
            return Failure{"bad_check_digit",
                           "check character pair " + std::string{part.substr(part.size() - 2)} +
                               " is wrong; expected " + expected.value_or("none (invalid data)")};
        }
        case Gs1Rule::CheckDigit:
            if (!hasValidGs1CheckDigit(part)) {
                auto expected = gs1CheckDigit(part.substr(0, part.size() - 1));
                return Failure{"bad_check_digit", "check digit " + std::string(1, part.back()) +
                                                      " is wrong; expected " +
                                                      std::string(1, expected.value_or('?'))};
            }
            return std::nullopt;
        case Gs1Rule::Date:
        case Gs1Rule::DateZeroDay:
            if (!parseYymmdd(part, rule == Gs1Rule::DateZeroDay, today)) {
                return Failure{"invalid_date", rule == Gs1Rule::DateZeroDay
                                                   ? "expected a date YYMMDD (DD 00 allowed)"
                                                   : "expected a date YYMMDD"};
            }
            return std::nullopt;
        case Gs1Rule::Date8:
            if (!parseYyyymmdd(part)) {
                return Failure{"invalid_date", "expected a date YYYYMMDD"};
            }
            return std::nullopt;
        case Gs1Rule::DateHour:
            if (!parseYymmdd(part.substr(0, 6), false, today) || toNumber(part.substr(6)) > 23) {
                return Failure{"invalid_date", "expected a date and hour YYMMDDHH"};
            }
            return std::nullopt;
        case Gs1Rule::MinuteSecond:
            if (!isValidMinuteSecond(part)) {
                return Failure{"invalid_date", "expected minutes MM or MMSS"};
            }
            return std::nullopt;
        case Gs1Rule::Hhmm:
            if (!isValidHhmm(part)) {
                return Failure{"invalid_date", "expected a time HHMM"};
            }
            return std::nullopt;
        case Gs1Rule::CountryList:
            if (part.size() % 3 != 0) {
                return Failure{"invalid_value", "expected ISO 3166 codes of three digits each"};
            }
            return std::nullopt;
        case Gs1Rule::CountryAlpha2:
            if (!allOf(part, [](char c) { return c >= 'A' && c <= 'Z'; })) {
                return Failure{"invalid_value", "expected an ISO 3166 alpha-2 country code"};
            }
            return std::nullopt;
        case Gs1Rule::YesNo:
            if (part != "0" && part != "1") {
                return Failure{"invalid_value", "expected 0 or 1"};
            }
            return std::nullopt;
        case Gs1Rule::BiologicalSex:
            if (part != "0" && part != "1" && part != "2" && part != "9") {
                return Failure{"invalid_value", "expected an ISO/IEC 5218 code 0, 1, 2 or 9"};
            }
            return std::nullopt;
        case Gs1Rule::LatLong:
            if (toNumber(part.substr(0, 10)) > 1800000000ULL ||
                toNumber(part.substr(10)) > 3599999999ULL) {
                return Failure{"invalid_value",
                               "expected latitude 0-1800000000 and longitude "
                               "0-3599999999"};
            }
            return std::nullopt;
        case Gs1Rule::PercentEncoded:
            if (!isValidPercentEncoding(part)) {
                return Failure{"invalid_value", "'%' must be followed by two hex digits"};
            }
            return std::nullopt;
        case Gs1Rule::Zero:
            if (part != "0") {
                return Failure{"invalid_value", "expected the digit 0"};
            }
            return std::nullopt;
        case Gs1Rule::Hyphen:
            if (part != "-") {
                return Failure{"invalid_value", "expected '-' for a negative temperature"};
            }
            return std::nullopt;
        case Gs1Rule::Slash:
            if (part != "/") {
                return Failure{"invalid_value", "expected '/'"};
            }
            return std::nullopt;
        case Gs1Rule::NonZero:
            if (toNumber(part) == 0) {
                return Failure{"invalid_value", "expected a number other than 0"};
            }
            return std::nullopt;
        case Gs1Rule::Winding:
            if (part != "0" && part != "1" && part != "9") {
                return Failure{"invalid_value", "expected winding direction 0, 1 or 9"};
            }
            return std::nullopt;
        case Gs1Rule::PieceOfTotal: {
            auto piece = toNumber(part.substr(0, 2));
            auto total = toNumber(part.substr(2, 2));
            if (piece == 0 || total == 0 || piece > total) {
                return Failure{"invalid_value",
                               "expected piece number and total, both non-zero, piece <= total"};
            }
            return std::nullopt;
        }
        case Gs1Rule::NoZeroPrefix:
            if (part.size() > 1 && part.front() == '0') {
                return Failure{"invalid_value", "expected no leading zero"};
            }
            return std::nullopt;
        case Gs1Rule::Iban:
            if (!hasValidIbanCheck(part)) {
                return Failure{"bad_check_digit", "expected an IBAN that passes the mod 97 check"};
            }
            return std::nullopt;
    }
    return std::nullopt;
}

std::string lengthText(const Gs1AiDefinition& ai) {
    if (ai.minLength == ai.maxLength) {
        return "exactly " + std::to_string(ai.maxLength);
    }
    return std::to_string(ai.minLength) + " to " + std::to_string(ai.maxLength);
}

ParseError unknownAiError(std::string_view rest, std::size_t offset) {
    std::size_t shown = 0;
    while (shown < rest.size() && shown < 4 && rest[shown] >= '0' && rest[shown] <= '9') {
        ++shown;
    }
    if (shown == 0) {
        return makeError("unknown_ai",
                         "Expected a GS1 Application Identifier (digits) at " +
                             quoted(rest.substr(0, 8)) +
                             "; the scan is not a valid GS1 element "
                             "string",
                         offset);
    }
    return makeError("unknown_ai",
                     "Unknown GS1 Application Identifier at " + quoted(rest.substr(0, 8)) +
                         ": no AI in the GS1 General Specifications starts with " +
                         quoted(rest.substr(0, shown)),
                     offset);
}

// Reading of an element string by the strict rule: a variable-length value runs to the next
// GS or to the end.
std::optional<ParseError> parseStrict(std::string_view content, std::size_t offset,
                                      std::chrono::year_month_day today, Gs1Elements& out) {
    std::size_t pos = 0;
    while (pos < content.size()) {
        if (content[pos] == kGroupSeparator) {
            ++pos;
            continue;
        }
        const auto* ai = findGs1Ai(content.substr(pos));
        if (ai == nullptr) {
            return unknownAiError(content.substr(pos), offset + pos);
        }

        std::size_t valueStart = pos + ai->ai.size();
        std::size_t valueEnd = content.find(kGroupSeparator, valueStart);
        if (valueEnd == std::string_view::npos) {
            valueEnd = content.size();
        }
        if (ai->minLength == ai->maxLength) {
            valueEnd = std::min(valueEnd, valueStart + ai->maxLength);
        }

        auto value = content.substr(valueStart, valueEnd - valueStart);
        if (auto error = validateGs1Value(*ai, value, offset + valueStart, today)) {
            return error;
        }
        out.elements.push_back(Element{ai->ai, std::string{value}});
        out.offsets.push_back(offset + pos);
        pos = valueEnd;
    }
    return std::nullopt;
}

// Every reading of an element string that has no GS: at each AI, every value length that the
// table allows and that validates. Counts are capped at 2 because only "one" matters.
class SplitCounter {
public:
    // Counts from the end backwards, so that no recursion depth grows with the input.
    SplitCounter(std::string_view content, std::chrono::year_month_day today)
        : content_(content),
          counts_(content.size() + 1, 0),
          firstLength_(content.size() + 1, 0),
          secondLength_(content.size() + 1, 0) {
        counts_[content.size()] = 1;
        for (std::size_t pos = content.size(); pos-- > 0;) {
            countAt(pos, today);
        }
    }

    int count(std::size_t pos) const { return counts_[pos]; }
    std::size_t firstLength(std::size_t pos) const { return firstLength_[pos]; }
    std::size_t secondLength(std::size_t pos) const { return secondLength_[pos]; }

private:
    void countAt(std::size_t pos, std::chrono::year_month_day today) {
        const auto* ai = findGs1Ai(content_.substr(pos));
        if (ai == nullptr) {
            return;
        }

        int total = 0;
        std::size_t valueStart = pos + ai->ai.size();
        std::size_t available = content_.size() - std::min(valueStart, content_.size());
        std::size_t longest = std::min(ai->maxLength, available);
        // Stop at the second viable length, so that an ambiguity is reported where it starts.
        for (std::size_t length = ai->minLength; length <= longest && secondLength_[pos] == 0;
             ++length) {
            int rest = counts_[valueStart + length];
            if (rest == 0 || validateGs1Value(*ai, content_.substr(valueStart, length), 0, today)) {
                continue;
            }
            if (total == 0) {
                firstLength_[pos] = length;
            } else {
                secondLength_[pos] = length;
            }
            total = std::min(2, total + rest);
        }
        counts_[pos] = static_cast<signed char>(total);
    }

    std::string_view content_;
    std::vector<signed char> counts_;
    std::vector<std::size_t> firstLength_;
    std::vector<std::size_t> secondLength_;
};

bool hasVariableLengthElement(const Gs1Elements& parsed) {
    return std::any_of(parsed.elements.begin(), parsed.elements.end(), [](const Element& e) {
        const auto* ai = findGs1Ai(e.id);
        return ai != nullptr && ai->minLength != ai->maxLength;
    });
}

ParseError ambiguityError(std::string_view content, std::size_t offset,
                          const SplitCounter& counter) {
    // Follow the first reading up to the first AI whose value could end in two places.
    std::size_t pos = 0;
    while (pos < content.size()) {
        const auto* ai = findGs1Ai(content.substr(pos));
        std::size_t valueStart = pos + ai->ai.size();
        std::size_t first = counter.firstLength(pos);
        std::size_t second = counter.secondLength(pos);
        if (second != 0) {
            return makeError(
                "missing_separator",
                aiLabel(*ai) + ": no GS (FNC1) separator was received, so the value could be " +
                    quoted(content.substr(valueStart, first)) + " or " +
                    quoted(content.substr(valueStart, second)) +
                    "; configure the scanner to transmit GS (FNC1), or set gs_substitute to "
                    "the character it sends instead",
                offset + pos);
        }
        pos = valueStart + first;
    }
    return makeError("missing_separator",
                     "No GS (FNC1) separator was received and the element string can be read in "
                     "more than one way; configure the scanner to transmit GS (FNC1)",
                     offset);
}

struct ExclusivePair {
    std::string_view first;
    std::string_view second;
};

// Pairs that must not appear in one scan: the invalid pairs of the GS1 General Specifications
// as the "ex=" keys of the GS1 Barcode Syntax Dictionary list them, and 03 (MTO
// GTIN) with the other trade item keys. 'n' stands for any digit.
constexpr ExclusivePair kExclusivePairs[] = {
    {"01", "02"},     {"01", "03"},     {"02", "03"},     {"01", "37"},     {"03", "37"},
    {"01", "255"},    {"01", "8006"},   {"37", "8006"},   {"02", "8026"},   {"8006", "8026"},
    {"02", "255"},    {"255", "415"},   {"255", "8006"},  {"255", "8020"},  {"255", "8026"},
    {"21", "235"},    {"390n", "391n"}, {"390n", "394n"}, {"390n", "8111"}, {"392n", "393n"},
    {"394n", "8111"}, {"395n", "392n"}, {"395n", "393n"}, {"395n", "8005"}, {"420", "421"},
    {"421", "4307"},  {"422", "426"},   {"423", "426"},   {"424", "426"},   {"425", "426"},
    {"4330", "4331"}, {"4332", "4333"}, {"7250", "7251"}, {"7253", "7256"}, {"7253", "7259"},
    {"7254", "7256"}, {"7254", "7259"}, {"7255", "7256"}, {"7255", "7259"}, {"7256", "7259"},
    {"8017", "8018"},
};

bool matchesPattern(std::string_view ai, std::string_view pattern) {
    if (ai.size() != pattern.size()) {
        return false;
    }
    for (std::size_t i = 0; i < ai.size(); ++i) {
        if (pattern[i] != 'n' && pattern[i] != ai[i]) {
            return false;
        }
    }
    return true;
}

bool isExclusivePair(std::string_view a, std::string_view b) {
    for (const auto& pair : kExclusivePairs) {
        if ((matchesPattern(a, pair.first) && matchesPattern(b, pair.second)) ||
            (matchesPattern(b, pair.first) && matchesPattern(a, pair.second))) {
            return true;
        }
    }

    // One measure given twice with different decimal places, such as 3102 and 3103.
    const auto* aiA = findGs1Ai(a);
    const auto* aiB = findGs1Ai(b);
    return aiA != nullptr && aiB != nullptr && aiA->lastDigitIsDecimalPoint &&
           aiB->lastDigitIsDecimalPoint && a.substr(0, 3) == b.substr(0, 3) && a != b;
}

}  // namespace

std::optional<ParseError> validateGs1Value(const Gs1AiDefinition& ai, std::string_view value,
                                           std::size_t offset, std::chrono::year_month_day today) {
    if (value.size() < ai.minLength) {
        return makeError("value_too_short",
                         aiLabel(ai) + ": value " + quoted(value) + " has " +
                             std::to_string(value.size()) + " characters; expected " +
                             lengthText(ai),
                         offset);
    }
    if (value.size() > ai.maxLength) {
        return makeError("value_too_long",
                         aiLabel(ai) + ": value " + quoted(value) + " has " +
                             std::to_string(value.size()) + " characters; the maximum is " +
                             std::to_string(ai.maxLength),
                         offset + ai.maxLength);
    }

    std::size_t pos = 0;
    for (const auto& component : ai.components) {
        std::size_t remaining = value.size() - pos;
        if (remaining == 0 && component.optional) {
            break;
        }
        std::size_t length = std::min<std::size_t>(remaining, component.maxLength);
        if (length < component.minLength) {
            return makeError("value_too_short",
                             aiLabel(ai) + ": value " + quoted(value) + " is too short; expected " +
                                 lengthText(ai) + " characters in the format " + ai.format,
                             offset + pos);
        }

        auto part = value.substr(pos, length);
        for (std::size_t i = 0; i < part.size(); ++i) {
            if (!isInGs1Charset(part[i], component.charset)) {
                return makeError("invalid_character",
                                 aiLabel(ai) + ": invalid character " + quoted(part.substr(i, 1)) +
                                     " in value " + quoted(value) + "; only " +
                                     std::string{gs1CharsetName(component.charset)} +
                                     " characters are allowed here",
                                 offset + pos + i);
            }
        }
        if (auto failure = checkRule(component.rule, part, today)) {
            return makeError(
                failure->first,
                aiLabel(ai) + ": invalid value " + quoted(value) + ": " + failure->second,
                offset + pos);
        }
        pos += length;
    }

    if (pos < value.size()) {
        return makeError(
            "value_too_long",
            aiLabel(ai) + ": value " + quoted(value) + " is too long for the format " + ai.format,
            offset + pos);
    }
    return std::nullopt;
}

std::optional<ParseError> parseGs1ElementString(std::string_view content, std::size_t offset,
                                                const ParseOptions& options, Gs1Elements& out) {
    auto today = effectiveToday(options.today);
    if (content.empty()) {
        return makeError("empty", "The GS1 element string is empty", offset);
    }

    Gs1Elements strict;
    auto strictError = parseStrict(content, offset, today, strict);
    bool hasSeparator = content.find(kGroupSeparator) != std::string_view::npos;
    if (hasSeparator || options.separatorsTrusted ||
        (!strictError && !hasVariableLengthElement(strict))) {
        if (!strictError) {
            out.elements.insert(out.elements.end(), strict.elements.begin(), strict.elements.end());
            out.offsets.insert(out.offsets.end(), strict.offsets.begin(), strict.offsets.end());
        }
        return strictError;
    }

    // No GS in the whole string: a keyboard wedge may have dropped it. Accept only a string
    // that has exactly one valid reading.
    SplitCounter counter{content, today};
    int readings = counter.count(0);
    if (readings == 0) {
        return strictError;
    }
    if (readings > 1) {
        return ambiguityError(content, offset, counter);
    }

    std::size_t pos = 0;
    while (pos < content.size()) {
        const auto* ai = findGs1Ai(content.substr(pos));
        std::size_t valueStart = pos + ai->ai.size();
        std::size_t length = counter.firstLength(pos);
        out.elements.push_back(Element{ai->ai, std::string{content.substr(valueStart, length)}});
        out.offsets.push_back(offset + pos);
        pos = valueStart + length;
    }
    return std::nullopt;
}

bool looksLikeGs1HumanReadable(std::string_view content) {
    if (content.size() < 4 || content[0] != '(') {
        return false;
    }
    auto close = content.find(')');
    return close != std::string_view::npos && close >= 3 && close <= 5 &&
           findGs1Ai(content.substr(1, close - 1)) != nullptr &&
           findGs1Ai(content.substr(1, close - 1))->ai.size() == close - 1;
}

std::optional<ParseError> parseGs1HumanReadable(std::string_view content, std::size_t offset,
                                                const ParseOptions& options, Gs1Elements& out) {
    auto today = effectiveToday(options.today);

    // Returns the AI when "(AI)" starts at `pos`.
    auto aiAt = [&](std::size_t pos) -> const Gs1AiDefinition* {
        if (pos >= content.size() || content[pos] != '(') {
            return nullptr;
        }
        auto close = content.find(')', pos);
        if (close == std::string_view::npos || close - pos < 3 || close - pos > 5) {
            return nullptr;
        }
        auto digits = content.substr(pos + 1, close - pos - 1);
        const auto* ai = findGs1Ai(digits);
        return ai != nullptr && ai->ai.size() == digits.size() ? ai : nullptr;
    };

    std::size_t pos = 0;
    while (pos < content.size()) {
        if (content[pos] == ' ') {
            ++pos;
            continue;
        }
        const auto* ai = aiAt(pos);
        if (ai == nullptr) {
            return makeError("unknown_ai",
                             "Expected a known AI in parentheses such as \"(01)\" at " +
                                 quoted(content.substr(pos, 8)),
                             offset + pos);
        }

        std::size_t valueStart = pos + ai->ai.size() + 2;
        std::size_t valueEnd = valueStart;
        while (valueEnd < content.size() && aiAt(valueEnd) == nullptr) {
            ++valueEnd;
        }
        // A space typed between elements is not part of the value.
        std::size_t trimmedEnd = valueEnd;
        while (trimmedEnd > valueStart && content[trimmedEnd - 1] == ' ') {
            --trimmedEnd;
        }

        auto value = content.substr(valueStart, trimmedEnd - valueStart);
        if (auto error = validateGs1Value(*ai, value, offset + valueStart, today)) {
            return error;
        }
        out.elements.push_back(Element{ai->ai, std::string{value}});
        out.offsets.push_back(offset + pos);
        pos = valueEnd;
    }
    return std::nullopt;
}

std::optional<ParseError> checkGs1ElementRelations(const Gs1Elements& parsed) {
    const auto& elements = parsed.elements;
    for (std::size_t j = 0; j < elements.size(); ++j) {
        for (std::size_t i = 0; i < j; ++i) {
            const auto& a = elements[i];
            const auto& b = elements[j];
            if (a.id == b.id && a.value != b.value) {
                return makeError("duplicate_ai",
                                 "AI (" + b.id + ") appears twice with different values " +
                                     quoted(a.value) + " and " + quoted(b.value),
                                 parsed.offsets[j]);
            }
            if (isExclusivePair(a.id, b.id)) {
                return makeError(
                    "mutually_exclusive_ai",
                    "AI (" + a.id + ") and AI (" + b.id + ") must not appear in the same barcode",
                    parsed.offsets[j]);
            }
        }
    }
    return std::nullopt;
}

void applyGs1Elements(const std::vector<Element>& elements, std::chrono::year_month_day today,
                      Identity& identity) {
    for (const auto& element : elements) {
        const auto& id = element.id;
        const auto& value = element.value;
        if (id == "01") {
            identity.gtin = value;
        } else if (id == "00") {
            identity.sscc = value;
        } else if (id == "21") {
            identity.serial = value;
        } else if (id == "10") {
            identity.lot = value;
        } else if (id == "17") {
            identity.expiry = parseYymmdd(value, true, today);
        } else if (id == "15") {
            identity.bestBefore = parseYymmdd(value, true, today);
        } else if (id == "11") {
            identity.productionDate = parseYymmdd(value, true, today);
        } else if (id == "30" || id == "37") {
            identity.quantity = static_cast<long long>(toNumber(value));
        }
    }
}

std::string gs1HumanReadable(const std::vector<Element>& elements) {
    std::string text;
    for (const auto& element : elements) {
        if (!text.empty()) {
            text.push_back(' ');
        }
        text += "(" + element.id + ")" + escapeForMessage(element.value);
    }
    return text;
}

}  // namespace station::identity
