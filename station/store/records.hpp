#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace station::store {

// One line of an order: what must ship and how it is tracked.
struct OrderLine {
    int lineNo = 0;
    std::string gtin;
    std::string sku;
    int quantity = 0;
    bool serialRequired = false;
    bool lotRequired = false;
    bool expiryRequired = false;
    int minShelfLifeDays = 0;
};

struct Order {
    std::string number;
    std::string customerRef;
    bool hasLines = false;  // false: opened by a scan without order data; units link as scanned
    std::string source;     // the order file it came from, or "scan"
    std::string state = "open";
    std::vector<OrderLine> lines;
};

struct Link {
    std::int64_t linkId = 0;
    std::string scanId;
    std::string orderNumber;
    std::optional<int> lineNo;
    std::string gtin;
    std::string sku;
    std::string serial;
    std::string lot;
    std::optional<std::string> expiry;  // YYYY-MM-DD
    std::string station;
    std::string operatorName;
    std::string device;
    std::string scannedAt;
    std::string rawScan;
    bool voided = false;
};

// What the station decided about one scan, stored so that a replay returns the same answer.
struct ScanRecord {
    std::string scanId;
    std::string device;
    std::string symbology;
    std::string readAt;
    std::string raw;
    std::string outcome;  // accepted, rejected, order_opened, order_closed, ...
    std::string reason;   // stable token such as wrong_item
    std::string message;
    std::optional<std::string> orderNumber;
};

struct Hold {
    std::int64_t holdId = 0;
    std::string gtin;
    std::string lot;
    std::string serial;
    std::string reason;
    std::string createdBy;
    std::string createdAt;
    std::optional<std::string> releasedAt;
};

struct PrintJob {
    std::int64_t jobId = 0;
    std::optional<std::string> orderNumber;
    std::string templateName;
    std::string printer;
    std::string zpl;
    std::string fieldsJson;
    std::string state;  // queued, sending, delivered, failed, uncertain, cancelled
    int attempts = 0;
    std::string lastError;
    std::string createdAt;
    std::optional<std::int64_t> reprintOf;
    std::string reason;
    std::string requestedBy;
};

struct JournalEntry {
    std::int64_t seq = 0;
    std::string at;
    std::string station;
    std::string actor;
    std::string event;
    std::optional<std::string> scanId;
    std::optional<std::string> orderNumber;
    std::string detailJson;
};

}  // namespace station::store
