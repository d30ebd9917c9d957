#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace station::session {

// One code a camera read during a verification window.
struct VerificationCode {
    std::string format;     // ZXing-cpp format name, such as "DataMatrix"
    std::string text;       // content bytes, GS as 0x1D
    std::string symbology;  // AIM symbology identifier, such as "]d2"
};

// The codes a camera pass collected, handed to SessionEngine::recordVerification().
struct VerificationInput {
    std::string id;                          // the verification id given at the trigger
    std::optional<std::string> orderNumber;  // none: the order open at the station
    std::string device;                      // the camera's name
    std::string trigger;                     // "api", or the name of the scanner that read it
    std::chrono::system_clock::time_point readAt;
    std::vector<VerificationCode> codes;
    int unreadableRegions = 0;
    bool stable = false;  // false: the window timed out while the set of codes still changed
    int frames = 0;
    std::int64_t elapsedMs = 0;
    std::string evidencePath;   // empty when no evidence image was written
    std::string evidenceError;  // why not
    std::string verifyCode;     // the code that triggers a verification, ignored in view
};

// One code of a verification and what the station did with it.
struct VerifiedCode {
    std::string scanId;  // the scan row recorded for this code
    std::string code;    // the content, control bytes escaped
    std::string format;
    // linked: a new link; already_linked: linked to this order before the verification;
    // refused: not linked, see reason; ignored: the order number or a station command code.
    std::string outcome;
    std::string reason;  // a Decision reason token when refused
    std::string message;
    std::optional<int> lineNo;
    std::optional<std::int64_t> linkId;
};

// One order line as the camera saw it.
struct VerifiedLine {
    int lineNo = 0;
    std::string gtin;
    std::string sku;
    int expected = 0;  // the ordered quantity
    int seen = 0;      // units of this line in view, linked now or before
    int linked = 0;    // active links of this line after the verification
    int missing = 0;   // expected units the camera did not see
};

// The outcome of a verification, as journaled, published and served by the API.
struct VerificationResult {
    std::string id;
    std::string orderNumber;
    // verified: every ordered unit seen, nothing refused, no unreadable region;
    // mismatch: anything else; no_order: no order was open or the order is not open.
    std::string outcome;
    std::string summary;  // one line for the packer's screen
    std::vector<VerifiedLine> lines;
    std::vector<VerifiedCode> codes;
    // Units linked to the order earlier that the camera did not see, such as "GTIN … serial …".
    std::vector<std::string> notSeen;
    int unreadableRegions = 0;
    bool stable = false;
    int frames = 0;
    std::int64_t elapsedMs = 0;
    std::string device;
    std::string trigger;
    std::string at;
    std::string evidencePath;
    std::string evidenceError;
    std::int64_t journalSeq = 0;
    std::optional<std::int64_t> printJobId;  // the carton label when the verification closed it
    bool orderCompleted = false;

    int missing() const;
    int refused() const;
};

nlohmann::json verificationJson(const VerificationResult& result);

}  // namespace station::session
