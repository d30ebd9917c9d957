#include "station/identity/parse_support.hpp"

#include <cstdio>

namespace station::identity {

std::string escapeForMessage(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case kGroupSeparator:
                escaped += "<GS>";
                break;
            case kRecordSeparator:
                escaped += "<RS>";
                break;
            case kEndOfTransmission:
                escaped += "<EOT>";
                break;
            case '\r':
                escaped += "<CR>";
                break;
            case '\n':
                escaped += "<LF>";
                break;
            case '\t':
                escaped += "<TAB>";
                break;
            default: {
                auto byte = static_cast<unsigned char>(c);
                if (byte < 0x20 || byte > 0x7e) {
                    char hex[8];
                    std::snprintf(hex, sizeof hex, "\\x%02X", byte);
                    escaped += hex;
                } else {
                    escaped.push_back(c);
                }
            }
        }
    }
    return escaped;
}

ParseError makeError(std::string_view kind, std::string message, std::size_t offset) {
    return ParseError{std::string{kind}, std::move(message), offset};
}

}  // namespace station::identity
