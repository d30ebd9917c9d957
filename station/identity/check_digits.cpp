#include "station/identity/check_digits.hpp"

#include <string>

namespace station::identity {

namespace {

constexpr std::string_view kHibcCharacters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isUpper(char c) {
    return c >= 'A' && c <= 'Z';
}

}  // namespace

std::optional<char> gs1CheckDigit(std::string_view digits) {
    if (digits.empty()) {
        return std::nullopt;
    }

    // The rightmost data digit gets weight 3, the next one 1, and so on to the left.
    int sum = 0;
    int weight = 3;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (!isDigit(*it)) {
            return std::nullopt;
        }
        sum += (*it - '0') * weight;
        weight = 4 - weight;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool hasValidGs1CheckDigit(std::string_view digitsWithCheck) {
    if (digitsWithCheck.size() < 2) {
        return false;
    }
    auto expected = gs1CheckDigit(digitsWithCheck.substr(0, digitsWithCheck.size() - 1));
    return expected && *expected == digitsWithCheck.back();
}

int hibcCharacterValue(char c) {
    auto position = kHibcCharacters.find(c);
    return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

std::optional<char> hibcCheckCharacter(std::string_view data) {
    int sum = 0;
    for (char c : data) {
        int value = hibcCharacterValue(c);
        if (value < 0) {
            return std::nullopt;
        }
        sum += value;
    }
    return kHibcCharacters[static_cast<std::size_t>(sum % 43)];
}

bool hasValidIbanCheck(std::string_view iban) {
    if (iban.size() < 5 || iban.size() > 34) {
        return false;
    }

    // ISO 13616: move the country code and check digits to the end, read letters as 10..35,
    // and the whole number must be 1 modulo 97.
    std::string rearranged{iban.substr(4)};
    rearranged.append(iban.substr(0, 4));
    int remainder = 0;
    for (char c : rearranged) {
        if (isDigit(c)) {
            remainder = (remainder * 10 + (c - '0')) % 97;
        } else if (isUpper(c)) {
            remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
        } else {
            return false;
        }
    }
    return remainder == 1;
}

}  // namespace station::identity
