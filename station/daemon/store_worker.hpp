#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "config/station_config.hpp"
#include "station/orders/order_importer.hpp"
#include "station/session/session_engine.hpp"
#include "station/store/store.hpp"

namespace station::daemon {

// Counts of the scan transactions the store thread committed.
struct ScanBatchStats {
    std::size_t batches = 0;       // handleScans transactions, committed or not
    std::size_t scans = 0;         // scans decided, one count per submitScan call
    std::size_t largestBatch = 0;  // most scans decided in one transaction
    std::size_t fallbacks = 0;     // failed batches that were decided again one scan at a time
};

// The thread that owns the store. SQLite commits with synchronous=FULL wait for the disk, so
// they run here and never on the daemon's event loop; work arrives through post() and runs
// in order.
//
// Scans go through submitScan(): scans that arrive while the thread is busy are decided
// together in one transaction (group commit), so one disk sync covers them all.
class StoreWorker {
public:
    // Called on the store thread once a scan's decision is committed, or with a
    // store_failed rejection when nothing could be committed.
    using ScanDecided = std::function<void(const session::Decision&, const Scan&)>;

    // Most scans decided in one transaction. A camera burst larger than this takes several
    // commits; a bound keeps the wait of the first scan of a batch short.
    static constexpr std::size_t kMaxScanBatch = 256;

    StoreWorker(const config::StationConfig& config, session::CartonLabelRenderer renderCarton);
    ~StoreWorker();
    StoreWorker(const StoreWorker&) = delete;
    StoreWorker& operator=(const StoreWorker&) = delete;

    // Runs `work` on the store thread with the store, importer and session.
    template <typename Work>
    void post(Work&& work) {
        boost::asio::post(context_, std::forward<Work>(work));
    }

    // Queues a scan for the order session; callable from any thread. Scans are decided in
    // submission order. `decided` runs on the store thread after the commit that holds the
    // scan's decision, and before the decision of any later scan is passed on. When a batch
    // transaction fails, its scans are decided again one by one, so a scan that cannot be
    // stored rejects only itself.
    void submitScan(Scan scan, ScanDecided decided);

    ScanBatchStats batchStats() const;

    store::Store& store() { return *store_; }
    orders::OrderImporter& importer() { return *importer_; }
    session::SessionEngine& session() { return *session_; }

    // Finishes the queued work, then joins the thread.
    void stop();

private:
    struct PendingScan {
        Scan scan;
        ScanDecided decided;
    };

    // Decides the queued scans, at most kMaxScanBatch of them, in one transaction.
    void decidePending();
    std::vector<session::Decision> decideOneByOne(const std::vector<Scan>& scans);

    boost::asio::io_context context_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<orders::OrderImporter> importer_;
    std::unique_ptr<session::SessionEngine> session_;

    std::mutex pendingMutex_;
    // NOTE: not bounded, because a scan that was read is never dropped. A device that floods
    // the station therefore grows this queue without limit.
    std::deque<PendingScan> pending_;  // guarded by pendingMutex_
    // True while a decidePending() call is queued or running; guarded by pendingMutex_.
    bool decidePosted_ = false;
    mutable std::mutex statsMutex_;
    ScanBatchStats stats_;  // guarded by statsMutex_

    std::thread thread_;
};

}  // namespace station::daemon
