// store-recall-bench: recall query time on a store with millions of links, through the Store
// API that stationctl uses (linksByLot with and without GTIN, linksBySerial, linksByOrder).
//
// The store is generated once with bulk inserts in big transactions and reused when it
// already contains the requested number of links. The generated rows look like a station's:
// orders of 20 units packed one after another, 2,000 GTINs, lots of about 1,000 units whose
// units are spread over the whole table (a lot ships over weeks), unique serials, and one
// accepted scan row per link.

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "drivers/scan.hpp"
#include "station/store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using station::store::Statement;
using station::store::Store;

constexpr std::int64_t kUnitsPerOrder = 20;
constexpr std::int64_t kUnitsPerLot = 1000;
constexpr int kProducts = 2000;
constexpr std::int64_t kCommitEvery = 200000;

// Serials are i * kSerialFactor mod 10^10: unique for i below 10^10 because the factor is
// coprime with 10, and not in insertion order.
constexpr std::uint64_t kSerialFactor = 2654435761ULL;

std::string serialOf(std::int64_t index) {
    return fmt::format("{:010d}",
                       (static_cast<std::uint64_t>(index) * kSerialFactor) % 10000000000ULL);
}

std::string orderOf(std::int64_t index) {
    return fmt::format("SO-{:08d}", index / kUnitsPerOrder);
}

std::string gtinOfProduct(int product) {
    return fmt::format("0950600{:07d}", product);
}

std::string lotName(std::int64_t lot) {
    return fmt::format("L{:06d}", lot);
}

// Each lot belongs to one product. Lot names repeat across products every 3,000 lots, as real
// lot codes do, so at 10 million links a lot name without GTIN matches about three lots.
int productOfLot(std::int64_t lot) {
    return static_cast<int>((lot * 7919) % kProducts);
}
std::string lotNameOf(std::int64_t lot) {
    return lotName(lot % 3000);
}

std::int64_t linkCount(Store& store) {
    Statement count = store.database().prepare("SELECT COUNT(*) FROM links");
    count.step();
    return count.integer(0);
}

std::string timestampOf(std::int64_t index) {
    // One link every 3 seconds from 2024-01-01.
    const std::int64_t seconds = index * 3;
    const std::int64_t day = seconds / 86400;
    const auto date =
        std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{19723 + day}}};
    const std::int64_t inDay = seconds % 86400;
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.000Z",
                       static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                       static_cast<unsigned>(date.day()), inDay / 3600, inDay / 60 % 60,
                       inDay % 60);
}

// Fills an empty store with `links` links and their orders and scans. The link indexes are
// dropped during the load and rebuilt after it, which builds each index in one sorted pass.
void generate(Store& store, std::int64_t links, std::mt19937_64& random) {
    station::store::Database& db = store.database();
    db.execute("PRAGMA synchronous = OFF");
    db.execute("PRAGMA cache_size = -2000000");

    std::vector<std::string> indexSql;
    {
        Statement indexes = db.prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'links' "
            "AND sql IS NOT NULL");
        std::vector<std::string> names;
        while (indexes.step()) {
            names.push_back(indexes.text(0));
            indexSql.push_back(indexes.text(1));
        }
        for (const std::string& name : names) {
            db.execute("DROP INDEX " + name);
        }
    }

    const std::int64_t lots = std::max<std::int64_t>(1, links / kUnitsPerLot);
    std::uniform_int_distribution<std::int64_t> anyLot(0, lots - 1);
    Statement insertOrder = db.prepare(
        "INSERT INTO orders (order_number, customer_ref, has_lines, source, state, imported_at) "
        "VALUES (?, ?, 0, 'bench', 'complete', ?)");
    Statement insertScan = db.prepare(
        "INSERT INTO scans (scan_id, device, symbology, read_at, raw, outcome, message, "
        "order_number) VALUES (?, 'scanner-1', ']d2', ?, ?, 'accepted', 'Linked', ?)");
    Statement insertLink = db.prepare(
        "INSERT INTO links (scan_id, order_number, gtin, serial, lot, expiry, station, "
        "operator, device, scanned_at, linked_at, raw_scan) "
        "VALUES (?, ?, ?, ?, ?, '2028-12-31', 'station-1', 'packer', 'scanner-1', ?, ?, ?)");

    auto started = Clock::now();
    for (std::int64_t first = 0; first < links; first += kCommitEvery) {
        station::store::Transaction transaction = store.begin();
        const std::int64_t last = std::min(links, first + kCommitEvery);
        for (std::int64_t i = first; i < last; ++i) {
            const std::string order = orderOf(i);
            const std::string at = timestampOf(i);
            if (i % kUnitsPerOrder == 0) {
                insertOrder.bind(1, order)
                    .bind(2, fmt::format("C-{:05d}", (i / kUnitsPerOrder) % 20000))
                    .bind(3, at);
                insertOrder.run();
                insertOrder.reset();
            }
            const std::int64_t lot = anyLot(random);
            const std::string gtin = gtinOfProduct(productOfLot(lot));
            const std::string serial = serialOf(i);
            const std::string raw =
                "01" + gtin + "17281231" + "10" + lotNameOf(lot) + "\x1D" + "21" + serial;
            const std::string scanId = station::makeScanId();
            insertScan.bind(1, scanId).bind(2, at).bindBlob(3, raw).bind(4, order);
            insertScan.run();
            insertScan.reset();
            insertLink.bind(1, scanId)
                .bind(2, order)
                .bind(3, gtin)
                .bind(4, serial)
                .bind(5, lotNameOf(lot))
                .bind(6, at)
                .bind(7, at)
                .bindBlob(8, raw);
            insertLink.run();
            insertLink.reset();
        }
        transaction.commit();
        std::fprintf(stderr, "\rGenerated %lld of %lld links (%.0f s)",
                     static_cast<long long>(last), static_cast<long long>(links),
                     std::chrono::duration<double>(Clock::now() - started).count());
    }
    std::fprintf(stderr, "\nRebuilding %zu link indexes\n", indexSql.size());
    for (const std::string& sql : indexSql) {
        db.execute(sql);
    }
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    std::fprintf(stderr, "Store generated in %.0f s\n",
                 std::chrono::duration<double>(Clock::now() - started).count());
}

struct QueryFigures {
    std::vector<double> milliseconds;
    std::size_t rows = 0;
};

double percentile(std::vector<double> values, double fraction) {
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1))];
}

void report(const std::string& name, const QueryFigures& figures) {
    std::printf(
        "%-26s %5zu queries  rows/query %7.1f  first %9.3f ms  p50 %9.3f ms  "
        "p99 %9.3f ms  max %9.3f ms\n",
        name.c_str(), figures.milliseconds.size(),
        static_cast<double>(figures.rows) / static_cast<double>(figures.milliseconds.size()),
        figures.milliseconds.front(), percentile(figures.milliseconds, 0.5),
        percentile(figures.milliseconds, 0.99),
        *std::max_element(figures.milliseconds.begin(), figures.milliseconds.end()));
}

QueryFigures measure(int queries, const std::function<std::size_t(int)>& query) {
    QueryFigures figures;
    for (int i = 0; i < queries; ++i) {
        auto before = Clock::now();
        figures.rows += query(i);
        figures.milliseconds.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - before).count());
    }
    return figures;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Recall query time on a generated store"};
    std::filesystem::path file = "store-recall-bench/station.db";
    std::int64_t links = 1000000;
    int queries = 100;
    unsigned seed = 7;
    app.add_option("--store", file, "Store file; generated when it does not hold --links links");
    app.add_option("--links", links, "Number of links in the store")->check(CLI::PositiveNumber);
    app.add_option("--queries", queries, "Queries per kind")->check(CLI::PositiveNumber);
    app.add_option("--seed", seed, "Seed for the generated rows and the queried keys");
    CLI11_PARSE(app, argc, argv);
    spdlog::set_level(spdlog::level::warn);

    std::mt19937_64 random(seed);
    if (std::filesystem::exists(file)) {
        Store existing(file);
        if (linkCount(existing) != links) {
            std::fprintf(stderr, "%s does not contain exactly --links links; generating it again\n",
                         file.c_str());
            std::filesystem::remove(file);
            std::filesystem::remove(file.string() + "-wal");
            std::filesystem::remove(file.string() + "-shm");
        }
    }
    if (!std::filesystem::exists(file)) {
        std::filesystem::create_directories(file.parent_path().empty() ? "." : file.parent_path());
        Store fresh(file);
        generate(fresh, links, random);
    }

    // A fresh connection, as stationctl opens one per command.
    Store store(file, Store::Access::ReadOnly);
    std::printf("store %s: %lld links, %.0f MB, SQLite %s\n",
                std::filesystem::absolute(file).c_str(), static_cast<long long>(linkCount(store)),
                static_cast<double>(std::filesystem::file_size(file)) / 1e6, sqlite3_libversion());

    const std::int64_t lots = std::max<std::int64_t>(1, links / kUnitsPerLot);
    std::uniform_int_distribution<std::int64_t> anyLot(0, lots - 1);
    std::uniform_int_distribution<std::int64_t> anyLink(0, links - 1);
    std::vector<std::int64_t> lotKeys;
    std::vector<std::int64_t> linkKeys;
    for (int i = 0; i < queries; ++i) {
        lotKeys.push_back(anyLot(random));
        linkKeys.push_back(anyLink(random));
    }
    auto at = [](const std::vector<std::int64_t>& keys, int i) {
        return keys[static_cast<std::size_t>(i)];
    };

    report("linksByLot(lot, gtin)", measure(queries, [&](int i) {
               const std::int64_t lot = at(lotKeys, i);
               return store.linksByLot(lotNameOf(lot), gtinOfProduct(productOfLot(lot))).size();
           }));
    report("linksByLot(lot)", measure(queries, [&](int i) {
               return store.linksByLot(lotNameOf(at(lotKeys, i)), "").size();
           }));
    report("linksBySerial(serial)", measure(queries, [&](int i) {
               return store.linksBySerial(serialOf(at(linkKeys, i))).size();
           }));
    report("linksByOrder(order)", measure(queries, [&](int i) {
               return store.linksByOrder(orderOf(at(linkKeys, i))).size();
           }));
    return 0;
}
