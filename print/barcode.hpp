#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "print/gs1.hpp"

namespace station::print {

// The escape sequence control character written in every ^BX command (parameter g). It is set
// explicitly because firmware defaults differ ('~' on current firmware, '_' on V60.13.0.12),
// and it differs from the ^FH indicator '_', which the printer applies first. It lies outside
// the GS1 character set, so GS1 data never contains it.
inline constexpr char kDataMatrixEscape = '`';

// Size of a barcode element, in dots at the printer's resolution.
struct BarcodeSize {
    unsigned moduleDots = 2;    // narrow bar (^BY w) or DataMatrix/QR module size
    unsigned heightDots = 100;  // bar height for linear symbols; unused by 2D symbols
    bool humanReadable = true;  // interpretation line under linear symbols
};

// Field data for ^BC in mode N (ZPL II Programming Guide, ^BC, "Code 128 invocation
// characters"): start code and subset switches are chosen here (subset C for runs of digits),
// a literal '>' is written as ">0" and the result is ^FH-escaped. Data must be printable ASCII
// (0x20 to 0x7E); anything else throws FieldDataError.
std::string code128FieldData(std::string_view data);

// Field data for a GS1-128 symbol through ^BC mode N: FNC1 (">8") after the start code and
// after every variable-length value that is not last. Elements are validated first.
std::string gs1_128FieldData(const std::vector<Gs1Element>& elements);

// Field data for ^BX quality 200 with kDataMatrixEscape: a literal escape character is doubled.
std::string dataMatrixFieldData(std::string_view data);

// Field data for a GS1 DataMatrix: FNC1 in first position and as the separator after every
// variable-length value that is not last, written as kDataMatrixEscape followed by '1'.
std::string gs1DataMatrixFieldData(const std::vector<Gs1Element>& elements);

// Field data for ^BQ model 2: error correction Q, automatic input mode ("QA,"), then the data.
std::string qrFieldData(std::string_view data);

// Builds a GS1 Digital Link URI: https://DOMAIN/01/GTIN with the key qualifiers 22, 10 and 21
// as path segments in that order and every other AI as a query parameter (GS1 Digital Link
// standard 1.2, section 4). Values are percent-encoded. Throws FieldDataError without AI 01.
std::string digitalLinkUri(const std::vector<Gs1Element>& elements,
                           std::string_view domain = "id.gs1.org");

// Complete ZPL elements, from the barcode command to ^FS, to be placed after a ^FO.
std::string code128Element(std::string_view data, const BarcodeSize& size);
std::string gs1_128Element(const std::vector<Gs1Element>& elements, const BarcodeSize& size);
std::string dataMatrixElement(std::string_view data, const BarcodeSize& size);
std::string gs1DataMatrixElement(const std::vector<Gs1Element>& elements, const BarcodeSize& size);
std::string qrElement(std::string_view data, const BarcodeSize& size);

}  // namespace station::print
