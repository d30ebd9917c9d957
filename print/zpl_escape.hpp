#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace station::print {

// The ^FH hex indicator every rendered field uses. It is the ZPL default, written explicitly
// as ^FH_ so a printer left with another indicator still reads the field right.
inline constexpr char kHexIndicator = '_';

// Maximum length of the data between ^FD and ^FS (ZPL II Programming Guide, ^FD: 3072 bytes).
inline constexpr std::size_t kMaxFieldDataBytes = 3072;

// Field data that ZPL cannot hold: too long once escaped. The message names the limit and the
// length; the caller adds which field it was.
class FieldDataError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// Escapes one field value for a field that is preceded by ^FH_ and printed under ^CI28.
//
// Every value that comes from a scan, an order or a person reaches ZPL through this function.
// It writes as "_XX" hex: the caret and tilde (command prefixes), the indicator '_' itself,
// every byte below 0x20 (0x10 and 0x1E also act as command prefixes on Zebra printers), 0x7F,
// and every byte that is not part of a valid UTF-8 sequence. Valid UTF-8 passes unchanged, so
// the result is always valid UTF-8 and contains no byte that can start a command.
//
// The result is not length-checked; use checkFieldLength() on the whole ^FD content.
std::string escapeFieldData(std::string_view value);

// Throws FieldDataError when escaped field data exceeds kMaxFieldDataBytes. Data is never cut.
void checkFieldLength(std::string_view escapedFieldData);

// Returns the length of the valid UTF-8 sequence at the start of text, or 0 when the first
// byte does not start one (overlong forms, surrogates and values above U+10FFFF are invalid).
std::size_t utf8SequenceLength(std::string_view text);

}  // namespace station::print
