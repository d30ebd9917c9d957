#include "station/identity/iso15434.hpp"

#include <algorithm>
#include <charconv>

#include "station/identity/gs1_dates.hpp"
#include "station/identity/gs1_element_string.hpp"
#include "station/identity/parse_support.hpp"

namespace station::identity {

namespace {

constexpr std::string_view kHeader = "[)>\x1e";

std::string quoted(std::string_view value) {
    return "\"" + escapeForMessage(value) + "\"";
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isUpper(char c) {
    return c >= 'A' && c <= 'Z';
}

// A value rule for the data identifiers whose content the station reads.
enum class DiRule { Numeric, Date6, Date8, YearWeek, CountryAlpha2 };

struct DiDefinition {
    std::string_view id;
    std::string_view title;
    DiRule rule;
};

// Data identifiers of ANSI MH10.8.2 whose values are checked; other well-formed identifiers
// are kept as elements without a check.
constexpr DiDefinition kCheckedIdentifiers[] = {
    {"Q", "quantity", DiRule::Numeric},
    {"D", "date (YYMMDD)", DiRule::Date6},
    {"10D", "date code (YYWW)", DiRule::YearWeek},
    {"14D", "expiration date (YYYYMMDD)", DiRule::Date8},
    {"16D", "production date (YYYYMMDD)", DiRule::Date8},
    {"4L", "country of origin (ISO 3166 alpha-2)", DiRule::CountryAlpha2},
};

const DiDefinition* findCheckedIdentifier(std::string_view id) {
    for (const auto& definition : kCheckedIdentifiers) {
        if (definition.id == id) {
            return &definition;
        }
    }
    return nullptr;
}

bool isValidYearWeek(std::string_view value) {
    if (value.size() != 4 || !std::all_of(value.begin(), value.end(), isDigit)) {
        return false;
    }
    int week = (value[2] - '0') * 10 + (value[3] - '0');
    return week >= 1 && week <= 53;
}

std::optional<ParseError> checkDiValue(const DiDefinition& definition, std::string_view value,
                                       std::size_t offset, std::chrono::year_month_day today) {
    bool valid = true;
    std::string_view kind = "invalid_value";
    switch (definition.rule) {
        case DiRule::Numeric:
            valid = std::all_of(value.begin(), value.end(), isDigit) && value.size() <= 15;
            kind = "invalid_character";
            break;
        case DiRule::Date6:
            valid = parseYymmdd(value, false, today).has_value();
            kind = "invalid_date";
            break;
        case DiRule::Date8:
            valid = parseYyyymmdd(value).has_value();
            kind = "invalid_date";
            break;
        case DiRule::YearWeek:
            valid = isValidYearWeek(value);
            kind = "invalid_date";
            break;
        case DiRule::CountryAlpha2:
            valid = value.size() == 2 && std::all_of(value.begin(), value.end(), isUpper);
            break;
    }
    if (valid) {
        return std::nullopt;
    }
    return makeError(kind,
                     "Data identifier " + std::string{definition.id} + " (" +
                         std::string{definition.title} + "): invalid value " + quoted(value),
                     offset);
}

// Splits "1P12345" into the data identifier "1P" and the value "12345": up to three digits
// and one upper-case letter (ANSI MH10.8.2).
std::optional<std::size_t> dataIdentifierLength(std::string_view field) {
    std::size_t digits = 0;
    while (digits < field.size() && isDigit(field[digits])) {
        ++digits;
    }
    if (digits > 3 || digits >= field.size() || !isUpper(field[digits])) {
        return std::nullopt;
    }
    return digits + 1;
}

void applyDataIdentifier(const Element& element, std::chrono::year_month_day today,
                         Identity& identity) {
    const auto& id = element.id;
    const auto& value = element.value;
    if (id == "S") {
        identity.serial = value;
    } else if (id == "25S" && identity.serial.empty()) {
        identity.serial = value;
    } else if (id == "1T") {
        identity.lot = value;
    } else if (id == "1P") {
        identity.partNumber = value;
    } else if (id == "P" && identity.partNumber.empty()) {
        identity.partNumber = value;
    } else if (id == "Q") {
        long long quantity = 0;
        std::from_chars(value.data(), value.data() + value.size(), quantity);
        identity.quantity = quantity;
    } else if (id == "14D") {
        identity.expiry = parseYyyymmdd(value);
    } else if (id == "16D") {
        identity.productionDate = parseYyyymmdd(value);
    } else if (id == "D" && !identity.productionDate) {
        identity.productionDate = parseYymmdd(value, false, today);
    }
}

class Iso15434Parser {
public:
    Iso15434Parser(std::string_view content, std::size_t offset, const ParseOptions& options)
        : content_(content),
          offset_(offset),
          options_(options),
          today_(effectiveToday(options.today)) {}

    ParseResult parse() {
        if (!content_.starts_with(kHeader)) {
            return makeError("invalid_header",
                             "An ISO/IEC 15434 message must start with \"[)>\" and RS; found " +
                                 quoted(content_.substr(0, 4)),
                             offset_);
        }
        identity_.format = Format::Iso15434;
        pos_ = kHeader.size();

        while (pos_ < content_.size() && content_[pos_] != kEndOfTransmission) {
            if (auto error = parseEnvelope()) {
                return *error;
            }
        }
        if (identity_.elements.empty()) {
            return makeError("invalid_structure",
                             "The ISO/IEC 15434 message has no format envelope with data",
                             offset_ + pos_);
        }
        if (pos_ + 1 < content_.size()) {
            return makeError("invalid_structure",
                             "Data follows the EOT that ends the ISO/IEC 15434 message: " +
                                 quoted(content_.substr(pos_ + 1, 16)),
                             offset_ + pos_ + 1);
        }
        if (auto error = checkDuplicates()) {
            return *error;
        }
        return std::move(identity_);
    }

private:
    std::optional<ParseError> parseEnvelope() {
        std::size_t start = pos_;
        std::size_t elementsBefore = identity_.elements.size();
        auto format = content_.substr(pos_, 2);
        if (format.size() != 2 || !isDigit(format[0]) || !isDigit(format[1])) {
            return makeError("invalid_header",
                             "Expected a two-digit ISO/IEC 15434 format indicator at " +
                                 quoted(content_.substr(pos_, 8)),
                             offset_ + pos_);
        }
        if (format != "05" && format != "06") {
            return makeError("unsupported_format",
                             "ISO/IEC 15434 format " + std::string{format} +
                                 " is not supported; only formats 05 (GS1) and 06 (ANSI "
                                 "MH10.8.2 data identifiers) are read",
                             offset_ + pos_);
        }
        pos_ += 2;
        if (pos_ >= content_.size() || content_[pos_] != kGroupSeparator) {
            return makeError(
                "invalid_structure",
                "ISO/IEC 15434 format " + std::string{format} + " header must be followed by GS",
                offset_ + pos_);
        }
        ++pos_;

        // The envelope ends at RS; a scanner that drops RS still ends it at EOT or the end.
        std::size_t end = content_.find_first_of("\x1e\x04", pos_);
        if (end == std::string_view::npos) {
            end = content_.size();
        }
        auto body = content_.substr(pos_, end - pos_);
        auto error = format == "05" ? parseFormat05(body, offset_ + pos_)
                                    : parseFormat06(body, offset_ + pos_);
        if (error) {
            return error;
        }
        if (identity_.elements.size() == elementsBefore) {
            return makeError("invalid_structure",
                             "ISO/IEC 15434 format " + std::string{format} + " envelope is empty",
                             offset_ + start);
        }
        pos_ = end < content_.size() && content_[end] == kRecordSeparator ? end + 1 : end;
        return std::nullopt;
    }

    std::optional<ParseError> parseFormat05(std::string_view body, std::size_t offset) {
        ParseOptions gs1Options = options_;
        gs1Options.separatorsTrusted = true;
        Gs1Elements parsed;
        if (auto error = parseGs1ElementString(body, offset, gs1Options, parsed)) {
            return error;
        }
        if (auto error = checkGs1ElementRelations(parsed)) {
            return error;
        }
        applyGs1Elements(parsed.elements, today_, identity_);
        append(parsed.elements, parsed.offsets);
        return std::nullopt;
    }

    std::optional<ParseError> parseFormat06(std::string_view body, std::size_t offset) {
        std::size_t pos = 0;
        while (pos <= body.size()) {
            std::size_t end = body.find(kGroupSeparator, pos);
            if (end == std::string_view::npos) {
                end = body.size();
            }
            auto field = body.substr(pos, end - pos);
            if (!field.empty()) {
                if (auto error = parseDataField(field, offset + pos)) {
                    return error;
                }
            }
            pos = end + 1;
        }
        return std::nullopt;
    }

    std::optional<ParseError> parseDataField(std::string_view field, std::size_t offset) {
        auto idLength = dataIdentifierLength(field);
        if (!idLength) {
            return makeError("invalid_data_identifier",
                             "Expected an ANSI MH10.8.2 data identifier (up to three digits and "
                             "an upper-case letter, such as 1P) at " +
                                 quoted(field.substr(0, 8)),
                             offset);
        }
        auto id = field.substr(0, *idLength);
        auto value = field.substr(*idLength);
        if (value.empty()) {
            return makeError("value_too_short",
                             "Data identifier " + std::string{id} + " has an empty value", offset);
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            auto byte = static_cast<unsigned char>(value[i]);
            if (byte < 0x20 || byte > 0x7e) {
                return makeError("invalid_character",
                                 "Data identifier " + std::string{id} +
                                     ": invalid control character " + quoted(value.substr(i, 1)) +
                                     " in value " + quoted(value),
                                 offset + *idLength + i);
            }
        }
        if (const auto* definition = findCheckedIdentifier(id)) {
            if (auto error = checkDiValue(*definition, value, offset + *idLength, today_)) {
                return error;
            }
        }

        Element element{std::string{id}, std::string{value}};
        applyDataIdentifier(element, today_, identity_);
        identity_.elements.push_back(std::move(element));
        offsets_.push_back(offset);
        return std::nullopt;
    }

    void append(const std::vector<Element>& elements, const std::vector<std::size_t>& offsets) {
        identity_.elements.insert(identity_.elements.end(), elements.begin(), elements.end());
        offsets_.insert(offsets_.end(), offsets.begin(), offsets.end());
    }

    std::optional<ParseError> checkDuplicates() const {
        const auto& elements = identity_.elements;
        for (std::size_t j = 0; j < elements.size(); ++j) {
            for (std::size_t i = 0; i < j; ++i) {
                if (elements[i].id == elements[j].id && elements[i].value != elements[j].value) {
                    return makeError("duplicate_data_identifier",
                                     "Data identifier " + elements[j].id +
                                         " appears twice with different values " +
                                         quoted(elements[i].value) + " and " +
                                         quoted(elements[j].value),
                                     offsets_[j]);
                }
            }
        }
        return std::nullopt;
    }

    std::string_view content_;
    std::size_t offset_;
    const ParseOptions& options_;
    std::chrono::year_month_day today_;
    std::size_t pos_ = 0;
    Identity identity_;
    std::vector<std::size_t> offsets_;
};

}  // namespace

bool looksLikeIso15434(std::string_view content) {
    return content.starts_with("[)>");
}

ParseResult parseIso15434(std::string_view content, std::size_t offset,
                          const ParseOptions& options) {
    return Iso15434Parser{content, offset, options}.parse();
}

}  // namespace station::identity
