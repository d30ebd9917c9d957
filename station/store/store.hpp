#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "station/store/records.hpp"
#include "station/store/sqlite.hpp"

namespace station::store {

// The station's durable record: orders, scans, links, holds, print jobs and the journal, in one
// SQLite file in WAL mode with synchronous=FULL, so a committed transaction survives a power
// cut. Not thread-safe: one thread owns a Store. Methods throw StoreError on SQLite failures;
// writes belong inside a Transaction from begin().
class Store {
public:
    enum class Access { ReadWrite, ReadOnly };

    // Opens (creating when writable) the store and applies pending schema migrations.
    explicit Store(const std::filesystem::path& path, Access access = Access::ReadWrite);

    Transaction begin() { return Transaction(db_); }
    Database& database() { return db_; }

    // Orders.
    std::optional<Order> findOrder(const std::string& number);
    void insertOrder(const Order& order, const std::string& importedAt);
    // Replaces an order's customer reference and lines. Callers check that nothing is linked.
    void replaceOrder(const Order& order, const std::string& importedAt);
    void setOrderState(const std::string& number, const std::string& state, const std::string& at,
                       const std::string& reason);
    // Active (not voided) link counts per line number of an order; index 0 counts links
    // without a line.
    std::vector<int> activeLinkCountsByLine(const std::string& number, std::size_t lineCount);
    int activeLinkCount(const std::string& number);
    int linkCount(const std::string& number);

    // Scans.
    std::optional<ScanRecord> findScan(const std::string& scanId);
    void insertScan(const ScanRecord& scan);

    // Links.
    std::int64_t insertLink(const Link& link, const std::string& linkedAt);
    // The active link that shipped this serial of this GTIN or SKU and was not returned since.
    std::optional<Link> findShippedSerial(const std::string& gtin, const std::string& sku,
                                          const std::string& serial);
    std::vector<Link> linksBySerial(const std::string& serial);
    std::vector<Link> linksByLot(const std::string& lot, const std::string& gtin);
    std::vector<Link> linksByOrder(const std::string& number);
    std::vector<Link> linksBetween(const std::string& since, const std::string& until);
    std::vector<Link> linksByCustomer(const std::string& customerRef);
    // Calls `visit` for each link scanned in [since, until), in link order, without loading
    // them all at once.
    void forEachLinkBetween(const std::string& since, const std::string& until,
                            const std::function<void(const Link&)>& visit);

    // Copies the whole store into `target` with SQLite's online backup API; safe while the
    // daemon writes. The copy is consistent as of one moment.
    void backupTo(const std::filesystem::path& target);
    // Runs PRAGMA integrity_check and foreign_key_check. Returns the problems found; empty
    // means the store is sound.
    std::vector<std::string> checkIntegrity();

    // Holds.
    std::optional<Hold> activeHold(const std::string& gtin, const std::string& lot,
                                   const std::string& serial);

    // Print jobs.
    std::int64_t insertPrintJob(const PrintJob& job);
    std::optional<PrintJob> findPrintJob(std::int64_t jobId);
    std::vector<PrintJob> pendingPrintJobs();
    std::vector<PrintJob> printJobs(const std::optional<std::string>& orderNumber);
    void updatePrintJob(std::int64_t jobId, const std::string& state, int attempts,
                        const std::string& lastError, const std::string& at);

    // Journal.
    std::int64_t appendJournal(const JournalEntry& entry);
    std::vector<JournalEntry> journal(std::int64_t afterSeq, int limit);

private:
    std::vector<Link> queryLinks(const std::string& where,
                                 const std::vector<std::string>& parameters);

    Database db_;
};

}  // namespace station::store
