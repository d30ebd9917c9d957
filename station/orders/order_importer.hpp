#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "station/store/store.hpp"

namespace station::orders {

// An order that exists and can no longer be replaced. what() names it and what to do.
class OrderConflict : public std::runtime_error {
public:
    OrderConflict(std::string orderNumber, const std::string& message)
        : std::runtime_error(message), orderNumber_(std::move(orderNumber)) {}

    const std::string& orderNumber() const { return orderNumber_; }

private:
    std::string orderNumber_;
};

// The outcome of importing one order.
struct ImportedOrder {
    std::string number;
    bool updated = false;  // false: new order; true: an open order without links was replaced
    std::size_t lines = 0;
};

// Picks up order files (.json, .csv) and stock snapshots (stock*.csv) from the drop folder
// into the store. A file is taken whole or not at
// all: writers create it under a name starting with '.' or ending in ".tmp" and rename it when
// complete. Imported files move to imported/, unusable ones to rejected/ with a
// FILE.reason.txt beside them.
class OrderImporter {
public:
    OrderImporter(store::Store& store, std::filesystem::path dropDir, std::string station);

    // Imports every complete file now in the drop folder. Returns how many orders were
    // imported or updated. A bad file is moved aside instead of raising. Store failures propagate.
    int importPending();

    // Imports orders that arrived another way (the local API) with the same rules as files, in
    // one transaction: a known order is replaced only while it is open with nothing linked.
    // `source` is journaled. Throws OrderConflict, importing nothing, when one cannot be
    // replaced.
    std::vector<ImportedOrder> importOrders(const std::vector<store::Order>& orders,
                                           const std::string& source);

private:
    void importFile(const std::filesystem::path& file);
    // Reads a stock snapshot (stock*.csv: gtin,lot,expiry,quantity) for the FEFO check.
    void importStock(const std::filesystem::path& file);
    void reject(const std::filesystem::path& file, const std::optional<std::string>& orderNumber,
                const std::string& reason, const std::string& at);
    void moveAside(const std::filesystem::path& file, const std::string& folder,
                   const std::string& reason);

    store::Store& store_;
    std::filesystem::path dropDir_;
    std::string station_;
};

}  // namespace station::orders
