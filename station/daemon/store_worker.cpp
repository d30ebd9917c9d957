#include "station/daemon/store_worker.hpp"

#include <spdlog/spdlog.h>

namespace station::daemon {

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

void StoreWorker::stop() {
    guard_.reset();
    if (thread_.joinable()) {
        thread_.join();
    }
}

}  // namespace station::daemon
