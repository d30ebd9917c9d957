#include "station/daemon/store_worker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "station/logging.hpp"

namespace station::daemon {
namespace {

// The decision for a scan whose transaction failed. Nothing was committed, so the packer must
// scan again; the scan is not lost silently.
session::Decision storeFailed(const Scan& scan, const std::exception& error) {
    componentLogger("store")->error("Failed to record scan {} from {}: {}", scan.id, scan.device,
                                    error.what());
    session::Decision decision;
    decision.scanId = scan.id;
    decision.outcome = "rejected";
    decision.reason = "store_failed";
    decision.message = fmt::format("Not recorded ({}); scan the item again", error.what());
    return decision;
}

}  // namespace

StoreWorker::StoreWorker(const config::StationConfig& config,
                         session::CartonLabelRenderer renderCarton)
    : guard_(context_.get_executor()) {
    // The store is opened on the caller's thread so that start-up errors reach main().
    std::filesystem::create_directories(config.storePath.parent_path());
    std::filesystem::create_directories(config.orders.dropDir);
    store_ = std::make_unique<store::Store>(config.storePath);
    importer_ =
        std::make_unique<orders::OrderImporter>(*store_, config.orders.dropDir, config.stationId);
    session_ = std::make_unique<session::SessionEngine>(
        *store_, *importer_, session::sessionSettings(config), std::move(renderCarton));
    thread_ = std::thread([this] {
        try {
            context_.run();
        } catch (const std::exception& error) {
            // Work items catch their own errors; reaching here is a bug, and losing the store
            // thread would stall every scan, so the daemon stops instead.
            spdlog::critical("Store thread stopped by an unexpected error: {}", error.what());
            std::abort();
        }
    });
}

StoreWorker::~StoreWorker() {
    stop();
}

void StoreWorker::submitScan(Scan scan, ScanDecided decided) {
    std::lock_guard lock(pendingMutex_);
    pending_.push_back({std::move(scan), std::move(decided)});
    if (!decidePosted_) {
        decidePosted_ = true;
        post([this] { decidePending(); });
    }
}

ScanBatchStats StoreWorker::batchStats() const {
    std::lock_guard lock(statsMutex_);
    return stats_;
}

void StoreWorker::decidePending() {
    std::vector<ScanDecided> callbacks;
    std::vector<Scan> scans;
    {
        // An order number starts a batch of its own. The session imports order files before
        // a batch, so the import is then journaled just before the order opens, as it is
        // when scans come one at a time.
        std::lock_guard lock(pendingMutex_);
        while (!pending_.empty() && scans.size() < kMaxScanBatch) {
            if (!scans.empty() && session_->isOrderNumber(pending_.front().scan)) {
                break;
            }
            scans.push_back(std::move(pending_.front().scan));
            callbacks.push_back(std::move(pending_.front().decided));
            pending_.pop_front();
        }
    }

    std::vector<session::Decision> decisions;
    bool fellBack = false;
    try {
        decisions = session_->handleScans(scans);
    } catch (const std::exception& error) {
        if (scans.size() == 1) {
            decisions.push_back(storeFailed(scans.front(), error));
        } else {
            componentLogger("store")->warn(
                "Failed to record a batch of {} scans: {}; deciding them one by one", scans.size(),
                error.what());
            decisions = decideOneByOne(scans);
            fellBack = true;
        }
    }
    {
        std::lock_guard lock(statsMutex_);
        stats_.batches += 1;
        stats_.scans += scans.size();
        stats_.largestBatch = std::max(stats_.largestBatch, scans.size());
        stats_.fallbacks += fellBack ? 1 : 0;
    }

    for (std::size_t i = 0; i < scans.size(); ++i) {
        callbacks[i](decisions[i], scans[i]);
    }

    // Scans that arrived meanwhile form the next batch. Posting it, instead of looping here,
    // lets work queued by post() in the meantime run first.
    std::lock_guard lock(pendingMutex_);
    if (pending_.empty()) {
        decidePosted_ = false;
    } else {
        post([this] { decidePending(); });
    }
}

std::vector<session::Decision> StoreWorker::decideOneByOne(const std::vector<Scan>& scans) {
    std::vector<session::Decision> decisions;
    decisions.reserve(scans.size());
    for (const Scan& scan : scans) {
        try {
            decisions.push_back(session_->handleScan(scan));
        } catch (const std::exception& error) {
            decisions.push_back(storeFailed(scan, error));
        }
    }
    return decisions;
}

void StoreWorker::stop() {
    guard_.reset();
    if (thread_.joinable()) {
        thread_.join();
    }
}

}  // namespace station::daemon
