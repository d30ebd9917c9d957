// Camera verification on the order session: SessionEngine::recordVerification() and the JSON
// form of its result.

#include "station/session/verification.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "station/session/session_engine.hpp"
#include "station/timestamp.hpp"

namespace station::session {
namespace {

using Json = nlohmann::json;

std::string trimmedCode(std::string_view data) {
    auto isPadding = [](char c) { return c == '\r' || c == '\n' || c == '\t' || c == ' '; };
    while (!data.empty() && isPadding(data.front())) {
        data.remove_prefix(1);
    }
    while (!data.empty() && isPadding(data.back())) {
        data.remove_suffix(1);
    }
    return std::string(data);
}

std::string describeLink(const store::Link& link) {
    std::string name = !link.gtin.empty() ? "GTIN " + link.gtin : "SKU " + link.sku;
    if (!link.serial.empty()) {
        name += " serial " + printableScan(link.serial);
    }
    return name;
}

// The active link of this order that already contains the unit. Only serialised units can be
// told apart, so a unit without a serial never matches.
const store::Link* linkedBefore(const std::vector<store::Link>& links,
                                const identity::Identity& unit) {
    if (unit.serial.empty()) {
        return nullptr;
    }
    const std::string& sku = !unit.sku.empty() ? unit.sku : unit.partNumber;
    for (const store::Link& link : links) {
        if (link.voided || link.serial != unit.serial) {
            continue;
        }
        if ((!unit.gtin.empty() && link.gtin == unit.gtin) ||
            (unit.gtin.empty() && !sku.empty() && link.sku == sku)) {
            return &link;
        }
    }
    return nullptr;
}

// One distinct code of a verification on its way to a decision.
struct Candidate {
    std::string content;  // trimmed
    const VerificationCode* code = nullptr;
    Scan scan;
    bool command = false;  // an order number or a station command code, not a unit
    std::optional<identity::Identity> unit;
    identity::ParseError error;
    int rank = 0;  // decision order: lower first
};

bool isOnOrder(const store::Order& order, const identity::Identity& unit) {
    if (!order.hasLines) {
        return true;
    }
    const std::string& sku = !unit.sku.empty() ? unit.sku : unit.partNumber;
    for (const store::OrderLine& line : order.lines) {
        bool skuMatches =
            !line.sku.empty() &&
            (line.sku == sku || std::find(unit.matchingSkus.begin(), unit.matchingSkus.end(),
                                          line.sku) != unit.matchingSkus.end());
        if ((!line.gtin.empty() && line.gtin == unit.gtin) || skuMatches) {
            return true;
        }
    }
    return false;
}

// Codes that need no rule come first, then units that are not on the order, then units linked
// before, then the units that may be linked now.
int rankOf(const Candidate& candidate, const std::optional<store::Order>& order,
           const std::vector<store::Link>& before) {
    if (candidate.command || !candidate.unit || !order) {
        return 0;
    }
    if (!isOnOrder(*order, *candidate.unit)) {
        return 1;
    }
    return linkedBefore(before, *candidate.unit) != nullptr ? 2 : 3;
}

std::vector<VerifiedLine> tallyLines(store::Store& store, const store::Order& order,
                                     const std::vector<VerifiedCode>& codes) {
    std::vector<int> counts = store.activeLinkCountsByLine(order.number, order.lines.size());
    std::vector<VerifiedLine> lines;
    for (const store::OrderLine& orderLine : order.lines) {
        VerifiedLine line;
        line.lineNo = orderLine.lineNo;
        line.gtin = orderLine.gtin;
        line.sku = orderLine.sku;
        line.expected = orderLine.quantity;
        line.linked = counts[static_cast<std::size_t>(orderLine.lineNo)];
        for (const VerifiedCode& code : codes) {
            bool onLine = code.lineNo == orderLine.lineNo;
            if (onLine && (code.outcome == "linked" || code.outcome == "already_linked")) {
                ++line.seen;
            }
        }
        line.missing = std::max(0, line.expected - line.seen);
        lines.push_back(line);
    }
    return lines;
}

std::string summarise(const VerificationResult& result) {
    if (result.outcome == "no_order") {
        return fmt::format("Verification {}: no open order; scan the order number first",
                           result.id);
    }
    int linked = 0;
    for (const VerifiedCode& code : result.codes) {
        linked += code.outcome == "linked" ? 1 : 0;
    }
    std::string text = fmt::format(
        "Order {} {}: {} new link(s), {} missing, {} refused, {} unreadable", result.orderNumber,
        result.outcome == "verified" ? "verified" : "does not match", linked, result.missing(),
        result.refused(), result.unreadableRegions);
    for (const VerifiedCode& code : result.codes) {
        if (code.outcome == "refused") {
            text += fmt::format("; take out {}: {}", code.code, code.message);
        }
    }
    if (!result.notSeen.empty()) {
        text += fmt::format("; linked but not in view: {}", fmt::join(result.notSeen, ", "));
    }
    return text;
}

}  // namespace

int VerificationResult::missing() const {
    int total = 0;
    for (const VerifiedLine& line : lines) {
        total += line.missing;
    }
    return total;
}

int VerificationResult::refused() const {
    return static_cast<int>(std::count_if(codes.begin(), codes.end(), [](const VerifiedCode& code) {
        return code.outcome == "refused";
    }));
}

Json verificationJson(const VerificationResult& result) {
    Json lines = Json::array();
    for (const VerifiedLine& line : result.lines) {
        lines.push_back({{"line", line.lineNo},
                         {"gtin", line.gtin},
                         {"sku", line.sku},
                         {"expected", line.expected},
                         {"seen", line.seen},
                         {"linked", line.linked},
                         {"missing", line.missing}});
    }
    Json accepted = Json::array();
    Json refused = Json::array();
    Json ignored = Json::array();
    for (const VerifiedCode& code : result.codes) {
        Json json = {{"scan_id", code.scanId},
                     {"code", code.code},
                     {"format", code.format},
                     {"outcome", code.outcome},
                     {"message", code.message}};
        if (!code.reason.empty()) {
            json["reason"] = code.reason;
        }
        if (code.lineNo) {
            json["line"] = *code.lineNo;
        }
        if (code.linkId) {
            json["link_id"] = *code.linkId;
        }
        Json& list = code.outcome == "refused"   ? refused
                     : code.outcome == "ignored" ? ignored
                                                 : accepted;
        list.push_back(std::move(json));
    }
    Json json = {
        {"id", result.id},
        {"order", result.orderNumber.empty() ? Json(nullptr) : Json(result.orderNumber)},
        {"outcome", result.outcome},
        {"summary", result.summary},
        {"lines", std::move(lines)},
        {"units", std::move(accepted)},
        {"refused", std::move(refused)},
        {"ignored", std::move(ignored)},
        {"missing", result.missing()},
        {"not_seen", result.notSeen},
        {"unreadable_regions", result.unreadableRegions},
        {"stable", result.stable},
        {"frames", result.frames},
        {"elapsed_ms", result.elapsedMs},
        {"device", result.device},
        {"trigger", result.trigger},
        {"at", result.at},
        {"evidence", result.evidencePath.empty() ? Json(nullptr) : Json(result.evidencePath)},
        {"order_completed", result.orderCompleted}};
    if (!result.evidencePath.empty()) {
        json["evidence_url"] =
            "/api/v1/evidence/" + std::filesystem::path(result.evidencePath).filename().string();
    }
    if (!result.evidenceError.empty()) {
        json["evidence_error"] = result.evidenceError;
    }
    if (result.journalSeq != 0) {
        json["journal_seq"] = result.journalSeq;
    }
    if (result.printJobId) {
        json["print_job_id"] = *result.printJobId;
    }
    return json;
}

VerificationResult SessionEngine::recordVerification(const VerificationInput& input) {
    VerificationResult result;
    result.id = input.id;
    result.device = input.device;
    result.trigger = input.trigger;
    result.unreadableRegions = input.unreadableRegions;
    result.stable = input.stable;
    result.frames = input.frames;
    result.elapsedMs = input.elapsedMs;
    result.evidencePath = input.evidencePath;
    result.evidenceError = input.evidenceError;
    result.at = formatTimestamp(std::chrono::system_clock::now());

    const std::optional<std::string> openBefore = openOrder_;
    const std::optional<std::string> target = input.orderNumber ? input.orderNumber : openOrder_;
    std::optional<store::Order> order;
    if (target) {
        result.orderNumber = *target;
        order = store_.findOrder(*target);
    }

    store::Transaction transaction = store_.begin();
    try {
        std::vector<store::Link> before;
        if (order) {
            before = store_.linksByOrder(order->number);
        }

        // The same content in two symbologies is one unit; sorting makes the result and the
        // order of the links independent of the order of reading.
        std::map<std::string, const VerificationCode*> distinct;
        for (const VerificationCode& code : input.codes) {
            distinct.emplace(trimmedCode(code.text), &code);
        }

        auto decideCode = [&](Candidate& candidate) {
            VerifiedCode verified;
            verified.scanId = candidate.scan.id;
            verified.code = printableScan(candidate.content);
            verified.format = candidate.code->format;
            if (candidate.command) {
                // Order labels and command codes lie on the table too; they are not units.
                verified.outcome = "ignored";
                verified.message = "not a unit: an order number or a station command code";
                return verified;
            }
            if (!order || order->state != "open") {
                verified.outcome = "refused";
                verified.reason = target ? "order_closed" : "no_open_order";
                verified.message = target ? fmt::format("order {} is {}", *target,
                                                        order ? order->state : "unknown")
                                          : "no order is open";
                return verified;
            }
            if (!candidate.unit) {
                verified.outcome = "refused";
                verified.reason = "parse_error";
                verified.message = fmt::format("not a unit code ({}): {}", candidate.error.kind,
                                               candidate.error.message);
                return verified;
            }
            if (const store::Link* link = linkedBefore(before, *candidate.unit)) {
                verified.outcome = "already_linked";
                verified.lineNo = link->lineNo;
                verified.linkId = link->linkId;
                verified.message = fmt::format("linked to order {} before", link->orderNumber);
                return verified;
            }

            // linkUnit() works on the open order, so the verified order takes its place. Once a
            // unit of this verification completed the order, linkUnit() finds it closed.
            openOrder_ = target;
            Decision decision = linkUnit(candidate.scan, *candidate.unit);
            verified.outcome = decision.outcome == "accepted" ? "linked" : "refused";
            verified.reason = decision.reason;
            verified.message = decision.message;
            verified.linkId = decision.linkId;
            if (decision.printJobId) {
                result.printJobId = decision.printJobId;
                result.orderCompleted = true;
            } else if (result.orderCompleted && !decision.good()) {
                verified.reason = "quantity_exceeded";
                verified.message =
                    fmt::format("order {} already has all its units; take this one out", *target);
            }
            return verified;
        };

        std::vector<Candidate> candidates;
        for (const auto& [content, code] : distinct) {
            Candidate candidate;
            candidate.content = content;
            candidate.code = code;
            candidate.scan.id = makeScanId();
            candidate.scan.data = code->text;
            candidate.scan.symbology = code->symbology;
            candidate.scan.device = input.device;
            candidate.scan.readAt = input.readAt;
            candidate.command = content.empty() || content == settings_.closeCode ||
                                content == settings_.undoCode || content == input.verifyCode ||
                                std::regex_match(content, orderPattern_);
            if (!candidate.command && order && order->state == "open") {
                candidate.unit = parse(candidate.scan, content, &candidate.error);
            }
            candidate.rank = rankOf(candidate, order, before);
            candidates.push_back(std::move(candidate));
        }
        // Units that are not on the order are decided first, while the order is still open, so
        // that they read as wrong_item even when the units after them complete the order.
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const Candidate& a, const Candidate& b) { return a.rank < b.rank; });

        std::set<std::int64_t> seenLinks;
        for (Candidate& candidate : candidates) {
            VerifiedCode verified = decideCode(candidate);
            if (verified.linkId) {
                seenLinks.insert(*verified.linkId);
            }
            store::ScanRecord record;
            record.scanId = candidate.scan.id;
            record.device = candidate.scan.device;
            record.symbology = candidate.scan.symbology;
            record.readAt = formatTimestamp(candidate.scan.readAt);
            record.raw = candidate.scan.data;
            record.outcome = verified.outcome == "linked" ? "accepted" : verified.outcome;
            record.reason = verified.reason;
            record.message = verified.message;
            record.orderNumber = target;
            store_.insertScan(record);
            result.codes.push_back(std::move(verified));
        }

        if (order) {
            // Line numbers of new links are read back rather than repeated from linkUnit().
            for (const store::Link& link : store_.linksByOrder(order->number)) {
                for (VerifiedCode& code : result.codes) {
                    if (code.linkId == link.linkId) {
                        code.lineNo = link.lineNo;
                    }
                }
                if (!link.voided && !seenLinks.count(link.linkId)) {
                    result.notSeen.push_back(describeLink(link));
                }
            }
            result.lines = tallyLines(store_, *order, result.codes);
        }

        const bool matches = result.missing() == 0 && result.refused() == 0 &&
                             result.unreadableRegions == 0 && result.notSeen.empty();
        result.outcome = !order || order->state != "open" ? "no_order"
                         : matches                        ? "verified"
                                                          : "mismatch";
        result.summary = summarise(result);

        Json detail = verificationJson(result);
        result.journalSeq = store_.appendJournal(
            {.at = result.at,
             .station = settings_.station,
             .actor = settings_.operatorName,
             .event = "verification",
             .orderNumber = target,
             .detailJson = detail.dump(-1, ' ', false, Json::error_handler_t::replace)});
        transaction.commit();
    } catch (...) {
        openOrder_ = openBefore;
        throw;
    }

    // The order open before stays open unless this verification completed it.
    openOrder_ = result.orderCompleted && openBefore == target ? std::nullopt : openBefore;
    return result;
}

}  // namespace station::session
