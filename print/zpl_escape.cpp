#include "print/zpl_escape.hpp"

#include <fmt/format.h>

namespace station::print {

namespace {

bool needsHexEscape(unsigned char byte) {
    return byte < 0x20 || byte == 0x7F || byte == '^' || byte == '~' ||
           byte == static_cast<unsigned char>(kHexIndicator);
}

void appendHex(std::string& out, unsigned char byte) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    out.push_back(kHexIndicator);
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0F]);
}

bool isContinuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

}  // namespace

std::size_t utf8SequenceLength(std::string_view text) {
    if (text.empty()) {
        return 0;
    }
    const auto lead = static_cast<unsigned char>(text[0]);
    if (lead < 0x80) {
        return 1;
    }

    // Ranges of the second byte follow RFC 3629, section 4, which excludes overlong forms,
    // UTF-16 surrogates and code points above U+10FFFF.
    std::size_t length = 0;
    unsigned char secondMin = 0x80;
    unsigned char secondMax = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        secondMin = lead == 0xE0 ? 0xA0 : 0x80;
        secondMax = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        secondMin = lead == 0xF0 ? 0x90 : 0x80;
        secondMax = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }

    if (text.size() < length) {
        return 0;
    }
    const auto second = static_cast<unsigned char>(text[1]);
    if (second < secondMin || second > secondMax) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if (!isContinuation(static_cast<unsigned char>(text[i]))) {
            return 0;
        }
    }
    return length;
}

std::string escapeFieldData(std::string_view value) {
    std::string out;
    out.reserve(value.size() + value.size() / 4);

    std::size_t i = 0;
    while (i < value.size()) {
        const auto byte = static_cast<unsigned char>(value[i]);
        if (byte < 0x80) {
            if (needsHexEscape(byte)) {
                appendHex(out, byte);
            } else {
                out.push_back(static_cast<char>(byte));
            }
            ++i;
            continue;
        }

        const std::size_t length = utf8SequenceLength(value.substr(i));
        if (length == 0) {
            appendHex(out, byte);
            ++i;
            continue;
        }
        out.append(value.substr(i, length));
        i += length;
    }
    return out;
}

void checkFieldLength(std::string_view escapedFieldData) {
    if (escapedFieldData.size() > kMaxFieldDataBytes) {
        throw FieldDataError(fmt::format(
            "field data is {} bytes after escaping, more than the {} bytes ZPL allows in ^FD; "
            "shorten the value",
            escapedFieldData.size(), kMaxFieldDataBytes));
    }
}

}  // namespace station::print
