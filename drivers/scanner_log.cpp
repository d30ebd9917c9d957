#include "drivers/scanner_log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace station::drivers {

std::shared_ptr<spdlog::logger> scannerLogger() {
    if (auto logger = spdlog::get("scanner")) {
        return logger;
    }
    try {
        return spdlog::stderr_color_mt("scanner");
    } catch (const spdlog::spdlog_ex&) {
        // Another thread registered it between the lookup and the creation.
        return spdlog::get("scanner");
    }
}

std::string escapeForLog(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        switch (byte) {
            case 0x1D:
                out += "<GS>";
                continue;
            case 0x1E:
                out += "<RS>";
                continue;
            case 0x04:
                out += "<EOT>";
                continue;
            case '\r':
                out += "<CR>";
                continue;
            case '\n':
                out += "<LF>";
                continue;
            case '\t':
                out += "<TAB>";
                continue;
            case 0x1B:
                out += "<ESC>";
                continue;
            default:
                break;
        }
        if (byte < 0x20 || byte >= 0x7F || byte == '<' || byte == '\\') {
            out += "\\x";
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xF]);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace station::drivers
