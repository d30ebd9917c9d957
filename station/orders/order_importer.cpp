#include "station/orders/order_importer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

#include "station/csv.hpp"
#include "station/orders/order_file.hpp"
#include "station/timestamp.hpp"

namespace station::orders {
namespace {

// A symbolic link is not followed: the drop folder would otherwise let a writer make the
// daemon read any file it can read.
bool isComplete(const std::filesystem::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    const std::filesystem::path extension = entry.path().extension();
    return !entry.is_symlink() && entry.is_regular_file() && !name.starts_with('.') &&
           !name.ends_with(".tmp") && (extension == ".json" || extension == ".csv");
}

}  // namespace

OrderImporter::OrderImporter(store::Store& store, std::filesystem::path dropDir,
                             std::string station)
    : store_(store), dropDir_(std::move(dropDir)), station_(std::move(station)) {}

int OrderImporter::importPending() {
    std::error_code error;
    if (!std::filesystem::is_directory(dropDir_, error)) {
        return 0;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dropDir_, error)) {
        if (isComplete(entry)) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    int imported = 0;
    for (const std::filesystem::path& file : files) {
        if (file.filename().string().starts_with("stock")) {
            importStock(file);
        } else {
            importFile(file);
        }
        ++imported;
    }
    return imported;
}

void OrderImporter::importFile(const std::filesystem::path& file) {
    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    std::vector<store::Order> orders;
    try {
        orders = readOrderFile(file);
    } catch (const OrderFileError& error) {
        reject(file, std::nullopt, error.what(), now);
        return;
    }

    // A file is imported whole or not at all: one order that cannot be replaced rejects it.
    try {
        importOrders(orders, file.filename().string());
    } catch (const OrderConflict& conflict) {
        reject(file, conflict.orderNumber(), conflict.what(), now);
        return;
    }
    moveAside(file, "imported", "");
}

std::vector<ImportedOrder> OrderImporter::importOrders(const std::vector<store::Order>& orders,
                                                       const std::string& source) {
    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    store::Transaction transaction = store_.begin();
    std::vector<ImportedOrder> imported;
    for (const store::Order& order : orders) {
        std::optional<store::Order> existing = store_.findOrder(order.number);
        if (existing && (store_.linkCount(order.number) > 0 || existing->state != "open")) {
            // The transaction rolls back when it goes out of scope.
            throw OrderConflict(
                order.number,
                fmt::format("order {} already has linked units or is {}; it cannot be replaced. "
                            "Import the change under a new order number, or have a lead void "
                            "its units first",
                            order.number, existing->state));
        }
        if (existing) {
            store_.replaceOrder(order, now);
        } else {
            store_.insertOrder(order, now);
        }
        imported.push_back({order.number, existing.has_value(), order.lines.size()});
    }
    for (const ImportedOrder& order : imported) {
        store_.appendJournal(
            {.at = now,
             .station = station_,
             .actor = "order-import",
             .event = order.updated ? "order_updated" : "order_imported",
             .orderNumber = order.number,
             .detailJson = nlohmann::json{{"file", source}, {"lines", order.lines}}.dump()});
    }
    transaction.commit();
    for (const ImportedOrder& order : imported) {
        spdlog::info("Order {} {} from {}", order.number, order.updated ? "updated" : "imported",
                     source);
    }
    return imported;
}

void OrderImporter::importStock(const std::filesystem::path& file) {
    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    std::ifstream stream(file);
    std::string line;
    std::getline(stream, line);
    if (splitCsvRow(line) != std::vector<std::string>{"gtin", "lot", "expiry", "quantity"}) {
        reject(file, std::nullopt,
               fmt::format("{}:1: a stock snapshot needs the header gtin,lot,expiry,quantity",
                           file.string()),
               now);
        return;
    }
    static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
    static const std::regex kCount(R"(\d{1,9})");
    std::vector<std::vector<std::string>> rows;
    int lineNo = 1;
    while (std::getline(stream, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        std::vector<std::string> fields = splitCsvRow(line);
        if (fields.size() != 4 || fields[0].empty() || fields[1].empty() ||
            !std::regex_match(fields[2], kDate) || !std::regex_match(fields[3], kCount)) {
            reject(
                file, std::nullopt,
                fmt::format("{}:{}: expected gtin,lot,YYYY-MM-DD,quantity", file.string(), lineNo),
                now);
            return;
        }
        rows.push_back(std::move(fields));
    }

    // The snapshot replaces the stock of every GTIN it names; other GTINs keep theirs.
    store::Transaction transaction = store_.begin();
    store::Statement clear = store_.database().prepare("DELETE FROM stock_lots WHERE gtin = ?");
    for (const std::vector<std::string>& row : rows) {
        clear.reset();
        clear.bind(1, row[0]);
        clear.run();
    }
    store::Statement insert = store_.database().prepare(
        "INSERT OR REPLACE INTO stock_lots (gtin, lot, expiry, quantity, updated_at) "
        "VALUES (?, ?, ?, ?, ?)");
    for (const std::vector<std::string>& row : rows) {
        insert.reset();
        insert.bind(1, row[0]).bind(2, row[1]).bind(3, row[2]).bind(
            4, static_cast<std::int64_t>(std::stoll(row[3])));
        insert.bind(5, now);
        insert.run();
    }
    store_.appendJournal(
        {.at = now,
         .station = station_,
         .actor = "order-import",
         .event = "stock_imported",
         .detailJson =
             nlohmann::json{{"file", file.filename().string()}, {"lots", rows.size()}}.dump()});
    transaction.commit();
    spdlog::info("Stock snapshot {} imported: {} lot(s)", file.string(), rows.size());
    moveAside(file, "imported", "");
}

void OrderImporter::reject(const std::filesystem::path& file,
                           const std::optional<std::string>& orderNumber, const std::string& reason,
                           const std::string& at) {
    spdlog::warn("Order file {} rejected: {}", file.string(), reason);
    moveAside(file, "rejected", reason);
    store::Transaction transaction = store_.begin();
    store_.appendJournal(
        {.at = at,
         .station = station_,
         .actor = "order-import",
         .event = "order_file_rejected",
         .orderNumber = orderNumber,
         .detailJson = nlohmann::json{{"file", file.filename().string()}, {"reason", reason}}.dump(
             -1, ' ', false, nlohmann::json::error_handler_t::replace)});
    transaction.commit();
}

void OrderImporter::moveAside(const std::filesystem::path& file, const std::string& folder,
                              const std::string& reason) {
    std::error_code error;
    const std::filesystem::path target = dropDir_ / folder;
    std::filesystem::create_directories(target, error);
    std::filesystem::path destination = target / file.filename();
    std::filesystem::rename(file, destination, error);
    if (error) {
        spdlog::error("Failed to move order file {} to {}: {}; remove it by hand", file.string(),
                      destination.string(), error.message());
        return;
    }
    if (!reason.empty()) {
        std::ofstream note(destination.string() + ".reason.txt");
        note << reason << '\n';
    }
}

}  // namespace station::orders
