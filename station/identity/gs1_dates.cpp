#include "station/identity/gs1_dates.hpp"

#include <cstdio>

namespace station::identity {

namespace {

// Reads `value` as an unsigned decimal number; returns -1 when it contains a non-digit.
int readNumber(std::string_view value) {
    if (value.empty()) {
        return -1;
    }
    int number = 0;
    for (char c : value) {
        if (c < '0' || c > '9') {
            return -1;
        }
        number = number * 10 + (c - '0');
    }
    return number;
}

}  // namespace

std::chrono::year_month_day effectiveToday(std::chrono::year_month_day today) {
    if (today.ok()) {
        return today;
    }
    return std::chrono::year_month_day{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

std::chrono::year resolveCentury(int twoDigitYear, std::chrono::year_month_day today) {
    int currentYear = static_cast<int>(effectiveToday(today).year());
    int currentCentury = currentYear - currentYear % 100;
    int difference = twoDigitYear - currentYear % 100;

    int century = currentCentury;
    if (difference >= 51) {
        century -= 100;
    } else if (difference <= -50) {
        century += 100;
    }
    return std::chrono::year{century + twoDigitYear};
}

std::optional<std::chrono::year_month_day> parseYymmdd(std::string_view value, bool zeroDayAllowed,
                                                       std::chrono::year_month_day today) {
    if (value.size() != 6) {
        return std::nullopt;
    }
    int yy = readNumber(value.substr(0, 2));
    int mm = readNumber(value.substr(2, 2));
    int dd = readNumber(value.substr(4, 2));
    if (yy < 0 || mm < 1 || mm > 12 || dd < 0) {
        return std::nullopt;
    }

    auto year = resolveCentury(yy, today);
    auto month = std::chrono::month{static_cast<unsigned>(mm)};
    if (dd == 0) {
        if (!zeroDayAllowed) {
            return std::nullopt;
        }
        return std::chrono::year_month_day{
            std::chrono::year_month_day_last{year, std::chrono::month_day_last{month}}};
    }

    std::chrono::year_month_day date{year, month, std::chrono::day{static_cast<unsigned>(dd)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return date;
}

std::optional<std::chrono::year_month_day> parseYyyymmdd(std::string_view value) {
    if (value.size() != 8) {
        return std::nullopt;
    }
    int yyyy = readNumber(value.substr(0, 4));
    int mm = readNumber(value.substr(4, 2));
    int dd = readNumber(value.substr(6, 2));
    if (yyyy < 0 || mm < 1 || dd < 1) {
        return std::nullopt;
    }

    std::chrono::year_month_day date{std::chrono::year{yyyy},
                                     std::chrono::month{static_cast<unsigned>(mm)},
                                     std::chrono::day{static_cast<unsigned>(dd)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return date;
}

bool isValidHhmm(std::string_view value) {
    if (value.size() != 4) {
        return false;
    }
    int hh = readNumber(value.substr(0, 2));
    int mm = readNumber(value.substr(2, 2));
    return hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59;
}

std::string formatDate(std::chrono::year_month_day date) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

std::optional<std::chrono::year_month_day> parseIsoDate(std::string_view value) {
    if (value.size() != 10 || value[4] != '-' || value[7] != '-') {
        return std::nullopt;
    }
    std::string digits{value.substr(0, 4)};
    digits.append(value.substr(5, 2));
    digits.append(value.substr(8, 2));
    return parseYyyymmdd(digits);
}

}  // namespace station::identity
