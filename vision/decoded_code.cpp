#include "vision/decoded_code.hpp"

#include <cstdio>

namespace station::vision {
namespace {

// Returns the length of the UTF-8 sequence starting at `bytes[i]`, or 0 when it is invalid.
size_t utf8SequenceLength(std::string_view bytes, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
    unsigned char lead = byte(i);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || i + length > bytes.size()) {
        return 0;
    }
    for (size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            return 0;
        }
    }
    return length;
}

}  // namespace

Point centreOf(const Quad& quad) {
    int x = 0;
    int y = 0;
    for (const Point& p : quad) {
        x += p.x;
        y += p.y;
    }
    return {x / 4, y / 4};
}

std::string escapeBytes(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7E || c == '\\') {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", byte);
            out += hex;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string toUtf8(std::string_view bytes) {
    bool valid = true;
    for (size_t i = 0; i < bytes.size() && valid;) {
        size_t length = utf8SequenceLength(bytes, i);
        valid = length != 0;
        i += length;
    }
    if (valid) {
        return std::string(bytes);
    }

    std::string out;
    for (char c : bytes) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out.push_back(c);
        } else {
            out.push_back(char(0xC0 | (byte >> 6)));
            out.push_back(char(0x80 | (byte & 0x3F)));
        }
    }
    return out;
}

}  // namespace station::vision
