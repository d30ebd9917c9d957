#include "station/identity/hibc.hpp"

#include <algorithm>

#include "station/identity/check_digits.hpp"
#include "station/identity/gs1_dates.hpp"
#include "station/identity/parse_support.hpp"

namespace station::identity {

namespace {

constexpr std::size_t kMaxProductLength = 18;
constexpr std::size_t kMaxLotLength = 18;

std::string quoted(std::string_view value) {
    return "\"" + escapeForMessage(value) + "\"";
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isUpper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool isAlnum(char c) {
    return isDigit(c) || isUpper(c);
}

bool allDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), isDigit);
}

int number(std::string_view digits) {
    int value = 0;
    for (char c : digits) {
        value = value * 10 + (c - '0');
    }
    return value;
}

class HibcParser {
public:
    HibcParser(std::string_view content, std::size_t offset, const ParseOptions& options)
        : content_(content), offset_(offset), today_(effectiveToday(options.today)) {}

    ParseResult parse() {
        if (auto error = checkCharacters()) {
            return *error;
        }
        if (content_.size() < 3) {
            return makeError("value_too_short",
                             "HIBC data " + quoted(content_) +
                                 " is too short for a data structure and its check character",
                             offset_);
        }
        if (auto error = checkCheckCharacter()) {
            return *error;
        }

        identity_.format = Format::Hibc;
        identity_.content = std::string{content_};
        auto data = content_.substr(1, content_.size() - 2);
        char first = data.front();
        std::optional<ParseError> error;
        if (isUpper(first)) {
            error = parsePrimaryAndSecondary(data, 1);
        } else {
            error = parseSeparateSecondary(data, 1);
        }
        if (error) {
            return *error;
        }
        return std::move(identity_);
    }

private:
    std::optional<ParseError> checkCharacters() const {
        for (std::size_t i = 0; i < content_.size(); ++i) {
            if (hibcCharacterValue(content_[i]) < 0) {
                return makeError("invalid_character",
                                 "HIBC data contains " + quoted(content_.substr(i, 1)) +
                                     ", which is not in the HIBC character set (0-9, A-Z, - . "
                                     "space $ / + %)",
                                 offset_ + i);
            }
        }
        return std::nullopt;
    }

    std::optional<ParseError> checkCheckCharacter() const {
        auto body = content_.substr(0, content_.size() - 1);
        char expected = *hibcCheckCharacter(body);
        if (content_.back() != expected) {
            return makeError("bad_check_digit",
                             "HIBC check character of " + quoted(content_) + " is " +
                                 quoted(content_.substr(content_.size() - 1)) + "; expected " +
                                 quoted(std::string(1, expected)),
                             offset_ + content_.size() - 1);
        }
        return std::nullopt;
    }

    // "LIC PCN U/M", optionally followed by "/" and secondary data.
    std::optional<ParseError> parsePrimaryAndSecondary(std::string_view data, std::size_t at) {
        auto slash = data.find('/');
        auto primary = data.substr(0, slash);
        if (primary.size() < 6) {
            return makeError("value_too_short",
                             "HIBC primary data " + quoted(primary) +
                                 " is too short: it needs a 4-character labeler code, a product "
                                 "code and a unit of measure digit",
                             offset_ + at);
        }
        auto labeler = primary.substr(0, 4);
        if (!std::all_of(labeler.begin(), labeler.end(), isAlnum)) {
            return makeError("invalid_character",
                             "HIBC labeler code " + quoted(labeler) +
                                 " must be an upper-case letter and three letters or digits",
                             offset_ + at);
        }
        auto product = primary.substr(4, primary.size() - 5);
        if (product.size() > kMaxProductLength) {
            return makeError("value_too_long",
                             "HIBC product code " + quoted(product) + " has " +
                                 std::to_string(product.size()) + " characters; the maximum is " +
                                 std::to_string(kMaxProductLength),
                             offset_ + at + 4 + kMaxProductLength);
        }
        auto bad = std::find_if_not(product.begin(), product.end(), isAlnum);
        if (bad != product.end()) {
            return makeError("invalid_character",
                             "HIBC product code " + quoted(product) +
                                 " may hold only upper-case letters and digits",
                             offset_ + at + 4 + static_cast<std::size_t>(bad - product.begin()));
        }
        char unit = primary.back();
        if (!isDigit(unit)) {
            return makeError(
                "invalid_character",
                "HIBC unit of measure " + quoted(std::string(1, unit)) + " must be a digit 0-9",
                offset_ + at + primary.size() - 1);
        }

        identity_.labeler = std::string{labeler};
        identity_.product = std::string{product};
        identity_.unitOfMeasure = std::string(1, unit);
        addElement("labeler", labeler);
        addElement("product", product);
        addElement("unit_of_measure", identity_.unitOfMeasure);

        if (slash == std::string_view::npos) {
            return std::nullopt;
        }
        return parseSecondaryData(data.substr(slash + 1), at + slash + 1);
    }

    // "+secondary link check": the link character is the check character of the primary.
    std::optional<ParseError> parseSeparateSecondary(std::string_view data, std::size_t at) {
        if (data.size() < 2) {
            return makeError("value_too_short",
                             "HIBC secondary data " + quoted(data) + " has no link character",
                             offset_ + at);
        }
        auto link = data.substr(data.size() - 1);
        if (auto error = parseSecondaryData(data.substr(0, data.size() - 1), at)) {
            return error;
        }
        addElement("link", link);
        return std::nullopt;
    }

    std::optional<ParseError> parseSecondaryData(std::string_view data, std::size_t at) {
        if (data.starts_with("$$")) {
            return parseFlaggedSecondary(data, at);
        }
        if (data.starts_with("$+")) {
            return parseLotOrSerial(data.substr(2), at + 2, true);
        }
        if (data.starts_with("$")) {
            return parseLotOrSerial(data.substr(1), at + 1, false);
        }
        if (data.size() >= 5 && allDigits(data.substr(0, 5))) {
            // The original secondary structure: a Julian expiry date YYJJJ, then the lot.
            if (auto error = readDate(data.substr(0, 5), "YYJJJ", at)) {
                return error;
            }
            return parseLotOrSerial(data.substr(5), at + 5, false);
        }
        return makeError("invalid_structure",
                         "HIBC secondary data " + quoted(data) +
                             " must start with \"$\", \"$$\", \"$+\" or a Julian date YYJJJ",
                         offset_ + at);
    }

    // "$$" [+] [8QQ | 9QQQQQ] date-flag date lot-or-serial.
    std::optional<ParseError> parseFlaggedSecondary(std::string_view data, std::size_t at) {
        std::size_t pos = 2;
        bool serial = pos < data.size() && data[pos] == '+';
        if (serial) {
            ++pos;
        }

        if (pos < data.size() && (data[pos] == '8' || data[pos] == '9')) {
            std::size_t digits = data[pos] == '8' ? 2 : 5;
            auto quantity = data.substr(pos + 1, digits);
            if (quantity.size() != digits || !allDigits(quantity)) {
                return makeError("invalid_value",
                                 "HIBC quantity after flag " + quoted(data.substr(pos, 1)) +
                                     " must be " + std::to_string(digits) + " digits; found " +
                                     quoted(quantity),
                                 offset_ + at + pos + 1);
            }
            identity_.quantity = number(quantity);
            addElement("quantity", quantity);
            pos += 1 + digits;
        }

        if (pos >= data.size()) {
            return makeError("value_too_short",
                             "HIBC secondary data " + quoted(data) + " ends before its date flag",
                             offset_ + at + pos);
        }
        char flag = data[pos];
        std::string_view layout;
        std::size_t flagLength = 1;
        switch (flag) {
            case '0':
            case '1':
                layout = "MMYY";
                flagLength = 0;
                break;
            case '2':
                layout = "MMDDYY";
                break;
            case '3':
                layout = "YYMMDD";
                break;
            case '4':
                layout = "YYMMDDHH";
                break;
            case '5':
                layout = "YYJJJ";
                break;
            case '6':
                layout = "YYJJJHH";
                break;
            case '7':
                break;
            default:
                return makeError(
                    "invalid_structure",
                    "HIBC date format flag " + quoted(data.substr(pos, 1)) + " is not one of 0-7",
                    offset_ + at + pos);
        }
        pos += flagLength;
        if (!layout.empty()) {
            auto date = data.substr(pos, layout.size());
            if (auto error = readDate(date, layout, at + pos)) {
                return error;
            }
            pos += layout.size();
        }
        return parseLotOrSerial(data.substr(pos), at + pos, serial);
    }

    std::optional<ParseError> readDate(std::string_view date, std::string_view layout,
                                       std::size_t at) {
        auto invalid = [&] {
            return makeError("invalid_date",
                             "HIBC expiry date " + quoted(date) + " is not a valid " +
                                 std::string{layout} + " date",
                             offset_ + at);
        };
        if (date.size() != layout.size() || !allDigits(date)) {
            return invalid();
        }

        std::optional<std::chrono::year_month_day> expiry;
        if (layout == "MMYY") {
            // A month-only expiry date means the end of that month.
            int month = number(date.substr(0, 2));
            if (month >= 1 && month <= 12) {
                auto year = resolveCentury(number(date.substr(2, 2)), today_);
                expiry = std::chrono::year_month_day{std::chrono::year_month_day_last{
                    year,
                    std::chrono::month_day_last{std::chrono::month{static_cast<unsigned>(month)}}}};
            }
        } else if (layout == "MMDDYY") {
            std::string yymmdd{date.substr(4, 2)};
            yymmdd.append(date.substr(0, 4));
            expiry = parseYymmdd(yymmdd, false, today_);
        } else if (layout.starts_with("YYMMDD")) {
            expiry = parseYymmdd(date.substr(0, 6), false, today_);
        } else {
            expiry = julianDate(date.substr(0, 5));
        }
        if (layout.ends_with("HH") && number(date.substr(date.size() - 2)) > 23) {
            expiry.reset();
        }
        if (!expiry) {
            return invalid();
        }
        identity_.expiry = expiry;
        addElement("expiry", date);
        return std::nullopt;
    }

    std::optional<std::chrono::year_month_day> julianDate(std::string_view yyjjj) const {
        auto year = resolveCentury(number(yyjjj.substr(0, 2)), today_);
        int dayOfYear = number(yyjjj.substr(2, 3));
        int daysInYear = year.is_leap() ? 366 : 365;
        if (dayOfYear < 1 || dayOfYear > daysInYear) {
            return std::nullopt;
        }
        std::chrono::sys_days first{year / std::chrono::January / 1};
        return std::chrono::year_month_day{first + std::chrono::days{dayOfYear - 1}};
    }

    // A lot or serial, optionally followed by "/" and supplemental data such as "/16D20260115".
    std::optional<ParseError> parseLotOrSerial(std::string_view data, std::size_t at, bool serial) {
        auto slash = data.find('/');
        auto value = data.substr(0, slash);
        std::string_view name = serial ? "serial" : "lot";
        if (value.size() > kMaxLotLength) {
            return makeError("value_too_long",
                             "HIBC " + std::string{name} + " " + quoted(value) + " has " +
                                 std::to_string(value.size()) + " characters; the maximum is " +
                                 std::to_string(kMaxLotLength),
                             offset_ + at + kMaxLotLength);
        }
        if (!value.empty()) {
            (serial ? identity_.serial : identity_.lot) = std::string{value};
            addElement(name, value);
        }
        if (slash == std::string_view::npos) {
            return std::nullopt;
        }
        return parseSupplementalData(data.substr(slash + 1), at + slash + 1);
    }

    // Supplemental fields of HIBC 2.6: "/" separated, each a data identifier and a value.
    std::optional<ParseError> parseSupplementalData(std::string_view data, std::size_t at) {
        std::size_t pos = 0;
        while (pos <= data.size()) {
            auto end = std::min(data.find('/', pos), data.size());
            auto field = data.substr(pos, end - pos);
            if (auto error = parseSupplementalField(field, at + pos)) {
                return error;
            }
            pos = end + 1;
        }
        return std::nullopt;
    }

    std::optional<ParseError> parseSupplementalField(std::string_view field, std::size_t at) {
        if (field.starts_with("S") && field.size() > 1) {
            identity_.serial = std::string{field.substr(1)};
            addElement("S", field.substr(1));
            return std::nullopt;
        }
        if (field.starts_with("14D") || field.starts_with("16D")) {
            auto date = parseYyyymmdd(field.substr(3));
            if (!date) {
                return makeError("invalid_date",
                                 "HIBC supplemental date " + quoted(field) +
                                     " must be YYYYMMDD after its data identifier",
                                 offset_ + at + 3);
            }
            (field[1] == '4' ? identity_.expiry : identity_.productionDate) = date;
            addElement(field.substr(0, 3), field.substr(3));
            return std::nullopt;
        }
        return makeError("invalid_structure",
                         "HIBC supplemental field " + quoted(field) +
                             " is not one of S (serial), 14D (expiry) or 16D (production date)",
                         offset_ + at);
    }

    void addElement(std::string_view id, std::string_view value) {
        identity_.elements.push_back(Element{std::string{id}, std::string{value}});
    }

    std::string_view content_;
    std::size_t offset_;
    std::chrono::year_month_day today_;
    Identity identity_;
};

}  // namespace

bool looksLikeHibc(std::string_view content) {
    return content.starts_with("+");
}

ParseResult parseHibc(std::string_view content, std::size_t offset, const ParseOptions& options) {
    return HibcParser{content, offset, options}.parse();
}

}  // namespace station::identity
