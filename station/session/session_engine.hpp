#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "config/station_config.hpp"
#include "drivers/scan.hpp"
#include "station/identity/identity.hpp"
#include "station/orders/order_importer.hpp"
#include "station/session/decision.hpp"
#include "station/session/verification.hpp"
#include "station/store/store.hpp"

namespace station::session {

// A rendered carton label for an order that just closed.
struct CartonLabel {
    std::string templateName;
    std::string zpl;
    std::string fieldsJson;
};

// Renders the carton label for a closed order from its active links. Throws on failure; the
// close then still commits and the failure is journaled.
using CartonLabelRenderer =
    std::function<CartonLabel(const store::Order&, const std::vector<store::Link>&)>;

struct SessionSettings {
    std::string station;
    std::string operatorName;
    std::string orderNumberPattern;
    std::string closeCode;
    std::string undoCode;
    std::string printerName;
    std::vector<identity::SerialPattern> serialPatterns;
    std::optional<char> gsSubstitute;
};

// Takes the session settings from the station configuration.
SessionSettings sessionSettings(const config::StationConfig& config);

// The order session at one station: turns each scan into a decision and records it. Every
// decision, and the link or print job it creates, is committed in one SQLite transaction
// before handleScan returns, so a decision the caller shows is never lost. Runs on one thread.
class SessionEngine {
public:
    SessionEngine(store::Store& store, orders::OrderImporter& importer, SessionSettings settings,
                  CartonLabelRenderer renderCarton);

    // Decides and records one scan. A scan id seen before returns the stored decision and
    // changes nothing.
    Decision handleScan(const Scan& scan);

    // Decides and records several scans in one transaction (camera bursts, replays).
    std::vector<Decision> handleScans(const std::vector<Scan>& scans);

    // True when the scan is an order number. handleScans() imports pending order files before
    // its transaction when any of its scans is one.
    bool isOrderNumber(const Scan& scan) const;

    // Links a scan that was rejected, on a lead's authority. Only rejections that a person can
    // judge are overridable: wrong_item, quantity_exceeded, serial_missing, lot_missing,
    // expiry_missing, shelf_life_too_short, fefo. Expired units, held units, duplicate serials and
    // unreadable scans are not: release the hold or record a return instead. The caller has
    // authenticated the lead. Throws std::invalid_argument when the override is not allowed.
    Decision overrideRejectedScan(const std::string& scanId, const std::string& lead,
                                  const std::string& reason);

    const std::optional<std::string>& openOrder() const { return openOrder_; }

    // Local calendar day used for expiry rules; tests set it.
    void setToday(std::function<std::chrono::year_month_day()> today) { today_ = std::move(today); }

    // Records a camera verification in one transaction. Each code goes through the same parser
    // and rules as a scanned unit; accepted units are linked, every code gets a scan row, and
    // one "verification" journal event holds the result. Throws on store failures, and then
    // nothing is recorded. Defined in verification.cpp.
    VerificationResult recordVerification(const VerificationInput& input);

private:
    Decision decide(const Scan& scan, const std::string& content);
    Decision openOrderFromScan(const Scan& scan, const std::string& number);
    Decision closeOpenOrder(const Scan& scan);
    Decision undoLastScan(const Scan& scan);
    std::optional<identity::Identity> parse(const Scan& scan, const std::string& content,
                                            identity::ParseError* error);
    Decision linkUnit(const Scan& scan, const identity::Identity& unit);
    std::optional<std::int64_t> completeOrder(const store::Order& order, const std::string& state,
                                              const std::string& actor, const std::string& at);
    Decision reject(const Scan& scan, std::string reason, std::string message);
    // The earliest-expiring other lot of the unit's GTIN in the stock snapshot that expires
    // before the unit, described for the packer, or nothing.
    std::optional<std::string> earlierExpiringLot(const identity::Identity& unit);
    // Builds the link of a unit to an order from the scan that read it.
    store::Link makeLink(const Scan& scan, const store::Order& order,
                         const identity::Identity& unit) const;
    void record(const Scan& scan, const Decision& decision, const std::string& content);
    std::optional<Decision> replay(const Scan& scan);

    // An order and its active link counts per line, as linkUnit() last read them, with the
    // store's change counters at that time.
    struct OrderSnapshot {
        store::Order order;
        std::vector<int> counts;
        std::int64_t dataVersion = 0;
        std::int64_t totalChanges = 0;
        bool confirmed = false;  // read or checked during the scan being decided
    };
    // Returns the order with its link counts, or nullptr when it does not exist. Reuses the
    // snapshot while the store's change counters show that nothing was written since, which
    // saves three queries per unit scan.
    OrderSnapshot* orderSnapshot(const std::string& number);
    // Marks a snapshot confirmed during this scan as current again after the scan's own
    // writes, which it reflects: its new link is counted, and other writes reset it.
    void keepOrderSnapshot();

    store::Store& store_;
    orders::OrderImporter& importer_;
    SessionSettings settings_;
    CartonLabelRenderer renderCarton_;
    std::regex orderPattern_;
    std::optional<std::string> openOrder_;
    std::optional<OrderSnapshot> orderSnapshot_;
    std::function<std::chrono::year_month_day()> today_;
};

// Escapes a scan's bytes for logs and messages: printable ASCII as is, GS as <GS>, RS as <RS>,
// EOT as <EOT>, every other byte as \xNN. Keeps raw control bytes out of terminals and journals.
std::string printableScan(std::string_view bytes);

}  // namespace station::session
