#include "print/barcode.hpp"

#include <fmt/format.h>

#include "print/zpl_escape.hpp"

namespace station::print {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// A Code 128 symbol character before subset selection: a data byte or FNC1.
struct Code128Symbol {
    char byte = 0;
    bool fnc1 = false;
};

std::size_t digitRun(const std::vector<Code128Symbol>& symbols, std::size_t from) {
    std::size_t count = 0;
    while (from + count < symbols.size() && !symbols[from + count].fnc1 &&
           isDigit(symbols[from + count].byte)) {
        ++count;
    }
    return count;
}

// Subset C pays off for a run of at least 4 digits at the start or end of the data and 6 in
// the middle, because each switch costs one symbol character.
bool worthSubsetC(std::size_t run, bool atStart, bool reachesEnd) {
    return run >= ((atStart || reachesEnd) ? 4 : 6);
}

void appendSubsetB(std::string& out, char byte) {
    if (byte == '>') {
        out += ">0";
        return;
    }
    out += escapeFieldData(std::string_view(&byte, 1));
}

std::string encodeCode128(const std::vector<Code128Symbol>& symbols) {
    for (const auto& symbol : symbols) {
        const auto byte = static_cast<unsigned char>(symbol.byte);
        if (!symbol.fnc1 && (byte < 0x20 || byte > 0x7E)) {
            throw FieldDataError(fmt::format(
                "Code 128 data contains byte 0x{:02X}; only printable ASCII is encoded", byte));
        }
    }

    std::string out;
    std::size_t firstData = 0;
    while (firstData < symbols.size() && symbols[firstData].fnc1) {
        ++firstData;
    }
    const std::size_t leadRun = digitRun(symbols, firstData);
    bool subsetC =
        leadRun % 2 == 0 && worthSubsetC(leadRun, true, firstData + leadRun == symbols.size());
    out += subsetC ? ">;" : ">:";

    std::size_t i = 0;
    while (i < symbols.size()) {
        if (symbols[i].fnc1) {
            out += ">8";
            ++i;
            continue;
        }
        const std::size_t run = digitRun(symbols, i);
        if (subsetC) {
            if (run >= 2) {
                out.append(1, symbols[i].byte).append(1, symbols[i + 1].byte);
                i += 2;
                continue;
            }
            out += ">6";
            subsetC = false;
        }
        if (run % 2 == 0 && worthSubsetC(run, false, i + run == symbols.size())) {
            out += ">5";
            subsetC = true;
            continue;
        }
        appendSubsetB(out, symbols[i].byte);
        ++i;
    }
    return out;
}

std::string checked(std::string fieldData) {
    checkFieldLength(fieldData);
    return fieldData;
}

bool isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

std::string percentEncode(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (isUnreserved(c)) {
            out.push_back(c);
        } else {
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return out;
}

void validateAll(const std::vector<Gs1Element>& elements) {
    if (elements.empty()) {
        throw FieldDataError("GS1 data has no element");
    }
    for (const auto& element : elements) {
        validateGs1Element(element);
    }
}

}  // namespace

std::string code128FieldData(std::string_view data) {
    std::vector<Code128Symbol> symbols;
    for (char c : data) {
        symbols.push_back({c, false});
    }
    return checked(encodeCode128(symbols));
}

std::string gs1_128FieldData(const std::vector<Gs1Element>& elements) {
    validateAll(elements);
    std::vector<Code128Symbol> symbols{{0, true}};
    for (std::size_t i = 0; i < elements.size(); ++i) {
        for (char c : elements[i].ai + elements[i].value) {
            symbols.push_back({c, false});
        }
        if (i + 1 < elements.size() && !isFixedLengthAi(elements[i].ai)) {
            symbols.push_back({0, true});
        }
    }
    return checked(encodeCode128(symbols));
}

std::string dataMatrixFieldData(std::string_view data) {
    std::string doubled;
    for (char c : data) {
        doubled.push_back(c);
        if (c == kDataMatrixEscape) {
            doubled.push_back(c);
        }
    }
    return checked(escapeFieldData(doubled));
}

std::string gs1DataMatrixFieldData(const std::vector<Gs1Element>& elements) {
    validateAll(elements);
    const std::string fnc1{kDataMatrixEscape, '1'};
    std::string out = fnc1;
    for (std::size_t i = 0; i < elements.size(); ++i) {
        out += escapeFieldData(elements[i].ai + elements[i].value);
        if (i + 1 < elements.size() && !isFixedLengthAi(elements[i].ai)) {
            out += fnc1;
        }
    }
    return checked(out);
}

std::string qrFieldData(std::string_view data) {
    return checked("QA," + escapeFieldData(data));
}

std::string digitalLinkUri(const std::vector<Gs1Element>& elements, std::string_view domain) {
    validateAll(elements);
    const auto find = [&](std::string_view ai) -> const Gs1Element* {
        for (const auto& element : elements) {
            if (element.ai == ai) {
                return &element;
            }
        }
        return nullptr;
    };

    const Gs1Element* gtin = find("01");
    if (gtin == nullptr) {
        throw FieldDataError("GS1 Digital Link needs a GTIN (AI 01)");
    }
    std::string uri = fmt::format("https://{}/01/{}", domain, gtin->value);
    for (std::string_view qualifier : {"22", "10", "21"}) {
        if (const Gs1Element* element = find(qualifier)) {
            uri += fmt::format("/{}/{}", qualifier, percentEncode(element->value));
        }
    }

    char separator = '?';
    for (const auto& element : elements) {
        if (element.ai == "01" || element.ai == "22" || element.ai == "10" || element.ai == "21") {
            continue;
        }
        uri += fmt::format("{}{}={}", separator, element.ai, percentEncode(element.value));
        separator = '&';
    }
    return uri;
}

std::string code128Element(std::string_view data, const BarcodeSize& size) {
    return fmt::format("^BY{}^BCN,{},{},N,N,N^FH_^FD{}^FS", size.moduleDots, size.heightDots,
                       size.humanReadable ? 'Y' : 'N', code128FieldData(data));
}

std::string gs1_128Element(const std::vector<Gs1Element>& elements, const BarcodeSize& size) {
    return fmt::format("^BY{}^BCN,{},{},N,N,N^FH_^FD{}^FS", size.moduleDots, size.heightDots,
                       size.humanReadable ? 'Y' : 'N', gs1_128FieldData(elements));
}

std::string dataMatrixElement(std::string_view data, const BarcodeSize& size) {
    return fmt::format("^BXN,{},200,,,,{}^FH_^FD{}^FS", size.moduleDots, kDataMatrixEscape,
                       dataMatrixFieldData(data));
}

std::string gs1DataMatrixElement(const std::vector<Gs1Element>& elements, const BarcodeSize& size) {
    return fmt::format("^BXN,{},200,,,,{}^FH_^FD{}^FS", size.moduleDots, kDataMatrixEscape,
                       gs1DataMatrixFieldData(elements));
}

std::string qrElement(std::string_view data, const BarcodeSize& size) {
    return fmt::format("^BQN,2,{}^FH_^FD{}^FS", size.moduleDots, qrFieldData(data));
}

}  // namespace station::print
