#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace station::print::emulator {

// Splits a byte stream the way a ZPL printer reads it: commands start with '^' or '~' (and
// with 0x1E and 0x10, which Zebra printers accept as the same prefixes), field data after ^FD
// or ^FV runs to the next prefix, and a label format runs from ^XA to ^XZ. Bytes may arrive in
// any split.
class ZplStreamParser {
public:
    struct Handlers {
        // Every command, as prefix and two letters ("^FO", "~HS"), in arrival order.
        std::function<void(const std::string&)> onCommand;
        // Raw bytes of a format from ^XA to ^XZ inclusive.
        std::function<void(std::string)> onLabel;
    };

    explicit ZplStreamParser(Handlers handlers) : handlers_(std::move(handlers)) {}

    void feed(std::string_view bytes);

private:
    void feedByte(char byte);

    Handlers handlers_;
    std::string command_;  // prefix plus up to 2 letters while a command name is read
    bool inFormat_ = false;
    std::string format_;
};

}  // namespace station::print::emulator
