#include "station/session/session_engine.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "station/timestamp.hpp"

namespace station::session {
namespace {

using Json = nlohmann::json;

std::chrono::year_month_day localToday() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return std::chrono::year_month_day{std::chrono::year{local.tm_year + 1900},
                                       std::chrono::month{static_cast<unsigned>(local.tm_mon + 1)},
                                       std::chrono::day{static_cast<unsigned>(local.tm_mday)}};
}

// Removes the scanner suffix and padding that may surround a scan. Content is never
// case-folded.
std::string trimmed(std::string_view data) {
    auto isPadding = [](char c) { return c == '\r' || c == '\n' || c == '\t' || c == ' '; };
    while (!data.empty() && isPadding(data.front())) {
        data.remove_prefix(1);
    }
    while (!data.empty() && isPadding(data.back())) {
        data.remove_suffix(1);
    }
    return std::string(data);
}

std::string unitName(const identity::Identity& unit) {
    const std::string& sku = !unit.sku.empty() ? unit.sku : unit.partNumber;
    std::string name = !unit.gtin.empty() ? "GTIN " + unit.gtin
                       : !sku.empty()     ? "SKU " + sku
                                          : "code " + printableScan(unit.content);
    if (!unit.serial.empty()) {
        name += " serial " + printableScan(unit.serial);
    }
    if (!unit.lot.empty()) {
        name += " lot " + printableScan(unit.lot);
    }
    return name;
}

int daysBetween(std::chrono::year_month_day from, std::chrono::year_month_day to) {
    return static_cast<int>((std::chrono::sys_days(to) - std::chrono::sys_days(from)).count());
}

}  // namespace

SessionSettings sessionSettings(const config::StationConfig& config) {
    SessionSettings settings;
    settings.station = config.stationId;
    settings.operatorName = config.operatorName;
    settings.orderNumberPattern = config.orders.numberPattern;
    settings.closeCode = config.orders.closeCode;
    settings.undoCode = config.orders.undoCode;
    settings.printerName = config.printer.name;
    for (const config::SerialPatternConfig& pattern : config.orders.serialPatterns) {
        settings.serialPatterns.push_back({pattern.sku, pattern.regex});
    }
    return settings;
}

std::string printableScan(std::string_view bytes) {
    std::string text;
    text.reserve(bytes.size());
    for (char c : bytes) {
        auto byte = static_cast<unsigned char>(c);
        if (byte == 0x1D) {
            text += "<GS>";
        } else if (byte == 0x1E) {
            text += "<RS>";
        } else if (byte == 0x04) {
            text += "<EOT>";
        } else if (byte < 0x20 || byte >= 0x7F) {
            text += fmt::format("\\x{:02X}", byte);
        } else {
            text.push_back(c);
        }
    }
    return text;
}

SessionEngine::SessionEngine(store::Store& store, orders::OrderImporter& importer,
                             SessionSettings settings, CartonLabelRenderer renderCarton)
    : store_(store),
      importer_(importer),
      settings_(std::move(settings)),
      renderCarton_(std::move(renderCarton)),
      orderPattern_(settings_.orderNumberPattern),
      today_(localToday) {
    // Resume the order that was open when the daemon stopped.
    store::Statement last = store_.database().prepare(
        "SELECT s.outcome, s.order_number, o.state FROM scans s "
        "JOIN orders o ON o.order_number = s.order_number "
        "WHERE s.outcome IN ('order_opened', 'order_resumed', 'order_closed') "
        "ORDER BY s.rowid DESC LIMIT 1");
    if (last.step() && last.text(0) != "order_closed" && last.text(2) == "open") {
        openOrder_ = last.text(1);
        spdlog::info("Resuming open order {}", *openOrder_);
    }
}

Decision SessionEngine::handleScan(const Scan& scan) {
    return handleScans({scan}).front();
}

std::vector<Decision> SessionEngine::handleScans(const std::vector<Scan>& scans) {
    // Order files are imported before the transaction, so an order dropped a moment ago is
    // known when its number is scanned.
    if (std::any_of(scans.begin(), scans.end(),
                    [this](const Scan& scan) { return isOrderNumber(scan); })) {
        importer_.importPending();
    }

    std::optional<std::string> openBefore = openOrder_;
    std::vector<Decision> decisions;
    decisions.reserve(scans.size());
    try {
        store::Transaction transaction = store_.begin();
        for (const Scan& scan : scans) {
            if (std::optional<Decision> previous = replay(scan)) {
                decisions.push_back(std::move(*previous));
                continue;
            }
            std::string content = trimmed(scan.data);
            if (orderSnapshot_) {
                orderSnapshot_->confirmed = false;
            }
            Decision decision = decide(scan, content);
            record(scan, decision, content);
            keepOrderSnapshot();
            decisions.push_back(std::move(decision));
        }
        transaction.commit();
    } catch (...) {
        // The rollback undoes links that the snapshot counts.
        openOrder_ = openBefore;
        orderSnapshot_.reset();
        throw;
    }
    return decisions;
}

SessionEngine::OrderSnapshot* SessionEngine::orderSnapshot(const std::string& number) {
    // data_version changes when another connection (stationctl) commits; totalChanges counts
    // every row written through this connection, by the session or by a lead action.
    store::Database& db = store_.database();
    const std::int64_t dataVersion = db.dataVersion();
    const std::int64_t totalChanges = db.totalChanges();
    if (orderSnapshot_ && orderSnapshot_->order.number == number &&
        orderSnapshot_->dataVersion == dataVersion &&
        orderSnapshot_->totalChanges == totalChanges) {
        orderSnapshot_->confirmed = true;
        return &*orderSnapshot_;
    }

    orderSnapshot_.reset();
    std::optional<store::Order> order = store_.findOrder(number);
    if (!order) {
        return nullptr;
    }
    OrderSnapshot snapshot;
    if (order->hasLines) {
        snapshot.counts = store_.activeLinkCountsByLine(order->number, order->lines.size());
    }
    snapshot.order = std::move(*order);
    snapshot.dataVersion = dataVersion;
    snapshot.totalChanges = totalChanges;
    snapshot.confirmed = true;
    orderSnapshot_ = std::move(snapshot);
    return &*orderSnapshot_;
}

void SessionEngine::keepOrderSnapshot() {
    if (!orderSnapshot_) {
        return;
    }
    // An unconfirmed snapshot may predate a write by someone else, so it stays stale.
    if (orderSnapshot_->confirmed) {
        orderSnapshot_->totalChanges = store_.database().totalChanges();
    }
    orderSnapshot_->confirmed = false;
}

bool SessionEngine::isOrderNumber(const Scan& scan) const {
    return std::regex_match(trimmed(scan.data), orderPattern_);
}

std::optional<Decision> SessionEngine::replay(const Scan& scan) {
    std::optional<store::ScanRecord> previous = store_.findScan(scan.id);
    if (!previous) {
        return std::nullopt;
    }
    Decision decision;
    decision.scanId = scan.id;
    decision.outcome = previous->outcome;
    decision.reason = previous->reason;
    decision.message = previous->message;
    decision.orderNumber = previous->orderNumber;
    decision.replayed = true;
    return decision;
}

Decision SessionEngine::decide(const Scan& scan, const std::string& content) {
    if (content.empty()) {
        return reject(scan, "parse_error", "The scan was empty; scan the barcode again");
    }
    if (content == settings_.closeCode) {
        return closeOpenOrder(scan);
    }
    if (!settings_.undoCode.empty() && content == settings_.undoCode) {
        return undoLastScan(scan);
    }
    if (std::regex_match(content, orderPattern_)) {
        return openOrderFromScan(scan, content);
    }

    identity::ParseError error;
    std::optional<identity::Identity> unit = parse(scan, content, &error);
    if (!unit) {
        return reject(scan, "parse_error",
                      fmt::format("Unreadable scan ({} at byte {}): {}", error.kind, error.offset,
                                  error.message));
    }
    return linkUnit(scan, *unit);
}

std::optional<identity::Identity> SessionEngine::parse(const Scan& scan, const std::string& content,
                                                       identity::ParseError* error) {
    identity::ParseOptions options;
    options.gsSubstitute = settings_.gsSubstitute;
    options.today = today_();
    options.serialPatterns = settings_.serialPatterns;
    identity::ParseResult parsed = identity::parseScan(content, scan.symbology, options);
    if (!parsed) {
        *error = parsed.error();
        return std::nullopt;
    }
    return parsed.identity();
}

Decision SessionEngine::undoLastScan(const Scan& scan) {
    if (!openOrder_) {
        return reject(scan, "nothing_to_undo", "No order is open, so there is no scan to undo");
    }
    store::Statement last = store_.database().prepare(
        "SELECT l.link_id, l.gtin, l.sku, l.serial FROM links l "
        "LEFT JOIN link_voids v ON v.link_id = l.link_id "
        "WHERE l.order_number = ? AND l.station = ? AND v.link_id IS NULL "
        "ORDER BY l.link_id DESC LIMIT 1");
    last.bind(1, *openOrder_).bind(2, settings_.station);
    if (!last.step()) {
        return reject(scan, "nothing_to_undo",
                      fmt::format("Order {} has no unit to undo", *openOrder_));
    }
    const std::int64_t linkId = last.integer(0);
    const std::string item = !last.text(1).empty() ? last.text(1) : last.text(2);
    const std::string serial = last.text(3);
    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    store::Statement voidLink = store_.database().prepare(
        "INSERT INTO link_voids (link_id, voided_at, voided_by, reason) VALUES (?, ?, ?, ?)");
    voidLink.bind(1, linkId).bind(2, now).bind(3, settings_.operatorName).bind(4, "undo scan");
    voidLink.run();
    orderSnapshot_.reset();

    Decision decision;
    decision.scanId = scan.id;
    decision.outcome = "undone";
    decision.orderNumber = openOrder_;
    decision.linkId = linkId;
    decision.message =
        fmt::format("Removed {}{} from order {}; take it out of the carton", item,
                    serial.empty() ? "" : " serial " + printableScan(serial), *openOrder_);
    return decision;
}

Decision SessionEngine::overrideRejectedScan(const std::string& scanId, const std::string& lead,
                                             const std::string& reason) {
    static const std::vector<std::string> kOverridable = {
        "wrong_item",  "quantity_exceeded", "serial_missing",
        "lot_missing", "expiry_missing",    "shelf_life_too_short",
        "fefo"};
    if (reason.find_first_not_of(" \t") == std::string::npos) {
        throw std::invalid_argument("An override needs a reason");
    }
    store::Transaction transaction = store_.begin();
    std::optional<store::ScanRecord> record = store_.findScan(scanId);
    if (!record) {
        throw std::invalid_argument(fmt::format("Scan {} not found", scanId));
    }
    if (record->outcome != "rejected" ||
        std::find(kOverridable.begin(), kOverridable.end(), record->reason) == kOverridable.end()) {
        throw std::invalid_argument(
            fmt::format("Scan {} was {}{}; only rejections for {} can be overridden", scanId,
                        record->outcome, record->reason.empty() ? "" : " (" + record->reason + ")",
                        fmt::join(kOverridable, ", ")));
    }
    std::optional<store::Order> order;
    if (record->orderNumber) {
        order = store_.findOrder(*record->orderNumber);
    }
    if (!order) {
        throw std::invalid_argument(
            fmt::format("Scan {} was read with no order open; scan it again in its order", scanId));
    }
    if (order->state != "open") {
        throw std::invalid_argument(fmt::format(
            "Order {} is {}; overrides apply to open orders only", order->number, order->state));
    }

    Scan scan;
    scan.id = record->scanId;
    scan.data = record->raw;
    scan.symbology = record->symbology;
    scan.device = record->device;
    scan.readAt = std::chrono::system_clock::now();
    identity::ParseError error;
    std::optional<identity::Identity> unit = parse(scan, record->raw, &error);
    if (!unit) {
        throw std::invalid_argument(
            fmt::format("Scan {} cannot be parsed: {}", scanId, error.message));
    }

    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    store::Link link = makeLink(scan, *order, *unit);
    link.scannedAt = record->readAt;
    Decision decision;
    decision.scanId = scanId;
    decision.outcome = "accepted";
    decision.orderNumber = order->number;
    decision.linkId = store_.insertLink(link, now);
    decision.message = fmt::format("Lead {} linked {} to order {} despite {}: {}", lead,
                                   unitName(*unit), order->number, record->reason, reason);
    store_.appendJournal({.at = now,
                          .station = settings_.station,
                          .actor = lead,
                          .event = "scan_overridden",
                          .scanId = scanId,
                          .orderNumber = order->number,
                          .detailJson = Json{
                              {"link_id", *decision.linkId},
                              {"rejected_for", record->reason},
                              {"reason",
                               reason}}.dump()});
    transaction.commit();
    return decision;
}

Decision SessionEngine::openOrderFromScan(const Scan& scan, const std::string& number) {
    orderSnapshot_.reset();
    std::optional<store::Order> order = store_.findOrder(number);
    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    if (!order) {
        store::Order created;
        created.number = number;
        created.source = "scan";
        created.hasLines = false;
        store_.insertOrder(created, now);
        order = created;
        spdlog::warn("No order data for {}; units are linked as scanned", number);
    }
    if (order->state != "open") {
        return reject(
            scan, "order_closed",
            fmt::format("Order {} is already {}; scan another order", number, order->state));
    }

    Decision decision;
    decision.scanId = scan.id;
    decision.orderNumber = number;
    const int linked = store_.activeLinkCount(number);
    decision.outcome = linked > 0 ? "order_resumed" : "order_opened";
    if (!order->hasLines) {
        decision.message = fmt::format(
            "Order {} open without order data: every unit is linked as scanned; scan {} to "
            "close it",
            number, settings_.closeCode);
    } else {
        int expected = 0;
        for (const store::OrderLine& line : order->lines) {
            expected += line.quantity;
        }
        decision.message =
            fmt::format("Order {} open: {} of {} units scanned", number, linked, expected);
    }
    openOrder_ = number;
    return decision;
}

Decision SessionEngine::closeOpenOrder(const Scan& scan) {
    if (!openOrder_) {
        return reject(scan, "nothing_to_close", "No order is open; scan an order number first");
    }
    orderSnapshot_.reset();
    std::optional<store::Order> order = store_.findOrder(*openOrder_);
    if (order->hasLines) {
        std::vector<int> counts = store_.activeLinkCountsByLine(order->number, order->lines.size());
        int missing = 0;
        for (const store::OrderLine& line : order->lines) {
            missing += std::max(0, line.quantity - counts[static_cast<std::size_t>(line.lineNo)]);
        }
        if (missing > 0) {
            return reject(scan, "order_incomplete",
                          fmt::format("Order {} still misses {} units; scan them, or ask a lead "
                                      "to close it short",
                                      order->number, missing));
        }
    }

    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    Decision decision;
    decision.scanId = scan.id;
    decision.outcome = "order_closed";
    decision.orderNumber = order->number;
    decision.printJobId = completeOrder(*order, "complete", settings_.operatorName, now);
    decision.message = fmt::format("Order {} closed with {} unit(s)", order->number,
                                   store_.activeLinkCount(order->number));
    openOrder_.reset();
    return decision;
}

Decision SessionEngine::linkUnit(const Scan& scan, const identity::Identity& unit) {
    if (!openOrder_) {
        return reject(scan, "no_open_order",
                      fmt::format("{} scanned with no order open; scan the order number first",
                                  unitName(unit)));
    }
    OrderSnapshot* snapshot = orderSnapshot(*openOrder_);
    const store::Order* order = snapshot != nullptr ? &snapshot->order : nullptr;
    const std::string name = unitName(unit);
    if (!order || order->state != "open") {
        // A lead cancelled or closed the order from stationctl while it was open here.
        std::string state = order ? order->state : "gone";
        std::string number = *openOrder_;
        openOrder_.reset();
        return reject(scan, "order_closed",
                      fmt::format("Order {} is {}; scan the next order number", number, state));
    }

    store::Link link = makeLink(scan, *order, unit);
    if (link.sku.empty() && order->hasLines) {
        // A bare serial that fits several SKUs' patterns belongs to the one on this order.
        for (const std::string& candidate : unit.matchingSkus) {
            auto onOrder = std::find_if(
                order->lines.begin(), order->lines.end(),
                [&](const store::OrderLine& orderLine) { return orderLine.sku == candidate; });
            if (onOrder != order->lines.end()) {
                link.sku = candidate;
                break;
            }
        }
    }

    const store::OrderLine* line = nullptr;
    // The snapshot's own counts, so that the link inserted below is counted in it.
    std::vector<int>& counts = snapshot->counts;
    if (order->hasLines) {
        bool onOrder = false;
        for (const store::OrderLine& candidate : order->lines) {
            bool matches = (!candidate.gtin.empty() && candidate.gtin == unit.gtin) ||
                           (!candidate.sku.empty() && candidate.sku == link.sku);
            if (!matches) {
                continue;
            }
            onOrder = true;
            if (counts[static_cast<std::size_t>(candidate.lineNo)] < candidate.quantity) {
                line = &candidate;
                break;
            }
        }
        if (!onOrder) {
            return reject(scan, "wrong_item",
                          fmt::format("{} is not on order {}; put it back", name, order->number));
        }
        if (line == nullptr) {
            return reject(
                scan, "quantity_exceeded",
                fmt::format("Order {} already has all units of {}; put this one back",
                            order->number,
                            !unit.gtin.empty() ? "GTIN " + unit.gtin : "SKU " + link.sku));
        }
        link.lineNo = line->lineNo;

        if (line->serialRequired && unit.serial.empty()) {
            return reject(scan, "serial_missing",
                          fmt::format("{} needs a serial number on order {}; scan the code that "
                                      "carries the serial",
                                      name, order->number));
        }
        if (line->lotRequired && unit.lot.empty()) {
            return reject(scan, "lot_missing",
                          fmt::format("{} needs a lot number on order {}; scan the code that "
                                      "carries the lot",
                                      name, order->number));
        }
        if (line->expiryRequired && !unit.expiry) {
            return reject(scan, "expiry_missing",
                          fmt::format("{} needs an expiry date on order {}", name, order->number));
        }
    }

    if (unit.expiry) {
        const std::chrono::year_month_day today = today_();
        // An expiry day is valid through the end of that day.
        if (std::chrono::sys_days(*unit.expiry) < std::chrono::sys_days(today)) {
            return reject(
                scan, "expired",
                fmt::format("{} expired on {}; do not ship it", name, formatDate(*unit.expiry)));
        }
        if (line != nullptr && line->minShelfLifeDays > 0 &&
            daysBetween(today, *unit.expiry) < line->minShelfLifeDays) {
            return reject(
                scan, "shelf_life_too_short",
                fmt::format("{} expires on {}, {} days from today; order {} needs at "
                            "least {} days",
                            name, formatDate(*unit.expiry), daysBetween(today, *unit.expiry),
                            order->number, line->minShelfLifeDays));
        }
    }

    if (std::optional<std::string> earlier = earlierExpiringLot(unit)) {
        return reject(scan, "fefo",
                      fmt::format("{} expires later than lot {} in stock; ship lot {} first, or "
                                  "ask a lead to override",
                                  name, *earlier, *earlier));
    }

    if (std::optional<store::Hold> hold = store_.activeHold(unit.gtin, unit.lot, unit.serial)) {
        return reject(
            scan, "on_hold",
            fmt::format("{} is on hold ({}); set it aside for a lead", name, hold->reason));
    }

    if (!unit.serial.empty()) {
        if (std::optional<store::Link> shipped =
                store_.findShippedSerial(link.gtin, link.sku, unit.serial)) {
            return reject(scan, "duplicate_serial",
                          fmt::format("{} was already linked to order {} at {}; it cannot ship "
                                      "twice",
                                      name, shipped->orderNumber, shipped->scannedAt));
        }
    }

    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    Decision decision;
    decision.scanId = scan.id;
    decision.outcome = "accepted";
    decision.orderNumber = order->number;
    decision.linkId = store_.insertLink(link, now);

    if (!order->hasLines) {
        decision.message = fmt::format("Linked {} to order {}", name, order->number);
        return decision;
    }
    counts[static_cast<std::size_t>(line->lineNo)] += 1;
    int scanned = 0;
    int expected = 0;
    for (const store::OrderLine& candidate : order->lines) {
        scanned += std::min(candidate.quantity, counts[static_cast<std::size_t>(candidate.lineNo)]);
        expected += candidate.quantity;
    }
    decision.message =
        fmt::format("Linked {} to order {} ({} of {})", name, order->number, scanned, expected);
    if (scanned == expected) {
        decision.printJobId = completeOrder(*order, "complete", settings_.operatorName, now);
        decision.orderCompleted = true;
        decision.message += "; order complete";
        openOrder_.reset();
        orderSnapshot_.reset();
    }
    return decision;
}

std::optional<std::int64_t> SessionEngine::completeOrder(const store::Order& order,
                                                         const std::string& state,
                                                         const std::string& actor,
                                                         const std::string& at) {
    store_.setOrderState(order.number, state, at, "");
    std::vector<store::Link> links;
    for (store::Link& link : store_.linksByOrder(order.number)) {
        if (!link.voided) {
            links.push_back(std::move(link));
        }
    }

    CartonLabel label;
    try {
        label = renderCarton_(order, links);
    } catch (const std::exception& error) {
        // The close is kept because the units are linked. The lead reprints once the template is
        // fixed.
        spdlog::error("Failed to render the carton label of order {}: {}", order.number,
                      error.what());
        store_.appendJournal({.at = at,
                              .station = settings_.station,
                              .actor = actor,
                              .event = "label_render_failed",
                              .orderNumber = order.number,
                              .detailJson = Json{{"error", error.what()}}.dump()});
        return std::nullopt;
    }

    store::PrintJob job;
    job.orderNumber = order.number;
    job.templateName = label.templateName;
    job.printer = settings_.printerName;
    job.zpl = label.zpl;
    job.fieldsJson = label.fieldsJson;
    job.createdAt = at;
    std::int64_t jobId = store_.insertPrintJob(job);
    store_.appendJournal(
        {.at = at,
         .station = settings_.station,
         .actor = actor,
         .event = "print_job_created",
         .orderNumber = order.number,
         .detailJson =
             Json{{"job_id", jobId}, {"template", label.templateName}, {"units", links.size()}}
                 .dump()});
    return jobId;
}

store::Link SessionEngine::makeLink(const Scan& scan, const store::Order& order,
                                    const identity::Identity& unit) const {
    store::Link link;
    link.scanId = scan.id;
    link.orderNumber = order.number;
    link.gtin = unit.gtin;
    // ISO/IEC 15434 labels carry the item as a part number (DI 1P), which plays the SKU's role.
    link.sku = !unit.sku.empty() ? unit.sku : unit.partNumber;
    link.serial = unit.serial;
    link.lot = unit.lot;
    if (unit.expiry) {
        link.expiry = formatDate(*unit.expiry);
    }
    link.station = settings_.station;
    link.operatorName = settings_.operatorName;
    link.device = scan.device;
    link.scannedAt = formatTimestamp(scan.readAt);
    link.rawScan = scan.data;
    return link;
}

std::optional<std::string> SessionEngine::earlierExpiringLot(const identity::Identity& unit) {
    if (unit.gtin.empty() || unit.lot.empty() || !unit.expiry) {
        return std::nullopt;
    }
    // A lot that expired already does not count: it must not ship at all.
    store::Statement select = store_.database().prepare(
        "SELECT lot, expiry FROM stock_lots WHERE gtin = ? AND lot <> ? AND quantity > 0 "
        "AND expiry < ? AND expiry >= ? ORDER BY expiry, lot LIMIT 1");
    select.bind(1, unit.gtin)
        .bind(2, unit.lot)
        .bind(3, formatDate(*unit.expiry))
        .bind(4, formatDate(today_()));
    if (!select.step()) {
        return std::nullopt;
    }
    return fmt::format("{} (expiry {})", select.text(0), select.text(1));
}

Decision SessionEngine::reject(const Scan& scan, std::string reason, std::string message) {
    Decision decision;
    decision.scanId = scan.id;
    decision.outcome = "rejected";
    decision.reason = std::move(reason);
    decision.message = std::move(message);
    decision.orderNumber = openOrder_;
    return decision;
}

void SessionEngine::record(const Scan& scan, const Decision& decision, const std::string& content) {
    store::ScanRecord record;
    record.scanId = scan.id;
    record.device = scan.device;
    record.symbology = scan.symbology;
    record.readAt = formatTimestamp(scan.readAt);
    record.raw = scan.data;
    record.outcome = decision.outcome;
    record.reason = decision.reason;
    record.message = decision.message;
    record.orderNumber = decision.orderNumber;
    store_.insertScan(record);

    Json detail = {
        {"device", scan.device}, {"scan", printableScan(content)}, {"message", decision.message}};
    if (!scan.symbology.empty()) {
        detail["symbology"] = scan.symbology;
    }
    if (!decision.reason.empty()) {
        detail["reason"] = decision.reason;
    }
    if (decision.linkId) {
        detail["link_id"] = *decision.linkId;
    }
    if (decision.printJobId) {
        detail["print_job_id"] = *decision.printJobId;
    }
    store_.appendJournal(
        {.at = formatTimestamp(std::chrono::system_clock::now()),
         .station = settings_.station,
         .actor = settings_.operatorName,
         .event = "scan_" + decision.outcome,
         .scanId = scan.id,
         .orderNumber = decision.orderNumber,
         .detailJson = detail.dump(-1, ' ', false, Json::error_handler_t::replace)});
}

}  // namespace station::session
