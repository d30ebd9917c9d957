// store-commit-bench: durable link commits per second and scan-to-ack latency through the
// daemon's store path (SessionEngine::handleScan on a real store file, one scan per
// transaction), beside bare SQLite inserts of one row per transaction with the same settings
// (WAL, synchronous=FULL, foreign keys on) in the same folder, in one run. Also the burst
// path: SessionEngine::handleScans with many scans in one transaction, and the daemon's store
// thread (StoreWorker) fed by a producer thread that submits scans back to back, as a camera
// burst does, so that StoreWorker decides the scans that queue up during a commit together.
//
// The paths alternate in rounds so that a change in disk speed during the run affects all of
// them. Latency is the time handleScan takes, from the scan reaching the store thread to the
// commit; on the StoreWorker path it is the time from submitScan to the decision callback,
// which includes the wait in the queue. The pty read and the event-loop hops of the daemon are
// not included.

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/station_config.hpp"
#include "station/daemon/carton_label.hpp"
#include "station/daemon/store_worker.hpp"
#include "station/session/session_engine.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace station;

const std::string kGtin = "09506000134352";
constexpr char kGs = '\x1D';

struct Figures {
    std::vector<double> latenciesMs;
    double seconds = 0;
    long commits = 0;  // links committed
};

double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
    return values[index];
}

void checkSqlite(int code, sqlite3* db, const char* operation) {
    if (code != SQLITE_OK && code != SQLITE_DONE && code != SQLITE_ROW) {
        throw std::runtime_error(std::string(operation) + " failed: " + sqlite3_errmsg(db));
    }
}

// One row per transaction straight through the SQLite C API, with the store's settings.
class BareInserter {
public:
    explicit BareInserter(const std::filesystem::path& file) {
        checkSqlite(sqlite3_open(file.c_str(), &db_), db_, "open");
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = FULL");
        exec("PRAGMA foreign_keys = ON");
        exec(
            "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, scan_id TEXT NOT NULL, "
            "serial TEXT NOT NULL, raw BLOB NOT NULL)");
        insert_ = prepare("INSERT INTO rows (scan_id, serial, raw) VALUES (?, ?, ?)");
        begin_ = prepare("BEGIN IMMEDIATE");
        commit_ = prepare("COMMIT");
    }
    ~BareInserter() {
        sqlite3_finalize(insert_);
        sqlite3_finalize(begin_);
        sqlite3_finalize(commit_);
        sqlite3_close(db_);
    }

    void insertOne(const std::string& scanId, const std::string& serial, const std::string& raw) {
        step(begin_, "BEGIN IMMEDIATE");
        sqlite3_bind_text(insert_, 1, scanId.data(), static_cast<int>(scanId.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(insert_, 2, serial.data(), static_cast<int>(serial.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_blob(insert_, 3, raw.data(), static_cast<int>(raw.size()), SQLITE_TRANSIENT);
        step(insert_, "insert");
        step(commit_, "COMMIT");
    }

private:
    void exec(const char* sql) {
        checkSqlite(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), db_, sql);
    }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* statement = nullptr;
        checkSqlite(sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr), db_, sql);
        return statement;
    }
    // Steps a statement once and resets it; BEGIN and COMMIT are prepared once, as the store
    // does, so that neither path parses SQL per transaction.
    void step(sqlite3_stmt* statement, const char* operation) {
        const int code = sqlite3_step(statement);
        sqlite3_reset(statement);
        checkSqlite(code, db_, operation);
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* begin_ = nullptr;
    sqlite3_stmt* commit_ = nullptr;
};

Scan makeScan(const std::string& data) {
    Scan scan;
    scan.id = makeScanId();
    scan.data = data;
    scan.device = "bench-scanner";
    scan.readAt = std::chrono::system_clock::now();
    return scan;
}

std::string unitBytes(const std::string& serial) {
    return "01" + kGtin + "17281231" + "10" + "23A17" + kGs + "21" + serial;
}

// The store, order importer and session of the daemon, on files in one existing folder.
class DaemonPath {
public:
    DaemonPath(const std::filesystem::path& folder, const config::StationConfig& config)
        : dropDir_(folder / "orders"), store_(folder / "station.db") {
        importer_ = std::make_unique<orders::OrderImporter>(store_, dropDir_, config.stationId);
        session::SessionSettings settings;
        settings.station = config.stationId;
        settings.operatorName = config.operatorName;
        settings.orderNumberPattern = "SO-[0-9]+";
        settings.closeCode = "CLOSE";
        settings.printerName = "label";
        session_ = std::make_unique<session::SessionEngine>(
            store_, *importer_, settings, daemon::makeCartonLabelRenderer(config));
    }

    // Drops an order file with one serialised line and opens the order by scanning its number.
    void openOrder(int quantity) {
        const std::string number = "SO-" + std::to_string(++orders_);
        std::ofstream(dropDir_ / (number + ".json"))
            << R"({"order": ")" << number << R"(", "lines": [{"gtin": ")" << kGtin
            << R"(", "quantity": )" << quantity << R"(, "serial_required": true}]})";
        session::Decision decision = session_->handleScan(makeScan(number));
        if (decision.outcome != "order_opened") {
            throw std::runtime_error("Order " + number + " did not open: " + decision.message);
        }
    }

    session::SessionEngine& session() { return *session_; }

private:
    std::filesystem::path dropDir_;
    store::Store store_;
    std::unique_ptr<orders::OrderImporter> importer_;
    std::unique_ptr<session::SessionEngine> session_;
    int orders_ = 0;
};

// The daemon's store thread on its own store file, with a producer that submits a stream of
// scans back to back: an order number, then its units, then the next order.
class WorkerPath {
public:
    WorkerPath(const std::filesystem::path& folder, const config::StationConfig& stationConfig)
        : config_(stationConfig) {
        config_.storePath = folder / "station.db";
        config_.orders.dropDir = folder / "orders";
        config_.orders.numberPattern = "SO-[0-9]+";
        std::filesystem::create_directories(config_.orders.dropDir);
    }

    // Submits `units` unit scans in orders of `orderSize` from this thread without waiting,
    // and returns when every decision has come back. Adds the unit scans to `figures`.
    void runBurst(int units, int orderSize, int& serial, Figures& figures) {
        std::vector<Scan> scans;
        std::vector<bool> isUnit;
        for (int i = 0; i < units; ++i) {
            if (i % orderSize == 0) {
                scans.push_back(makeScan(dropOrder(std::min(orderSize, units - i))));
                isUnit.push_back(false);
            }
            scans.push_back(makeScan(unitBytes("W" + std::to_string(++serial))));
            isUnit.push_back(true);
        }

        std::vector<Clock::time_point> submitted(scans.size());
        std::vector<Clock::time_point> decided(scans.size());
        std::vector<std::string> outcomes(scans.size());
        std::promise<void> done;
        daemon::StoreWorker worker(config_, daemon::makeCartonLabelRenderer(config_));
        const auto started = Clock::now();
        for (std::size_t i = 0; i < scans.size(); ++i) {
            submitted[i] = Clock::now();
            worker.submitScan(scans[i], [&, i](const session::Decision& decision, const Scan&) {
                decided[i] = Clock::now();
                outcomes[i] = decision.outcome + " " + decision.message;
                if (i + 1 == scans.size()) {
                    done.set_value();
                }
            });
        }
        done.get_future().wait();
        figures.seconds += std::chrono::duration<double>(Clock::now() - started).count();
        worker.stop();

        for (std::size_t i = 0; i < scans.size(); ++i) {
            if (!isUnit[i]) {
                continue;
            }
            if (outcomes[i].rfind("accepted", 0) != 0) {
                throw std::runtime_error("Scan not accepted: " + outcomes[i]);
            }
            figures.latenciesMs.push_back(
                std::chrono::duration<double, std::milli>(decided[i] - submitted[i]).count());
            figures.commits += 1;
        }
        batches_ += worker.batchStats().batches;
    }

    std::size_t batches() const { return batches_; }

private:
    std::string dropOrder(int quantity) {
        const std::string number = "SO-" + std::to_string(++orders_);
        std::ofstream(config_.orders.dropDir / (number + ".json"))
            << R"({"order": ")" << number << R"(", "lines": [{"gtin": ")" << kGtin
            << R"(", "quantity": )" << quantity << R"(, "serial_required": true}]})";
        return number;
    }

    config::StationConfig config_;
    int orders_ = 0;
    std::size_t batches_ = 0;
};

void requireAccepted(const session::Decision& decision) {
    if (decision.outcome != "accepted") {
        throw std::runtime_error("Scan not accepted: " + decision.message);
    }
}

void printLine(const char* name, const Figures& figures, double bareRate) {
    const double rate = static_cast<double>(figures.commits) / figures.seconds;
    std::printf("%-34s %9ld links %9.1f links/s  p50 %7.3f ms  p99 %7.3f ms  ratio %.2f\n", name,
                figures.commits, rate, percentile(figures.latenciesMs, 0.50),
                percentile(figures.latenciesMs, 0.99), rate / bareRate);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Durable link commits: the daemon's store path beside bare SQLite"};
    std::filesystem::path folder = "store-commit-bench";
    int scansPerRound = 500;
    int rounds = 4;
    int orderSize = 40;
    int burstSize = 50;
    int bursts = 40;
    app.add_option("--dir", folder, "Folder for the store and the bare SQLite file (recreated)");
    app.add_option("--scans", scansPerRound, "Single-scan transactions per path and round");
    app.add_option("--rounds", rounds, "Rounds; the daemon and bare paths alternate in each");
    app.add_option("--order-size", orderSize, "Units per order on the single-scan path");
    app.add_option("--burst", burstSize, "Scans per handleScans transaction on the burst path");
    app.add_option("--bursts", bursts, "Number of bursts");
    CLI11_PARSE(app, argc, argv);
    spdlog::set_level(spdlog::level::warn);

    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder / "daemon" / "orders");
    config::StationConfig config;
    DaemonPath daemonPath(folder / "daemon", config);
    WorkerPath workerPath(folder / "worker", config);
    BareInserter bare(folder / "bare.db");

    Figures bareFigures;
    Figures singleFigures;
    Figures workerFigures;
    int serial = 0;
    int leftInOrder = 0;
    for (int round = 0; round < rounds; ++round) {
        auto started = Clock::now();
        for (int i = 0; i < scansPerRound; ++i) {
            const std::string serialText = "B" + std::to_string(++serial);
            const std::string raw = unitBytes(serialText);
            auto before = Clock::now();
            bare.insertOne(makeScanId(), serialText, raw);
            bareFigures.latenciesMs.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - before).count());
        }
        bareFigures.seconds += std::chrono::duration<double>(Clock::now() - started).count();
        bareFigures.commits += scansPerRound;

        for (int i = 0; i < scansPerRound; ++i) {
            if (leftInOrder == 0) {
                daemonPath.openOrder(orderSize);
                leftInOrder = orderSize;
            }
            const Scan scan = makeScan(unitBytes("S" + std::to_string(++serial)));
            auto before = Clock::now();
            session::Decision decision = daemonPath.session().handleScan(scan);
            const double elapsed =
                std::chrono::duration<double, std::milli>(Clock::now() - before).count();
            requireAccepted(decision);
            --leftInOrder;
            singleFigures.latenciesMs.push_back(elapsed);
            singleFigures.seconds += elapsed / 1000.0;
            singleFigures.commits += 1;
        }

        workerPath.runBurst(scansPerRound, orderSize, serial, workerFigures);
    }

    Figures burstFigures;
    for (int burst = 0; burst < bursts; ++burst) {
        daemonPath.openOrder(burstSize);
        std::vector<Scan> scans;
        for (int i = 0; i < burstSize; ++i) {
            scans.push_back(makeScan(unitBytes("C" + std::to_string(++serial))));
        }
        auto before = Clock::now();
        std::vector<session::Decision> decisions = daemonPath.session().handleScans(scans);
        const double elapsed =
            std::chrono::duration<double, std::milli>(Clock::now() - before).count();
        std::for_each(decisions.begin(), decisions.end(), requireAccepted);
        burstFigures.latenciesMs.push_back(elapsed);
        burstFigures.seconds += elapsed / 1000.0;
        burstFigures.commits += burstSize;
    }

    const double bareRate = static_cast<double>(bareFigures.commits) / bareFigures.seconds;
    std::printf(
        "folder %s, %d rounds of %d single-scan transactions per path, orders of %d "
        "units; %d bursts of %d\n",
        std::filesystem::absolute(folder).c_str(), rounds, scansPerRound, orderSize, bursts,
        burstSize);
    printLine("bare SQLite, 1 row per transaction", bareFigures, bareRate);
    printLine("handleScan, 1 scan per transaction", singleFigures, bareRate);
    std::printf("(StoreWorker: %zu transactions for %ld links and their order scans)\n",
                workerPath.batches(), workerFigures.commits);
    printLine("StoreWorker, scans back to back", workerFigures, bareRate);
    std::printf("(burst latency is per handleScans call of %d scans)\n", burstSize);
    printLine("handleScans burst", burstFigures, bareRate);
    return 0;
}
