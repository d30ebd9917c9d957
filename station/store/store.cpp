#include "station/store/store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include "station/store/schema.hpp"

namespace station::store {
namespace {

constexpr std::string_view kLinkColumns =
    "l.link_id, l.scan_id, l.order_number, l.line_no, l.gtin, l.sku, l.serial, l.lot, "
    "l.expiry, l.station, l.operator, l.device, l.scanned_at, l.raw_scan, "
    "(v.link_id IS NOT NULL)";

Link readLink(const Statement& row) {
    Link link;
    link.linkId = row.integer(0);
    link.scanId = row.text(1);
    link.orderNumber = row.text(2);
    if (!row.isNull(3)) {
        link.lineNo = static_cast<int>(row.integer(3));
    }
    link.gtin = row.text(4);
    link.sku = row.text(5);
    link.serial = row.text(6);
    link.lot = row.text(7);
    if (!row.isNull(8)) {
        link.expiry = row.text(8);
    }
    link.station = row.text(9);
    link.operatorName = row.text(10);
    link.device = row.text(11);
    link.scannedAt = row.text(12);
    link.rawScan = row.blob(13);
    link.voided = row.integer(14) != 0;
    return link;
}

constexpr std::string_view kPrintJobColumns =
    "job_id, order_number, template, printer, zpl, fields, state, attempts, last_error, "
    "created_at, reprint_of, reason, requested_by";

PrintJob readPrintJob(const Statement& row) {
    PrintJob job;
    job.jobId = row.integer(0);
    if (!row.isNull(1)) {
        job.orderNumber = row.text(1);
    }
    job.templateName = row.text(2);
    job.printer = row.text(3);
    job.zpl = row.blob(4);
    job.fieldsJson = row.text(5);
    job.state = row.text(6);
    job.attempts = static_cast<int>(row.integer(7));
    job.lastError = row.text(8);
    job.createdAt = row.text(9);
    if (!row.isNull(10)) {
        job.reprintOf = row.integer(10);
    }
    job.reason = row.text(11);
    job.requestedBy = row.text(12);
    return job;
}

void insertLines(Database& db, const Order& order) {
    Statement insert = db.prepare(
        "INSERT INTO order_lines (order_number, line_no, gtin, sku, quantity, serial_required, "
        "lot_required, expiry_required, min_shelf_life_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const OrderLine& line : order.lines) {
        insert.reset();
        insert.bind(1, order.number)
            .bind(2, line.lineNo)
            .bind(3, line.gtin)
            .bind(4, line.sku)
            .bind(5, line.quantity)
            .bind(6, line.serialRequired ? 1 : 0)
            .bind(7, line.lotRequired ? 1 : 0)
            .bind(8, line.expiryRequired ? 1 : 0)
            .bind(9, line.minShelfLifeDays);
        insert.run();
    }
}

}  // namespace

Store::Store(const std::filesystem::path& path, Access access)
    : db_(path, access == Access::ReadOnly ? Database::Mode::ReadOnly : Database::Mode::ReadWrite) {
    db_.execute("PRAGMA foreign_keys = ON");
    if (access == Access::ReadWrite) {
        db_.execute("PRAGMA journal_mode = WAL");
        // FULL syncs the WAL on every commit, so an acknowledged scan survives a power cut.
        db_.execute("PRAGMA synchronous = FULL");
        migrate(db_);
    } else if (schemaVersion(db_) == 0) {
        throw StoreError("Store " + path.string() + " is empty; start stationd once to create it",
                         0);
    }
}

std::optional<Order> Store::findOrder(const std::string& number) {
    Statement select = db_.prepare(
        "SELECT order_number, customer_ref, has_lines, source, state FROM orders "
        "WHERE order_number = ?");
    select.bind(1, number);
    if (!select.step()) {
        return std::nullopt;
    }
    Order order;
    order.number = select.text(0);
    order.customerRef = select.text(1);
    order.hasLines = select.integer(2) != 0;
    order.source = select.text(3);
    order.state = select.text(4);

    Statement lines = db_.prepare(
        "SELECT line_no, gtin, sku, quantity, serial_required, lot_required, expiry_required, "
        "min_shelf_life_days FROM order_lines WHERE order_number = ? ORDER BY line_no");
    lines.bind(1, number);
    while (lines.step()) {
        OrderLine line;
        line.lineNo = static_cast<int>(lines.integer(0));
        line.gtin = lines.text(1);
        line.sku = lines.text(2);
        line.quantity = static_cast<int>(lines.integer(3));
        line.serialRequired = lines.integer(4) != 0;
        line.lotRequired = lines.integer(5) != 0;
        line.expiryRequired = lines.integer(6) != 0;
        line.minShelfLifeDays = static_cast<int>(lines.integer(7));
        order.lines.push_back(std::move(line));
    }
    return order;
}

void Store::insertOrder(const Order& order, const std::string& importedAt) {
    Statement insert = db_.prepare(
        "INSERT INTO orders (order_number, customer_ref, has_lines, source, state, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, order.number)
        .bind(2, order.customerRef)
        .bind(3, order.hasLines ? 1 : 0)
        .bind(4, order.source)
        .bind(5, order.state)
        .bind(6, importedAt);
    insert.run();
    insertLines(db_, order);
}

void Store::replaceOrder(const Order& order, const std::string& importedAt) {
    Statement remove = db_.prepare("DELETE FROM order_lines WHERE order_number = ?");
    remove.bind(1, order.number);
    remove.run();
    Statement update = db_.prepare(
        "UPDATE orders SET customer_ref = ?, has_lines = ?, source = ?, imported_at = ? "
        "WHERE order_number = ?");
    update.bind(1, order.customerRef)
        .bind(2, order.hasLines ? 1 : 0)
        .bind(3, order.source)
        .bind(4, importedAt)
        .bind(5, order.number);
    update.run();
    insertLines(db_, order);
}

void Store::setOrderState(const std::string& number, const std::string& state,
                          const std::string& at, const std::string& reason) {
    Statement update = db_.prepare(
        "UPDATE orders SET state = ?, closed_at = ?, close_reason = ? WHERE order_number = ?");
    update.bind(1, state);
    if (state == "open") {
        update.bind(2, std::nullopt).bind(3, std::nullopt);
    } else {
        update.bind(2, at).bind(3, reason);
    }
    update.bind(4, number);
    update.run();
}

std::vector<int> Store::activeLinkCountsByLine(const std::string& number, std::size_t lineCount) {
    std::vector<int> counts(lineCount + 1, 0);
    Statement select = db_.prepare(
        "SELECT COALESCE(l.line_no, 0), COUNT(*) FROM links l "
        "LEFT JOIN link_voids v ON v.link_id = l.link_id "
        "WHERE l.order_number = ? AND v.link_id IS NULL GROUP BY 1");
    select.bind(1, number);
    while (select.step()) {
        auto line = static_cast<std::size_t>(select.integer(0));
        if (line < counts.size()) {
            counts[line] = static_cast<int>(select.integer(1));
        }
    }
    return counts;
}

int Store::activeLinkCount(const std::string& number) {
    Statement select = db_.prepare(
        "SELECT COUNT(*) FROM links l LEFT JOIN link_voids v ON v.link_id = l.link_id "
        "WHERE l.order_number = ? AND v.link_id IS NULL");
    select.bind(1, number);
    select.step();
    return static_cast<int>(select.integer(0));
}

int Store::linkCount(const std::string& number) {
    Statement select = db_.prepare("SELECT COUNT(*) FROM links WHERE order_number = ?");
    select.bind(1, number);
    select.step();
    return static_cast<int>(select.integer(0));
}

std::optional<ScanRecord> Store::findScan(const std::string& scanId) {
    Statement select = db_.prepare(
        "SELECT scan_id, device, symbology, read_at, raw, outcome, reason, message, "
        "order_number FROM scans WHERE scan_id = ?");
    select.bind(1, scanId);
    if (!select.step()) {
        return std::nullopt;
    }
    ScanRecord scan;
    scan.scanId = select.text(0);
    scan.device = select.text(1);
    scan.symbology = select.text(2);
    scan.readAt = select.text(3);
    scan.raw = select.blob(4);
    scan.outcome = select.text(5);
    scan.reason = select.text(6);
    scan.message = select.text(7);
    if (!select.isNull(8)) {
        scan.orderNumber = select.text(8);
    }
    return scan;
}

void Store::insertScan(const ScanRecord& scan) {
    Statement insert = db_.prepare(
        "INSERT INTO scans (scan_id, device, symbology, read_at, raw, outcome, reason, message, "
        "order_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, scan.scanId)
        .bind(2, scan.device)
        .bind(3, scan.symbology)
        .bind(4, scan.readAt)
        .bindBlob(5, scan.raw)
        .bind(6, scan.outcome)
        .bind(7, scan.reason)
        .bind(8, scan.message)
        .bind(9, scan.orderNumber);
    insert.run();
}

std::int64_t Store::insertLink(const Link& link, const std::string& linkedAt) {
    Statement insert = db_.prepare(
        "INSERT INTO links (scan_id, order_number, line_no, gtin, sku, serial, lot, expiry, "
        "station, operator, device, scanned_at, linked_at, raw_scan) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, link.scanId).bind(2, link.orderNumber);
    if (link.lineNo) {
        insert.bind(3, *link.lineNo);
    } else {
        insert.bind(3, std::nullopt);
    }
    insert.bind(4, link.gtin)
        .bind(5, link.sku)
        .bind(6, link.serial)
        .bind(7, link.lot)
        .bind(8, link.expiry)
        .bind(9, link.station)
        .bind(10, link.operatorName)
        .bind(11, link.device)
        .bind(12, link.scannedAt)
        .bind(13, linkedAt)
        .bindBlob(14, link.rawScan);
    insert.run();
    return db_.lastInsertRowId();
}

std::optional<Link> Store::findShippedSerial(const std::string& gtin, const std::string& sku,
                                             const std::string& serial) {
    // A serial ships again only after a return recorded later than its last active link.
    std::vector<Link> links = queryLinks(
        "l.serial = ? AND l.gtin = ? AND l.sku = ? AND v.link_id IS NULL AND NOT EXISTS ("
        "SELECT 1 FROM returns r WHERE r.serial = l.serial AND r.gtin = l.gtin "
        "AND r.sku = l.sku AND r.returned_at >= l.linked_at)",
        {serial, gtin, sku});
    if (links.empty()) {
        return std::nullopt;
    }
    return links.back();
}

std::vector<Link> Store::linksBySerial(const std::string& serial) {
    return queryLinks("l.serial = ?", {serial});
}

std::vector<Link> Store::linksByLot(const std::string& lot, const std::string& gtin) {
    if (gtin.empty()) {
        return queryLinks("l.lot = ?", {lot});
    }
    return queryLinks("l.lot = ? AND l.gtin = ?", {lot, gtin});
}

std::vector<Link> Store::linksByOrder(const std::string& number) {
    return queryLinks("l.order_number = ?", {number});
}

std::vector<Link> Store::linksBetween(const std::string& since, const std::string& until) {
    return queryLinks("l.scanned_at >= ? AND l.scanned_at < ?", {since, until});
}

std::vector<Link> Store::linksByCustomer(const std::string& customerRef) {
    return queryLinks("l.order_number IN (SELECT order_number FROM orders WHERE customer_ref = ?)",
                      {customerRef});
}

void Store::forEachLinkBetween(const std::string& since, const std::string& until,
                               const std::function<void(const Link&)>& visit) {
    Statement select = db_.prepare(
        fmt::format("SELECT {} FROM links l LEFT JOIN link_voids v ON v.link_id = l.link_id "
                    "WHERE l.scanned_at >= ? AND l.scanned_at < ? ORDER BY l.link_id",
                    kLinkColumns));
    select.bind(1, since).bind(2, until);
    while (select.step()) {
        visit(readLink(select));
    }
}

void Store::backupTo(const std::filesystem::path& target) {
    Database destination(target, Database::Mode::ReadWrite);
    sqlite3_backup* backup =
        sqlite3_backup_init(destination.handle(), "main", db_.handle(), "main");
    if (backup == nullptr) {
        throw StoreError(fmt::format("Failed to start the backup to {}: {}", target.string(),
                                     sqlite3_errmsg(destination.handle())),
                         sqlite3_errcode(destination.handle()));
    }
    // Copy in steps of 1024 pages so the daemon's writes are not blocked for the whole copy.
    int code = SQLITE_OK;
    do {
        code = sqlite3_backup_step(backup, 1024);
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
            sqlite3_sleep(20);
        }
    } while (code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (code != SQLITE_DONE) {
        throw StoreError(
            fmt::format("Backup to {} failed: {}", target.string(), sqlite3_errstr(code)), code);
    }
}

std::vector<std::string> Store::checkIntegrity() {
    std::vector<std::string> problems;
    Statement integrity = db_.prepare("PRAGMA integrity_check");
    while (integrity.step()) {
        if (integrity.text(0) != "ok") {
            problems.push_back(integrity.text(0));
        }
    }
    Statement foreignKeys = db_.prepare("PRAGMA foreign_key_check");
    while (foreignKeys.step()) {
        problems.push_back(fmt::format("row {} of table {} refers to a missing row of {}",
                                       foreignKeys.integer(1), foreignKeys.text(0),
                                       foreignKeys.text(2)));
    }
    return problems;
}

std::vector<Link> Store::queryLinks(const std::string& where,
                                    const std::vector<std::string>& parameters) {
    Statement select = db_.prepare(
        fmt::format("SELECT {} FROM links l LEFT JOIN link_voids v ON v.link_id = l.link_id "
                    "WHERE {} ORDER BY l.link_id",
                    kLinkColumns, where));
    int index = 1;
    for (const std::string& parameter : parameters) {
        select.bind(index++, parameter);
    }
    std::vector<Link> links;
    while (select.step()) {
        links.push_back(readLink(select));
    }
    return links;
}

std::optional<Hold> Store::activeHold(const std::string& gtin, const std::string& lot,
                                      const std::string& serial) {
    // A hold without a GTIN applies to that lot or serial of every item.
    Statement select = db_.prepare(
        "SELECT hold_id, gtin, lot, serial, reason, created_by, created_at FROM holds "
        "WHERE released_at IS NULL AND (gtin = '' OR gtin = ?) "
        "AND ((lot <> '' AND lot = ?) OR (serial <> '' AND serial = ?)) "
        "ORDER BY hold_id LIMIT 1");
    select.bind(1, gtin).bind(2, lot).bind(3, serial);
    if (!select.step()) {
        return std::nullopt;
    }
    Hold hold;
    hold.holdId = select.integer(0);
    hold.gtin = select.text(1);
    hold.lot = select.text(2);
    hold.serial = select.text(3);
    hold.reason = select.text(4);
    hold.createdBy = select.text(5);
    hold.createdAt = select.text(6);
    return hold;
}

std::int64_t Store::insertPrintJob(const PrintJob& job) {
    Statement insert = db_.prepare(
        "INSERT INTO print_jobs (order_number, template, printer, zpl, fields, state, attempts, "
        "last_error, created_at, updated_at, reprint_of, reason, requested_by) "
        "VALUES (?, ?, ?, ?, ?, ?, 0, '', ?, ?, ?, ?, ?)");
    insert.bind(1, job.orderNumber)
        .bind(2, job.templateName)
        .bind(3, job.printer)
        .bindBlob(4, job.zpl)
        .bind(5, job.fieldsJson)
        .bind(6, job.state.empty() ? std::string("queued") : job.state)
        .bind(7, job.createdAt)
        .bind(8, job.createdAt);
    if (job.reprintOf) {
        insert.bind(9, *job.reprintOf);
    } else {
        insert.bind(9, std::nullopt);
    }
    insert.bind(10, job.reason).bind(11, job.requestedBy);
    insert.run();
    return db_.lastInsertRowId();
}

std::optional<PrintJob> Store::findPrintJob(std::int64_t jobId) {
    Statement select =
        db_.prepare(fmt::format("SELECT {} FROM print_jobs WHERE job_id = ?", kPrintJobColumns));
    select.bind(1, jobId);
    if (!select.step()) {
        return std::nullopt;
    }
    return readPrintJob(select);
}

std::vector<PrintJob> Store::pendingPrintJobs() {
    Statement select = db_.prepare(fmt::format(
        "SELECT {} FROM print_jobs WHERE state IN ('queued', 'sending') ORDER BY job_id",
        kPrintJobColumns));
    std::vector<PrintJob> jobs;
    while (select.step()) {
        jobs.push_back(readPrintJob(select));
    }
    return jobs;
}

std::vector<PrintJob> Store::printJobs(const std::optional<std::string>& orderNumber) {
    std::string sql = fmt::format("SELECT {} FROM print_jobs{} ORDER BY job_id", kPrintJobColumns,
                                  orderNumber ? " WHERE order_number = ?" : "");
    Statement select = db_.prepare(sql);
    if (orderNumber) {
        select.bind(1, *orderNumber);
    }
    std::vector<PrintJob> jobs;
    while (select.step()) {
        jobs.push_back(readPrintJob(select));
    }
    return jobs;
}

void Store::updatePrintJob(std::int64_t jobId, const std::string& state, int attempts,
                           const std::string& lastError, const std::string& at) {
    Statement update = db_.prepare(
        "UPDATE print_jobs SET state = ?, attempts = ?, last_error = ?, updated_at = ? "
        "WHERE job_id = ?");
    update.bind(1, state).bind(2, attempts).bind(3, lastError).bind(4, at).bind(5, jobId);
    update.run();
}

std::int64_t Store::appendJournal(const JournalEntry& entry) {
    Statement insert = db_.prepare(
        "INSERT INTO journal (at, station, actor, event, scan_id, order_number, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, entry.at)
        .bind(2, entry.station)
        .bind(3, entry.actor)
        .bind(4, entry.event)
        .bind(5, entry.scanId)
        .bind(6, entry.orderNumber)
        .bind(7, entry.detailJson.empty() ? std::string("{}") : entry.detailJson);
    insert.run();
    return db_.lastInsertRowId();
}

std::vector<JournalEntry> Store::journal(std::int64_t afterSeq, int limit) {
    Statement select = db_.prepare(
        "SELECT seq, at, station, actor, event, scan_id, order_number, detail FROM journal "
        "WHERE seq > ? ORDER BY seq LIMIT ?");
    select.bind(1, afterSeq).bind(2, limit);
    std::vector<JournalEntry> entries;
    while (select.step()) {
        JournalEntry entry;
        entry.seq = select.integer(0);
        entry.at = select.text(1);
        entry.station = select.text(2);
        entry.actor = select.text(3);
        entry.event = select.text(4);
        if (!select.isNull(5)) {
            entry.scanId = select.text(5);
        }
        if (!select.isNull(6)) {
            entry.orderNumber = select.text(6);
        }
        entry.detailJson = select.text(7);
        entries.push_back(std::move(entry));
    }
    return entries;
}

}  // namespace station::store
