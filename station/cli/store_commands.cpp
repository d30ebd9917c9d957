#include "station/cli/store_commands.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "station/session/session_engine.hpp"
#include "station/store/store.hpp"

namespace station::cli {
namespace {

using Json = nlohmann::json;

Json linkJson(const store::Link& link) {
    Json json = {{"link_id", link.linkId},
                 {"order", link.orderNumber},
                 {"gtin", link.gtin},
                 {"sku", link.sku},
                 {"serial", link.serial},
                 {"lot", link.lot},
                 {"expiry", link.expiry ? Json(*link.expiry) : Json(nullptr)},
                 {"station", link.station},
                 {"operator", link.operatorName},
                 {"device", link.device},
                 {"scanned_at", link.scannedAt},
                 {"scan_id", link.scanId},
                 {"raw_scan", session::printableScan(link.rawScan)},
                 {"voided", link.voided}};
    return json;
}

void printLinks(const std::vector<store::Link>& links, bool json) {
    if (json) {
        Json array = Json::array();
        for (const store::Link& link : links) {
            array.push_back(linkJson(link));
        }
        std::cout << array.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
        return;
    }
    if (links.empty()) {
        std::cout << "No links found.\n";
        return;
    }
    std::cout << fmt::format("{:<14} {:<16} {:<20} {:<14} {:<10} {:<24}{}\n", "ORDER", "GTIN/SKU",
                             "SERIAL", "LOT", "EXPIRY", "SCANNED", "");
    for (const store::Link& link : links) {
        std::cout << fmt::format(
            "{:<14} {:<16} {:<20} {:<14} {:<10} {:<24}{}\n", link.orderNumber,
            link.gtin.empty() ? link.sku : link.gtin, session::printableScan(link.serial),
            session::printableScan(link.lot), link.expiry.value_or("-"), link.scannedAt,
            link.voided ? " VOIDED" : "");
    }
}

void printOrders(const std::vector<store::Link>& links, bool json) {
    std::vector<std::string> orders;
    for (const store::Link& link : links) {
        if (!link.voided &&
            std::find(orders.begin(), orders.end(), link.orderNumber) == orders.end()) {
            orders.push_back(link.orderNumber);
        }
    }
    if (json) {
        Json units = Json::array();
        for (const store::Link& link : links) {
            units.push_back(linkJson(link));
        }
        std::cout << Json{{"orders", orders}, {"units", units}}.dump(
                         2, ' ', false, Json::error_handler_t::replace)
                  << '\n';
        return;
    }
    std::cout << fmt::format("{} order(s) shipped units of this lot: {}\n", orders.size(),
                             fmt::join(orders, ", "));
    printLinks(links, false);
}

// Runs a read-only query and turns store errors into a message and exit code 1.
void withStore(const StorePathResolver& storePath,
               const std::function<void(store::Store&)>& query) {
    std::filesystem::path path = storePath();
    if (!std::filesystem::exists(path)) {
        throw CLI::RuntimeError(
            fmt::format("Store {} not found; pass --store PATH or --config FILE", path.string()),
            1);
    }
    try {
        store::Store store(path, store::Store::Access::ReadOnly);
        query(store);
    } catch (const store::StoreError& error) {
        throw CLI::RuntimeError(fmt::format("Failed to read store {}: {}", path.string(),
                                            error.what()),
                                1);
    }
}

}  // namespace

void addStoreCommands(CLI::App& app, StorePathResolver storePath) {
    auto json = std::make_shared<bool>(false);

    CLI::App* lookup = app.add_subcommand("lookup", "Find where a unit shipped");
    CLI::App* lookupSerial = lookup->add_subcommand("serial", "Every link of a serial number");
    auto serial = std::make_shared<std::string>();
    lookupSerial->add_option("SERIAL", *serial, "Serial number, exactly as printed")->required();
    lookupSerial->add_flag("--json", *json, "Print JSON");
    lookupSerial->callback([=] {
        withStore(storePath, [&](store::Store& store) {
            printLinks(store.linksBySerial(*serial), *json);
        });
    });
    lookup->require_subcommand(1);

    CLI::App* recall = app.add_subcommand("recall", "Orders that shipped units of a lot");
    auto lot = std::make_shared<std::string>();
    auto gtin = std::make_shared<std::string>();
    recall->add_option("--lot", *lot, "Lot or batch number")->required();
    recall->add_option("--gtin", *gtin, "Limit to one GTIN (14 digits)");
    recall->add_flag("--json", *json, "Print JSON");
    recall->callback([=] {
        withStore(storePath, [&](store::Store& store) {
            printOrders(store.linksByLot(*lot, *gtin), *json);
        });
    });

    CLI::App* links = app.add_subcommand("links", "Units linked to an order");
    auto order = std::make_shared<std::string>();
    links->add_option("--order", *order, "Order number")->required();
    links->add_flag("--json", *json, "Print JSON");
    links->callback([=] {
        withStore(storePath, [&](store::Store& store) {
            printLinks(store.linksByOrder(*order), *json);
        });
    });
}

}  // namespace station::cli
