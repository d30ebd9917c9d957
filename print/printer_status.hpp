#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace station::print {

// What a printer reported about itself, or that it did not answer.
struct PrinterStatus {
    // Why a printer cannot print; empty when it is ready.
    enum class Problem {
        // No complete response within the status timeout. Zebra printers send no ~HS response
        // while media or ribbon is out, the head is open or over temperature, so this is never
        // taken as ready.
        NoAnswer,
        Unreachable,  // the transport could not reach the printer to ask
        PaperOut,
        RibbonOut,
        HeadOpen,
        Paused,
        BufferFull,
        CorruptRam,
        HeadTooHot,
        HeadTooCold,
        CutterFault,
        MotorTooHot,
        HeadFault,
        Other,
    };

    std::vector<Problem> problems;
    std::optional<unsigned> labelsRemaining;  // in the current batch, from ~HS
    std::optional<unsigned> formatsInBuffer;  // from ~HS
    std::string detail;                       // the raw answer, escaped, or the transport's error

    bool ready() const { return problems.empty(); }
    bool has(Problem problem) const;
    // "ready" or the problems joined by ", " ("paper out, head open").
    std::string summary() const;

    static PrinterStatus notReady(Problem problem, std::string detail);
};

std::string_view problemName(PrinterStatus::Problem problem);

// Parses the answer to ~HS: three STX ... ETX frames of comma-separated flags (ZPL II
// Programming Guide, ~HS "Host Status Return"). Returns nullopt until all three frames are
// complete or when a frame has fewer fields than the guide lists.
std::optional<PrinterStatus> parseHostStatus(std::string_view answer);

// Parses the answer to ~HQES: an STX ... ETX frame with "ERRORS: f nnnnnnnn nnnnnnnn" and
// "WARNINGS: ..." lines, where f is 1 when a flag is set and the hex groups are bit masks
// (ZPL II Programming Guide, ~HQ "Host Query", ES). Returns nullopt while incomplete.
std::optional<PrinterStatus> parseExtendedStatus(std::string_view answer);

// Escapes control bytes as <XX> so a printer's answer can be logged.
std::string escapeForLog(std::string_view bytes);

}  // namespace station::print
