#include "print/gs1.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "print/zpl_escape.hpp"

namespace station::print {

namespace {

enum class Charset { Numeric, Cset82 };
enum class Check { None, Mod10, Date };

struct AiDefinition {
    std::string_view ai;  // for 4-digit AIs with a decimal-point digit, the 3-digit stem
    Charset charset;
    std::size_t minLength;
    std::size_t maxLength;
    Check check;
};

// Application Identifiers from the GS1 General Specifications, section 3.2, limited to those a
// packing station prints: identification, traceability, dates, quantities and measures.
constexpr std::array kAiTable = {
    AiDefinition{"00", Charset::Numeric, 18, 18, Check::Mod10},
    AiDefinition{"01", Charset::Numeric, 14, 14, Check::Mod10},
    AiDefinition{"02", Charset::Numeric, 14, 14, Check::Mod10},
    AiDefinition{"10", Charset::Cset82, 1, 20, Check::None},
    AiDefinition{"11", Charset::Numeric, 6, 6, Check::Date},
    AiDefinition{"12", Charset::Numeric, 6, 6, Check::Date},
    AiDefinition{"13", Charset::Numeric, 6, 6, Check::Date},
    AiDefinition{"15", Charset::Numeric, 6, 6, Check::Date},
    AiDefinition{"16", Charset::Numeric, 6, 6, Check::Date},
    AiDefinition{"17", Charset::Numeric, 6, 6, Check::Date},
    AiDefinition{"20", Charset::Numeric, 2, 2, Check::None},
    AiDefinition{"21", Charset::Cset82, 1, 20, Check::None},
    AiDefinition{"22", Charset::Cset82, 1, 20, Check::None},
    AiDefinition{"30", Charset::Numeric, 1, 8, Check::None},
    AiDefinition{"37", Charset::Numeric, 1, 8, Check::None},
    AiDefinition{"240", Charset::Cset82, 1, 30, Check::None},
    AiDefinition{"241", Charset::Cset82, 1, 30, Check::None},
    AiDefinition{"250", Charset::Cset82, 1, 30, Check::None},
    AiDefinition{"400", Charset::Cset82, 1, 30, Check::None},
    AiDefinition{"401", Charset::Cset82, 1, 30, Check::None},
    AiDefinition{"402", Charset::Numeric, 17, 17, Check::Mod10},
    AiDefinition{"410", Charset::Numeric, 13, 13, Check::Mod10},
    AiDefinition{"413", Charset::Numeric, 13, 13, Check::Mod10},
    AiDefinition{"414", Charset::Numeric, 13, 13, Check::Mod10},
    AiDefinition{"420", Charset::Cset82, 1, 20, Check::None},
    AiDefinition{"421", Charset::Cset82, 4, 12, Check::None},
    // Trade measures: 310n to 316n (net weight, length, width, depth, area, volume), where n is
    // the number of decimals.
    AiDefinition{"310", Charset::Numeric, 6, 6, Check::None},
    AiDefinition{"311", Charset::Numeric, 6, 6, Check::None},
    AiDefinition{"312", Charset::Numeric, 6, 6, Check::None},
    AiDefinition{"313", Charset::Numeric, 6, 6, Check::None},
    AiDefinition{"314", Charset::Numeric, 6, 6, Check::None},
    AiDefinition{"315", Charset::Numeric, 6, 6, Check::None},
    AiDefinition{"316", Charset::Numeric, 6, 6, Check::None},
};

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool allDigits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), isDigit);
}

// CSET 82 (GS1 General Specifications, figure 7.11-1).
bool isCset82(char c) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c)) {
        return true;
    }
    return std::string_view("!\"%&'()*+,-./:;<=>?_").find(c) != std::string_view::npos;
}

const AiDefinition* findAi(std::string_view ai) {
    for (const auto& definition : kAiTable) {
        if (definition.ai == ai) {
            return &definition;
        }
        if (ai.size() == 4 && definition.ai.size() == 3 && ai.substr(0, 3) == definition.ai &&
            definition.ai[0] == '3' && isDigit(ai[3])) {
            return &definition;
        }
    }
    return nullptr;
}

bool isValidDate(std::string_view yymmdd) {
    const int month = (yymmdd[2] - '0') * 10 + (yymmdd[3] - '0');
    const int day = (yymmdd[4] - '0') * 10 + (yymmdd[5] - '0');
    // Day 00 means "last day of the month" (GS1 General Specifications, 3.4.5).
    return month >= 1 && month <= 12 && day <= 31;
}

[[noreturn]] void fail(std::string_view ai, std::string_view problem) {
    throw FieldDataError(fmt::format("GS1 AI ({}): {}", ai, problem));
}

}  // namespace

char gs1CheckDigit(std::string_view digitsWithoutCheck) {
    // Weights alternate 3, 1, ... starting from the rightmost digit.
    int sum = 0;
    int weight = 3;
    for (auto it = digitsWithoutCheck.rbegin(); it != digitsWithoutCheck.rend(); ++it) {
        sum += (*it - '0') * weight;
        weight = weight == 3 ? 1 : 3;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool isFixedLengthAi(std::string_view ai) {
    // The first two digits decide, per the GS1 table of predefined lengths.
    static constexpr std::array<std::string_view, 22> kFixedPrefixes = {
        "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16",
        "17", "18", "19", "20", "31", "32", "33", "34", "35", "36", "41"};
    if (ai.size() < 2) {
        return false;
    }
    return std::find(kFixedPrefixes.begin(), kFixedPrefixes.end(), ai.substr(0, 2)) !=
           kFixedPrefixes.end();
}

void validateGs1Element(const Gs1Element& element) {
    const AiDefinition* definition = findAi(element.ai);
    if (definition == nullptr) {
        fail(element.ai, "unknown or unsupported Application Identifier");
    }

    const std::string& value = element.value;
    if (value.size() < definition->minLength || value.size() > definition->maxLength) {
        fail(element.ai,
             definition->minLength == definition->maxLength
                 ? fmt::format("value must be {} characters, got {}", definition->minLength,
                               value.size())
                 : fmt::format("value must be {} to {} characters, got {}", definition->minLength,
                               definition->maxLength, value.size()));
    }
    if (definition->charset == Charset::Numeric && !allDigits(value)) {
        fail(element.ai, "value must contain digits only");
    }
    if (definition->charset == Charset::Cset82 &&
        !std::all_of(value.begin(), value.end(), isCset82)) {
        fail(element.ai, "value contains a character outside the GS1 character set 82");
    }

    if (definition->check == Check::Mod10) {
        const char expected = gs1CheckDigit(std::string_view(value).substr(0, value.size() - 1));
        if (value.back() != expected) {
            fail(element.ai, fmt::format("check digit is {}, expected {}", value.back(), expected));
        }
    }
    if (definition->check == Check::Date && !isValidDate(value)) {
        fail(element.ai, "value is not a YYMMDD date");
    }
}

std::vector<Gs1Element> parseGs1Text(std::string_view text) {
    std::vector<Gs1Element> elements;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (text[pos] != '(') {
            throw FieldDataError(
                fmt::format("GS1 text must be written as (AI)value..., got '{}'", text));
        }
        const std::size_t close = text.find(')', pos);
        if (close == std::string_view::npos) {
            throw FieldDataError(fmt::format("GS1 text has an unclosed '(': '{}'", text));
        }
        const std::size_t next = text.find('(', close);
        Gs1Element element{std::string(text.substr(pos + 1, close - pos - 1)),
                           std::string(text.substr(close + 1, next - close - 1))};
        validateGs1Element(element);
        elements.push_back(std::move(element));
        pos = next == std::string_view::npos ? text.size() : next;
    }
    if (elements.empty()) {
        throw FieldDataError("GS1 text is empty");
    }
    return elements;
}

std::string formatGs1Text(const std::vector<Gs1Element>& elements) {
    std::string text;
    for (const auto& element : elements) {
        text += '(' + element.ai + ')' + element.value;
    }
    return text;
}

std::string gs1Transmitted(const std::vector<Gs1Element>& elements) {
    std::string out;
    for (std::size_t i = 0; i < elements.size(); ++i) {
        out += elements[i].ai + elements[i].value;
        if (i + 1 < elements.size() && !isFixedLengthAi(elements[i].ai)) {
            out += '\x1D';
        }
    }
    return out;
}

}  // namespace station::print
