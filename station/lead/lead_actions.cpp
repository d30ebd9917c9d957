#include "station/lead/lead_actions.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "station/csv.hpp"
#include "station/timestamp.hpp"

namespace station::lead {
namespace {

using Json = nlohmann::json;

std::string now() {
    return formatTimestamp(std::chrono::system_clock::now());
}

void requireReason(const std::string& reason, std::string_view action) {
    if (reason.find_first_not_of(" \t") == std::string::npos) {
        throw ActionError(fmt::format("A reason is required to {}; pass --reason \"...\"", action));
    }
}

}  // namespace

LeadActions::LeadActions(store::Store& store, std::string station)
    : store_(store), station_(std::move(station)) {}

void LeadActions::journal(const std::string& actor, const std::string& event,
                          const std::optional<std::string>& orderNumber,
                          const std::string& detailJson) {
    store_.appendJournal({.at = now(),
                          .station = station_,
                          .actor = actor,
                          .event = event,
                          .orderNumber = orderNumber,
                          .detailJson = detailJson});
}

store::Order LeadActions::openOrder(const std::string& number) {
    std::optional<store::Order> order = store_.findOrder(number);
    if (!order) {
        throw ActionError(fmt::format("Order {} not found", number));
    }
    if (order->state != "open") {
        throw ActionError(fmt::format("Order {} is {}, not open", number, order->state));
    }
    return *order;
}

std::int64_t LeadActions::addHold(const std::string& lead, const std::string& gtin,
                                  const std::string& lot, const std::string& serial,
                                  const std::string& reason) {
    requireReason(reason, "add a hold");
    if (lot.empty() && serial.empty()) {
        throw ActionError("A hold needs a lot or a serial (--lot or --serial)");
    }
    store::Transaction transaction = store_.begin();
    store::Statement insert = store_.database().prepare(
        "INSERT INTO holds (gtin, lot, serial, reason, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, gtin).bind(2, lot).bind(3, serial).bind(4, reason).bind(5, lead).bind(6, now());
    insert.run();
    std::int64_t holdId = store_.database().lastInsertRowId();
    journal(lead, "hold_added", std::nullopt,
            Json{{"hold_id", holdId},
                 {"gtin", gtin},
                 {"lot", lot},
                 {"serial", serial},
                 {"reason", reason}}
                .dump());
    transaction.commit();
    return holdId;
}

void LeadActions::releaseHold(const std::string& lead, std::int64_t holdId,
                              const std::string& reason) {
    requireReason(reason, "release a hold");
    store::Transaction transaction = store_.begin();
    store::Statement update = store_.database().prepare(
        "UPDATE holds SET released_by = ?, released_at = ?, release_reason = ? "
        "WHERE hold_id = ? AND released_at IS NULL");
    update.bind(1, lead).bind(2, now()).bind(3, reason).bind(4, holdId);
    update.run();
    if (store_.database().changes() == 0) {
        throw ActionError(fmt::format(
            "Hold {} not found or already released; see stationctl hold list --all", holdId));
    }
    journal(lead, "hold_released", std::nullopt,
            Json{{"hold_id", holdId}, {"reason", reason}}.dump());
    transaction.commit();
}

std::vector<store::Hold> LeadActions::holds(bool includeReleased) {
    store::Statement select = store_.database().prepare(fmt::format(
        "SELECT hold_id, gtin, lot, serial, reason, created_by, created_at, released_at "
        "FROM holds {} ORDER BY hold_id",
        includeReleased ? "" : "WHERE released_at IS NULL"));
    std::vector<store::Hold> holds;
    while (select.step()) {
        store::Hold hold;
        hold.holdId = select.integer(0);
        hold.gtin = select.text(1);
        hold.lot = select.text(2);
        hold.serial = select.text(3);
        hold.reason = select.text(4);
        hold.createdBy = select.text(5);
        hold.createdAt = select.text(6);
        if (!select.isNull(7)) {
            hold.releasedAt = select.text(7);
        }
        holds.push_back(std::move(hold));
    }
    return holds;
}

int LeadActions::importHolds(const std::string& lead, const std::filesystem::path& file) {
    std::ifstream stream(file);
    if (!stream) {
        throw ActionError(fmt::format("Hold file {} cannot be read", file.string()));
    }
    std::string line;
    std::getline(stream, line);
    if (splitCsvRow(line) != std::vector<std::string>{"gtin", "lot", "serial", "reason"}) {
        throw ActionError(fmt::format("{}:1: the header must be exactly \"gtin,lot,serial,reason\"",
                                      file.string()));
    }
    struct Row {
        std::vector<std::string> fields;
        int lineNo;
    };
    std::vector<Row> rows;
    int lineNo = 1;
    while (std::getline(stream, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        std::vector<std::string> fields = splitCsvRow(line);
        if (fields.size() != 4) {
            throw ActionError(fmt::format("{}:{}: expected 4 fields, found {}", file.string(),
                                          lineNo, fields.size()));
        }
        if (fields[1].empty() && fields[2].empty()) {
            throw ActionError(
                fmt::format("{}:{}: a hold needs a lot or a serial", file.string(), lineNo));
        }
        if (fields[3].empty()) {
            throw ActionError(fmt::format("{}:{}: the reason is empty", file.string(), lineNo));
        }
        rows.push_back({std::move(fields), lineNo});
    }

    store::Transaction transaction = store_.begin();
    store::Statement insert = store_.database().prepare(
        "INSERT INTO holds (gtin, lot, serial, reason, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    const std::string at = now();
    for (const Row& row : rows) {
        insert.reset();
        insert.bind(1, row.fields[0])
            .bind(2, row.fields[1])
            .bind(3, row.fields[2])
            .bind(4, row.fields[3])
            .bind(5, lead)
            .bind(6, at);
        insert.run();
    }
    journal(lead, "holds_imported", std::nullopt,
            Json{{"file", file.string()}, {"holds", rows.size()}}.dump());
    transaction.commit();
    return static_cast<int>(rows.size());
}

void LeadActions::voidLink(const std::string& lead, std::int64_t linkId,
                           const std::string& reason) {
    requireReason(reason, "void a unit");
    store::Transaction transaction = store_.begin();
    store::Statement select = store_.database().prepare(
        "SELECT l.order_number, o.state, (v.link_id IS NOT NULL), l.gtin, l.sku, l.serial "
        "FROM links l JOIN orders o ON o.order_number = l.order_number "
        "LEFT JOIN link_voids v ON v.link_id = l.link_id WHERE l.link_id = ?");
    select.bind(1, linkId);
    if (!select.step()) {
        throw ActionError(fmt::format("Link {} not found", linkId));
    }
    const std::string order = select.text(0);
    if (select.integer(2) != 0) {
        throw ActionError(fmt::format("Link {} is already voided", linkId));
    }
    if (select.text(1) != "open") {
        throw ActionError(fmt::format(
            "Link {} belongs to order {}, which is {}; only units of open orders can be "
            "voided. Record a return instead (stationctl return)",
            linkId, order, select.text(1)));
    }
    Json detail = {{"link_id", linkId},
                   {"gtin", select.text(3)},
                   {"sku", select.text(4)},
                   {"serial", select.text(5)},
                   {"reason", reason}};
    store::Statement insert = store_.database().prepare(
        "INSERT INTO link_voids (link_id, voided_at, voided_by, reason) VALUES (?, ?, ?, ?)");
    insert.bind(1, linkId).bind(2, now()).bind(3, lead).bind(4, reason);
    insert.run();
    journal(lead, "link_voided", order, detail.dump());
    transaction.commit();
}

std::int64_t LeadActions::recordReturn(const std::string& lead, const std::string& gtin,
                                       const std::string& sku, const std::string& serial,
                                       const std::string& reason) {
    requireReason(reason, "record a return");
    if (serial.empty() || (gtin.empty() && sku.empty())) {
        throw ActionError("A return needs --serial and --gtin or --sku");
    }
    store::Transaction transaction = store_.begin();
    std::optional<store::Link> shipped = store_.findShippedSerial(gtin, sku, serial);
    if (!shipped) {
        throw ActionError(fmt::format(
            "Serial {} of {} has not shipped from this station, so it cannot be returned", serial,
            gtin.empty() ? sku : gtin));
    }
    store::Statement insert = store_.database().prepare(
        "INSERT INTO returns (gtin, sku, serial, order_number, returned_at, recorded_by, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, gtin)
        .bind(2, sku)
        .bind(3, serial)
        .bind(4, shipped->orderNumber)
        .bind(5, now())
        .bind(6, lead)
        .bind(7, reason);
    insert.run();
    std::int64_t returnId = store_.database().lastInsertRowId();
    journal(lead, "unit_returned", shipped->orderNumber,
            Json{{"return_id", returnId},
                 {"gtin", gtin},
                 {"sku", sku},
                 {"serial", serial},
                 {"reason", reason}}
                .dump());
    transaction.commit();
    return returnId;
}

void LeadActions::cancelOrder(const std::string& actor, const std::string& number,
                              const std::string& reason) {
    requireReason(reason, "cancel an order");
    store::Transaction transaction = store_.begin();
    openOrder(number);
    const std::string at = now();
    store::Statement voidAll = store_.database().prepare(
        "INSERT INTO link_voids (link_id, voided_at, voided_by, reason) "
        "SELECT l.link_id, ?, ?, ? FROM links l LEFT JOIN link_voids v ON v.link_id = l.link_id "
        "WHERE l.order_number = ? AND v.link_id IS NULL");
    voidAll.bind(1, at).bind(2, actor).bind(3, "order cancelled: " + reason).bind(4, number);
    voidAll.run();
    int voided = store_.database().changes();
    store_.setOrderState(number, "cancelled", at, reason);
    journal(actor, "order_cancelled", number,
            Json{{"reason", reason}, {"links_voided", voided}}.dump());
    transaction.commit();
}

std::optional<std::int64_t> LeadActions::closeShort(
    const std::string& lead, const std::string& number, const std::string& reason,
    const session::CartonLabelRenderer& renderCarton) {
    requireReason(reason, "close an order short");
    store::Transaction transaction = store_.begin();
    store::Order order = openOrder(number);
    const std::string at = now();
    store_.setOrderState(number, "closed_short", at, reason);
    journal(lead, "order_closed_short", number, Json{{"reason", reason}}.dump());

    std::vector<store::Link> links;
    for (store::Link& link : store_.linksByOrder(number)) {
        if (!link.voided) {
            links.push_back(std::move(link));
        }
    }
    std::optional<std::int64_t> jobId;
    try {
        session::CartonLabel label = renderCarton(order, links);
        store::PrintJob job;
        job.orderNumber = number;
        job.templateName = label.templateName;
        job.printer = "label";
        job.zpl = label.zpl;
        job.fieldsJson = label.fieldsJson;
        job.createdAt = at;
        job.requestedBy = lead;
        job.reason = reason;
        jobId = store_.insertPrintJob(job);
        journal(lead, "print_job_created", number,
                Json{{"job_id", *jobId}, {"template", label.templateName}}.dump());
    } catch (const std::exception& error) {
        journal(lead, "label_render_failed", number, Json{{"error", error.what()}}.dump());
    }
    transaction.commit();
    return jobId;
}

std::int64_t LeadActions::reprint(const std::string& lead, std::int64_t jobId,
                                  const std::string& reason, const ReprintRenderer& render) {
    requireReason(reason, "reprint a label");
    store::Transaction transaction = store_.begin();
    std::optional<store::PrintJob> original = store_.findPrintJob(jobId);
    if (!original) {
        throw ActionError(fmt::format("Print job {} not found; see stationctl jobs", jobId));
    }
    // A reprint of a reprint goes back to the first job, so the label names the original.
    std::int64_t originalId = original->reprintOf.value_or(jobId);
    std::optional<store::PrintJob> first =
        originalId == jobId ? original : store_.findPrintJob(originalId);

    store::PrintJob job;
    job.orderNumber = first->orderNumber;
    job.templateName = "reprint";
    job.printer = first->printer;
    job.zpl = render(first->fieldsJson, lead, reason, originalId);
    job.fieldsJson = first->fieldsJson;
    job.createdAt = now();
    job.reprintOf = originalId;
    job.reason = reason;
    job.requestedBy = lead;
    std::int64_t reprintId = store_.insertPrintJob(job);
    journal(lead, "label_reprinted", first->orderNumber,
            Json{{"job_id", reprintId}, {"original_job", originalId}, {"reason", reason}}.dump());
    transaction.commit();
    return reprintId;
}

void LeadActions::resolveUncertainJob(const std::string& lead, std::int64_t jobId,
                                      const std::string& decision, const std::string& reason) {
    requireReason(reason, "settle a print job");
    if (decision != "resend" && decision != "cancel") {
        throw ActionError(fmt::format("\"{}\" is not a decision; use resend or cancel", decision));
    }
    store::Transaction transaction = store_.begin();
    std::optional<store::PrintJob> job = store_.findPrintJob(jobId);
    if (!job) {
        throw ActionError(fmt::format("Print job {} not found", jobId));
    }
    if (job->state != "uncertain" && job->state != "failed") {
        throw ActionError(
            fmt::format("Print job {} is {}; only uncertain or failed jobs wait for a lead", jobId,
                        job->state));
    }
    store_.updatePrintJob(jobId, decision == "resend" ? "queued" : "cancelled", job->attempts,
                          job->lastError, now());
    journal(lead, decision == "resend" ? "print_job_resent" : "print_job_cancelled",
            job->orderNumber, Json{{"job_id", jobId}, {"reason", reason}}.dump());
    transaction.commit();
}

}  // namespace station::lead
