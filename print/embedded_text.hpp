#pragma once

#include <string_view>

namespace station::print {

// A text file built into the binary by print/embed_text.cmake.
struct EmbeddedText {
    std::string_view name;
    std::string_view text;
};

}  // namespace station::print
