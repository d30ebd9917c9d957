#include "station/orders/order_importer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "station/orders/order_file.hpp"
#include "station/timestamp.hpp"

namespace station::orders {
namespace {

bool isComplete(const std::filesystem::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    return entry.is_regular_file() && !name.starts_with('.') && !name.ends_with(".tmp") &&
           entry.path().extension() == ".json";
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
        importFile(file);
        ++imported;
    }
    return imported;
}

void OrderImporter::importFile(const std::filesystem::path& file) {
    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    store::Order order;
    try {
        order = readOrderFile(file);
    } catch (const OrderFileError& error) {
        spdlog::warn("Order file rejected: {}", error.what());
        moveAside(file, "rejected", error.what());
        store::Transaction transaction = store_.begin();
        store_.appendJournal({.at = now,
                              .station = station_,
                              .actor = "order-import",
                              .event = "order_file_rejected",
                              .detailJson = nlohmann::json{{"file", file.filename().string()},
                                                           {"reason", error.what()}}
                                                .dump()});
        transaction.commit();
        return;
    }

    store::Transaction transaction = store_.begin();
    std::optional<store::Order> existing = store_.findOrder(order.number);
    std::string event = "order_imported";
    if (existing) {
        if (store_.linkCount(order.number) > 0 || existing->state != "open") {
            std::string reason = fmt::format(
                "order {} already has linked units or is {}; it cannot be replaced. Import the "
                "change under a new order number or void its units first",
                order.number, existing->state);
            transaction.commit();
            spdlog::warn("Order file {} rejected: {}", file.string(), reason);
            moveAside(file, "rejected", reason);
            store::Transaction journal = store_.begin();
            store_.appendJournal({.at = now,
                                  .station = station_,
                                  .actor = "order-import",
                                  .event = "order_file_rejected",
                                  .orderNumber = order.number,
                                  .detailJson = nlohmann::json{{"file", file.filename().string()},
                                                               {"reason", reason}}
                                                    .dump()});
            journal.commit();
            return;
        }
        store_.replaceOrder(order, now);
        event = "order_updated";
    } else {
        store_.insertOrder(order, now);
    }
    store_.appendJournal({.at = now,
                          .station = station_,
                          .actor = "order-import",
                          .event = event,
                          .orderNumber = order.number,
                          .detailJson = nlohmann::json{{"file", file.filename().string()},
                                                       {"lines", order.lines.size()}}
                                            .dump()});
    transaction.commit();
    spdlog::info("Order {} {} from {}", order.number,
                 event == "order_imported" ? "imported" : "updated", file.string());
    moveAside(file, "imported", "");
}

void OrderImporter::moveAside(const std::filesystem::path& file, const std::string& folder,
                              const std::string& reason) {
    std::error_code error;
    const std::filesystem::path target = dropDir_ / folder;
    std::filesystem::create_directories(target, error);
    std::filesystem::path destination = target / file.filename();
    std::filesystem::rename(file, destination, error);
    if (error) {
        spdlog::error("Failed to move order file {} to {}: {}; remove it by hand",
                      file.string(), destination.string(), error.message());
        return;
    }
    if (!reason.empty()) {
        std::ofstream note(destination.string() + ".reason.txt");
        note << reason << '\n';
    }
}

}  // namespace station::orders
