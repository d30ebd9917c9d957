#include "print/emulator/zpl_stream_parser.hpp"

#include <cctype>

namespace station::print::emulator {

namespace {

// ZPL II Programming Guide, "Changing the prefix characters": hex 10 works as the control
// prefix and hex 1E as the format prefix.
char prefixOf(char byte) {
    switch (byte) {
        case '^':
        case '\x1E':
            return '^';
        case '~':
        case '\x10':
            return '~';
        default:
            return 0;
    }
}

}  // namespace

void ZplStreamParser::feed(std::string_view bytes) {
    for (char byte : bytes) {
        feedByte(byte);
    }
}

void ZplStreamParser::feedByte(char byte) {
    if (inFormat_) {
        format_.push_back(byte);
    }

    if (!command_.empty()) {
        command_.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(byte))));
        if (command_.size() < 3) {
            return;
        }
        const std::string command = command_;
        command_.clear();
        if (handlers_.onCommand) {
            handlers_.onCommand(command);
        }
        if (command == "^XA") {
            inFormat_ = true;
            format_ = "^XA";
        } else if (command == "^XZ" && inFormat_) {
            inFormat_ = false;
            if (handlers_.onLabel) {
                handlers_.onLabel(std::move(format_));
            }
            format_.clear();
        }
        return;
    }

    if (const char prefix = prefixOf(byte)) {
        command_.push_back(prefix);
    }
}

}  // namespace station::print::emulator
