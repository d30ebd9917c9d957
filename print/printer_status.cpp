#include "print/printer_status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace station::print {

namespace {

constexpr char kStx = '\x02';
constexpr char kEtx = '\x03';

std::vector<std::string_view> frames(std::string_view answer) {
    std::vector<std::string_view> result;
    std::size_t pos = 0;
    while (true) {
        const std::size_t start = answer.find(kStx, pos);
        if (start == std::string_view::npos) {
            return result;
        }
        const std::size_t end = answer.find(kEtx, start);
        if (end == std::string_view::npos) {
            return result;
        }
        result.push_back(answer.substr(start + 1, end - start - 1));
        pos = end + 1;
    }
}

std::vector<std::string_view> fields(std::string_view frame) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = frame.find(',', start);
        parts.push_back(frame.substr(start, comma - start));
        if (comma == std::string_view::npos) {
            return parts;
        }
        start = comma + 1;
    }
}

bool flag(std::string_view field) {
    return field == "1";
}

std::optional<unsigned> number(std::string_view field, int base = 10) {
    unsigned value = 0;
    const auto [end, error] =
        std::from_chars(field.data(), field.data() + field.size(), value, base);
    if (error != std::errc() || end != field.data() + field.size() || field.empty()) {
        return std::nullopt;
    }
    return value;
}

void addIf(PrinterStatus& status, bool condition, PrinterStatus::Problem problem) {
    if (condition) {
        status.problems.push_back(problem);
    }
}

// Reads "ERRORS: 1 00000000 00000005" from a ~HQES response: the flag and the low mask.
std::optional<unsigned> maskAfter(std::string_view frame, std::string_view label) {
    const std::size_t at = frame.find(label);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    std::size_t pos = at + label.size();
    std::vector<std::string_view> words;
    while (words.size() < 3) {
        pos = frame.find_first_not_of(' ', pos);
        if (pos == std::string_view::npos) {
            break;
        }
        const std::size_t end = frame.find_first_of(" \r\n", pos);
        words.push_back(frame.substr(pos, end - pos));
        if (end == std::string_view::npos) {
            break;
        }
        pos = end;
    }
    if (words.size() < 3 || (words[0] != "0" && words[0] != "1")) {
        return std::nullopt;
    }
    return number(words[2], 16);
}

}  // namespace

bool PrinterStatus::has(Problem problem) const {
    return std::find(problems.begin(), problems.end(), problem) != problems.end();
}

std::string PrinterStatus::summary() const {
    if (problems.empty()) {
        return "ready";
    }
    std::string text;
    for (Problem problem : problems) {
        if (!text.empty()) {
            text += ", ";
        }
        text += problemName(problem);
    }
    return text;
}

PrinterStatus PrinterStatus::notReady(Problem problem, std::string detail) {
    PrinterStatus status;
    status.problems.push_back(problem);
    status.detail = std::move(detail);
    return status;
}

std::string_view problemName(PrinterStatus::Problem problem) {
    using Problem = PrinterStatus::Problem;
    switch (problem) {
        case Problem::NoAnswer:
            return "no answer to the status request";
        case Problem::Unreachable:
            return "unreachable";
        case Problem::PaperOut:
            return "paper out";
        case Problem::RibbonOut:
            return "ribbon out";
        case Problem::HeadOpen:
            return "head open";
        case Problem::Paused:
            return "paused";
        case Problem::BufferFull:
            return "receive buffer full";
        case Problem::CorruptRam:
            return "corrupt RAM";
        case Problem::HeadTooHot:
            return "print head too hot";
        case Problem::HeadTooCold:
            return "print head too cold";
        case Problem::CutterFault:
            return "cutter fault";
        case Problem::MotorTooHot:
            return "motor too hot";
        case Problem::HeadFault:
            return "print head fault";
        case Problem::Other:
            return "printer error";
    }
    return "printer error";
}

std::optional<PrinterStatus> parseHostStatus(std::string_view answer) {
    const auto parts = frames(answer);
    if (parts.size() < 3) {
        return std::nullopt;
    }
    const auto first = fields(parts[0]);
    const auto second = fields(parts[1]);
    if (first.size() < 12 || second.size() < 11) {
        return std::nullopt;
    }

    // Frame 1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l. Frame 2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www.
    using Problem = PrinterStatus::Problem;
    PrinterStatus status;
    addIf(status, flag(first[1]), Problem::PaperOut);
    addIf(status, flag(first[2]), Problem::Paused);
    addIf(status, flag(first[5]), Problem::BufferFull);
    addIf(status, flag(first[9]), Problem::CorruptRam);
    addIf(status, flag(first[10]), Problem::HeadTooCold);
    addIf(status, flag(first[11]), Problem::HeadTooHot);
    addIf(status, flag(second[2]), Problem::HeadOpen);
    addIf(status, flag(second[3]), Problem::RibbonOut);
    status.formatsInBuffer = number(first[4]);
    status.labelsRemaining = number(second[8]);
    status.detail = escapeForLog(answer);
    return status;
}

std::optional<PrinterStatus> parseExtendedStatus(std::string_view answer) {
    const auto parts = frames(answer);
    if (parts.empty()) {
        return std::nullopt;
    }
    const auto errors = maskAfter(parts[0], "ERRORS:");
    if (!errors) {
        return std::nullopt;
    }

    // Error bits of ~HQES; warnings (calibrate, clean head, paper near end) do not stop
    // printing and are kept in detail only.
    using Problem = PrinterStatus::Problem;
    PrinterStatus status;
    const unsigned mask = *errors;
    addIf(status, mask & 0x01, Problem::PaperOut);
    addIf(status, mask & 0x02, Problem::RibbonOut);
    addIf(status, mask & 0x04, Problem::HeadOpen);
    addIf(status, mask & 0x08, Problem::CutterFault);
    addIf(status, mask & 0x10, Problem::HeadTooHot);
    addIf(status, mask & 0x20, Problem::MotorTooHot);
    addIf(status, mask & 0xC0, Problem::HeadFault);
    addIf(status, (mask & ~0xFFu) != 0, Problem::Other);
    status.detail = escapeForLog(answer);
    return status;
}

std::string escapeForLog(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7F) {
            out += fmt::format("<{:02X}>", byte);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace station::print
