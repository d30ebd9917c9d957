#include "station/api/basic_auth.hpp"

#include <array>

namespace station::api {
namespace {

// Decodes standard base64 with padding. Returns nothing on any character outside the
// alphabet or a length that is not a multiple of four.
std::optional<std::string> decodeBase64(std::string_view text) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string decoded;
    decoded.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::array<int, 4> sextets{};
        int padding = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const char c = text[i + j];
            if (c == '=' && i + 4 == text.size() && j >= 2) {
                sextets[j] = 0;
                ++padding;
                continue;
            }
            const std::size_t index = kAlphabet.find(c);
            if (index == std::string_view::npos || padding > 0) {
                return std::nullopt;
            }
            sextets[j] = static_cast<int>(index);
        }
        const int bits = sextets[0] << 18 | sextets[1] << 12 | sextets[2] << 6 | sextets[3];
        decoded += static_cast<char>(bits >> 16 & 0xFF);
        if (padding < 2) {
            decoded += static_cast<char>(bits >> 8 & 0xFF);
        }
        if (padding < 1) {
            decoded += static_cast<char>(bits & 0xFF);
        }
    }
    return decoded;
}

}  // namespace

std::optional<Credentials> parseBasicAuthorization(std::string_view header) {
    constexpr std::string_view kScheme = "Basic ";
    if (header.size() <= kScheme.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        // The scheme name is case-insensitive.
        if (std::tolower(static_cast<unsigned char>(header[i])) !=
            std::tolower(static_cast<unsigned char>(kScheme[i]))) {
            return std::nullopt;
        }
    }
    std::optional<std::string> decoded = decodeBase64(header.substr(kScheme.size()));
    if (!decoded) {
        return std::nullopt;
    }
    const std::size_t colon = decoded->find(':');
    if (colon == std::string::npos || colon == 0) {
        return std::nullopt;
    }
    return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace station::api
