#include "station/identity/check_digits.hpp"

#include <iterator>
#include <string>

namespace station::identity {

namespace {

constexpr std::string_view kCset82 =
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kCset32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

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

std::optional<std::string> gs1CheckCharacterPair(std::string_view data) {
    // The first 97 primes cover the longest AI value.
    constexpr int kPrimes[] = {2,   3,   5,   7,   11,  13,  17,  19,  23,  29,  31,  37,  41,  43,
                               47,  53,  59,  61,  67,  71,  73,  79,  83,  89,  97,  101, 103, 107,
                               109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181,
                               191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263,
                               269, 271, 277, 281, 283, 293, 307, 311, 313, 317, 331, 337, 347, 349,
                               353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419, 421, 431, 433,
                               439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509};
    if (data.empty() || data.size() > std::size(kPrimes)) {
        return std::nullopt;
    }

    int sum = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
        auto value = kCset82.find(data[i]);
        if (value == std::string_view::npos) {
            return std::nullopt;
        }
        sum += static_cast<int>(value) * kPrimes[data.size() - 1 - i];
    }
    sum %= 1021;
    return std::string{kCset32[static_cast<std::size_t>(sum >> 5)],
                       kCset32[static_cast<std::size_t>(sum & 31)]};
}

bool hasValidGs1CheckCharacterPair(std::string_view keyWithPair) {
    if (keyWithPair.size() < 3) {
        return false;
    }
    auto expected = gs1CheckCharacterPair(keyWithPair.substr(0, keyWithPair.size() - 2));
    return expected && *expected == keyWithPair.substr(keyWithPair.size() - 2);
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
