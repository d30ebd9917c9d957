#include "station/cli/store_commands.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include "station/csv.hpp"
#include "station/session/session_engine.hpp"
#include "station/store/record_json.hpp"
#include "station/store/store.hpp"

namespace station::cli {
namespace {

using Json = nlohmann::json;

void printLinks(const std::vector<store::Link>& links, bool json) {
    if (json) {
        Json array = Json::array();
        for (const store::Link& link : links) {
            array.push_back(store::linkJson(link));
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
        std::cout << fmt::format("{:<14} {:<16} {:<20} {:<14} {:<10} {:<24}{}\n", link.orderNumber,
                                 link.gtin.empty() ? link.sku : link.gtin,
                                 session::printableScan(link.serial),
                                 session::printableScan(link.lot), link.expiry.value_or("-"),
                                 link.scannedAt, link.voided ? " VOIDED" : "");
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
            units.push_back(store::linkJson(link));
        }
        std::cout << Json{{"orders", orders}, {"units", units}}.dump(2, ' ', false,
                                                                     Json::error_handler_t::replace)
                  << '\n';
        return;
    }
    std::cout << fmt::format("{} order(s) shipped units of this lot: {}\n", orders.size(),
                             fmt::join(orders, ", "));
    printLinks(links, false);
}

// Runs a read-only query and turns store errors into a message and exit code 1.
void withStore(const CliContextPtr& context, const std::function<void(store::Store&)>& query) {
    std::filesystem::path path = context->config().storePath;
    if (!std::filesystem::exists(path)) {
        throw CLI::RuntimeError(
            fmt::format("Store {} not found; pass --store PATH or --config FILE", path.string()),
            1);
    }
    try {
        store::Store store(path, store::Store::Access::ReadOnly);
        query(store);
    } catch (const store::StoreError& error) {
        throw CLI::RuntimeError(
            fmt::format("Failed to read store {}: {}", path.string(), error.what()), 1);
    }
}

// Turns "2026-12-01" into "2026-12-01T00:00:00.000Z"; full timestamps pass unchanged.
std::string timestampBound(const std::string& text, const char* option) {
    static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
    static const std::regex kTimestamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{3})?)?Z?)");
    if (std::regex_match(text, kDate)) {
        return text + "T00:00:00.000Z";
    }
    if (std::regex_match(text, kTimestamp)) {
        return text;
    }
    throw CLI::RuntimeError(
        fmt::format("{} \"{}\" is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)", option,
                    text),
        2);
}

void addExportCommand(CLI::App& app, const CliContextPtr& context) {
    CLI::App* exportLinks = app.add_subcommand(
        "export", "Write every link scanned in a time range as CSV or JSON Lines");
    auto since = std::make_shared<std::string>("0000-01-01");
    auto until = std::make_shared<std::string>("9999-12-31");
    auto format = std::make_shared<std::string>("csv");
    auto output = std::make_shared<std::string>();
    exportLinks->add_option("--since", *since, "First day or UTC time included (YYYY-MM-DD)");
    exportLinks->add_option("--until", *until, "First day or UTC time excluded (YYYY-MM-DD)");
    exportLinks->add_option("--format", *format, "csv or jsonl")
        ->check(CLI::IsMember({"csv", "jsonl"}));
    exportLinks->add_option("-o,--output", *output, "File to write (default: standard output)");
    exportLinks->callback([=] {
        std::string from = timestampBound(*since, "--since");
        std::string to = timestampBound(*until, "--until");
        std::ofstream file;
        if (!output->empty()) {
            file.open(*output, std::ios::binary | std::ios::trunc);
            if (!file) {
                throw CLI::RuntimeError(fmt::format("Cannot write {}", *output), 1);
            }
        }
        std::ostream& out = output->empty() ? std::cout : file;
        if (*format == "csv") {
            out << "link_id,order,gtin,sku,serial,lot,expiry,station,operator,device,"
                   "scanned_at,voided,scan_id,raw_scan\n";
        }
        std::size_t count = 0;
        withStore(context, [&](store::Store& store) {
            store.forEachLinkBetween(from, to, [&](const store::Link& link) {
                ++count;
                if (*format == "jsonl") {
                    out << store::linkJson(link).dump(-1, ' ', false, Json::error_handler_t::replace)
                        << '\n';
                    return;
                }
                out << link.linkId << ',' << csvField(link.orderNumber) << ','
                    << csvField(link.gtin) << ',' << csvField(link.sku) << ','
                    << csvField(link.serial) << ',' << csvField(link.lot) << ','
                    << link.expiry.value_or("") << ',' << csvField(link.station) << ','
                    << csvField(link.operatorName) << ',' << csvField(link.device) << ','
                    << link.scannedAt << ',' << (link.voided ? 1 : 0) << ',' << link.scanId << ','
                    << csvField(session::printableScan(link.rawScan)) << '\n';
            });
        });
        if (!output->empty()) {
            std::cerr << fmt::format("Exported {} link(s) to {}\n", count, *output);
        }
    });
}

void addJobsCommand(CLI::App& app, const CliContextPtr& context) {
    CLI::App* jobs = app.add_subcommand("jobs", "Print jobs and their delivery state");
    auto order = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    jobs->add_option("--order", *order, "Only the jobs of this order");
    jobs->add_flag("--json", *json, "Print JSON");
    jobs->callback([=] {
        withStore(context, [&](store::Store& store) {
            std::vector<store::PrintJob> list =
                store.printJobs(order->empty() ? std::nullopt : std::optional(*order));
            if (*json) {
                Json array = Json::array();
                for (const store::PrintJob& job : list) {
                    array.push_back(store::printJobJson(job));
                }
                std::cout << array.dump(2) << '\n';
                return;
            }
            for (const store::PrintJob& job : list) {
                std::cout << fmt::format(
                    "{:>6} {:<14} {:<8} {:<10} attempts {}{}{}\n", job.jobId,
                    job.orderNumber.value_or("-"), job.templateName, job.state, job.attempts,
                    job.reprintOf ? fmt::format(" reprint of {}", *job.reprintOf) : "",
                    job.lastError.empty() ? "" : "  " + job.lastError);
            }
        });
    });
}

void addJournalCommand(CLI::App& app, const CliContextPtr& context) {
    CLI::App* journal = app.add_subcommand("journal",
                                           "Journal entries: every scan, decision, "
                                           "print and lead action");
    auto after = std::make_shared<std::int64_t>(0);
    auto limit = std::make_shared<int>(100);
    auto json = std::make_shared<bool>(false);
    journal->add_option("--after", *after, "Only entries after this sequence number");
    journal->add_option("--limit", *limit, "Maximum entries to print")->check(CLI::PositiveNumber);
    journal->add_flag("--json", *json, "Print JSON Lines");
    journal->callback([=] {
        withStore(context, [&](store::Store& store) {
            for (const store::JournalEntry& entry : store.journal(*after, *limit)) {
                if (*json) {
                    std::cout << Json{{"seq", entry.seq},
                                      {"at", entry.at},
                                      {"station", entry.station},
                                      {"actor", entry.actor},
                                      {"event", entry.event},
                                      {"scan_id", entry.scanId.value_or("")},
                                      {"order", entry.orderNumber.value_or("")},
                                      {"detail", Json::parse(entry.detailJson, nullptr, false)}}
                                     .dump()
                              << '\n';
                    continue;
                }
                std::cout << fmt::format("{:>6} {} {:<12} {:<22} {:<10} {}\n", entry.seq, entry.at,
                                         entry.actor, entry.event, entry.orderNumber.value_or("-"),
                                         entry.detailJson);
            }
        });
    });
}

}  // namespace

void addStoreCommands(CLI::App& app, CliContextPtr context) {
    auto json = std::make_shared<bool>(false);

    CLI::App* lookup = app.add_subcommand("lookup", "Find where a unit shipped");
    CLI::App* lookupSerial = lookup->add_subcommand("serial", "Every link of a serial number");
    auto serial = std::make_shared<std::string>();
    lookupSerial->add_option("SERIAL", *serial, "Serial number, exactly as printed")->required();
    lookupSerial->add_flag("--json", *json, "Print JSON");
    lookupSerial->callback([=] {
        withStore(context,
                  [&](store::Store& store) { printLinks(store.linksBySerial(*serial), *json); });
    });
    lookup->require_subcommand(1);

    CLI::App* recall = app.add_subcommand("recall", "Orders that shipped units of a lot");
    auto lot = std::make_shared<std::string>();
    auto gtin = std::make_shared<std::string>();
    recall->add_option("--lot", *lot, "Lot or batch number")->required();
    recall->add_option("--gtin", *gtin, "Limit to one GTIN (14 digits)");
    recall->add_flag("--json", *json, "Print JSON");
    recall->callback([=] {
        withStore(context,
                  [&](store::Store& store) { printOrders(store.linksByLot(*lot, *gtin), *json); });
    });

    CLI::App* links = app.add_subcommand("links", "Units linked to an order or a customer");
    auto order = std::make_shared<std::string>();
    auto customer = std::make_shared<std::string>();
    CLI::Option* byOrder = links->add_option("--order", *order, "Order number");
    CLI::Option* byCustomer =
        links->add_option("--customer", *customer, "Customer reference of the orders");
    byOrder->excludes(byCustomer);
    links->add_flag("--json", *json, "Print JSON");
    links->callback([=] {
        if (order->empty() && customer->empty()) {
            throw CLI::RuntimeError("links needs --order ORDER or --customer REF", 2);
        }
        withStore(context, [&](store::Store& store) {
            printLinks(
                order->empty() ? store.linksByCustomer(*customer) : store.linksByOrder(*order),
                *json);
        });
    });

    addJobsCommand(app, context);
    addJournalCommand(app, context);
    addExportCommand(app, context);
}

void addMaintenanceCommands(CLI::App& app, CliContextPtr context) {
    CLI::App* backup = app.add_subcommand(
        "backup", "Copy the store to FILE with SQLite's online backup; safe while stationd runs");
    auto target = std::make_shared<std::string>();
    backup->add_option("FILE", *target, "Backup file to create; must not exist")->required();
    backup->callback([=] {
        if (std::filesystem::exists(*target)) {
            throw CLI::RuntimeError(
                fmt::format("{} already exists; choose a new file name", *target), 1);
        }
        withStore(context, [&](store::Store& store) {
            store.backupTo(*target);
            std::cout << fmt::format("Backed up {} to {}\n", store.database().path().string(),
                                     *target);
        });
    });

    CLI::App* check = app.add_subcommand(
        "check", "Verify the store (SQLite integrity and foreign keys); exit 1 on any problem");
    check->callback([=] {
        withStore(context, [&](store::Store& store) {
            std::vector<std::string> problems = store.checkIntegrity();
            for (const std::string& problem : problems) {
                std::cout << problem << '\n';
            }
            if (!problems.empty()) {
                throw CLI::RuntimeError(
                    fmt::format("{} problem(s) found; restore the last backup", problems.size()),
                    1);
            }
            std::cout << fmt::format("{}: ok\n", store.database().path().string());
        });
    });
}

}  // namespace station::cli
