#include "station/store/record_json.hpp"

#include "station/session/session_engine.hpp"

namespace station::store {
namespace {

using Json = nlohmann::json;

template <typename T>
Json optionalJson(const std::optional<T>& value) {
    return value ? Json(*value) : Json(nullptr);
}

}  // namespace

Json linkJson(const Link& link) {
    return {{"link_id", link.linkId},
            {"order", link.orderNumber},
            {"gtin", link.gtin},
            {"sku", link.sku},
            {"serial", link.serial},
            {"lot", link.lot},
            {"expiry", optionalJson(link.expiry)},
            {"station", link.station},
            {"operator", link.operatorName},
            {"device", link.device},
            {"scanned_at", link.scannedAt},
            {"scan_id", link.scanId},
            {"raw_scan", session::printableScan(link.rawScan)},
            {"voided", link.voided}};
}

Json printJobJson(const PrintJob& job) {
    return {{"job_id", job.jobId},
            {"order", job.orderNumber.value_or("")},
            {"template", job.templateName},
            {"printer", job.printer},
            {"state", job.state},
            {"attempts", job.attempts},
            {"last_error", job.lastError},
            {"created_at", job.createdAt},
            {"reprint_of", optionalJson(job.reprintOf)},
            {"reason", job.reason},
            {"requested_by", job.requestedBy}};
}

Json orderJson(const Order& order) {
    Json lines = Json::array();
    for (const OrderLine& line : order.lines) {
        Json entry = {{"line", line.lineNo},
                      {"quantity", line.quantity},
                      {"serial_required", line.serialRequired},
                      {"lot_required", line.lotRequired},
                      {"expiry_required", line.expiryRequired},
                      {"min_shelf_life_days", line.minShelfLifeDays}};
        if (!line.gtin.empty()) {
            entry["gtin"] = line.gtin;
        }
        if (!line.sku.empty()) {
            entry["sku"] = line.sku;
        }
        lines.push_back(std::move(entry));
    }
    return {{"order", order.number},
            {"customer_ref", order.customerRef},
            {"state", order.state},
            {"source", order.source},
            {"lines", std::move(lines)}};
}

}  // namespace station::store
