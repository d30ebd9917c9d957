#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <memory>
#include <thread>

#include "config/station_config.hpp"
#include "station/orders/order_importer.hpp"
#include "station/session/session_engine.hpp"
#include "station/store/store.hpp"

namespace station::daemon {

// The thread that owns the store. SQLite commits with synchronous=FULL wait for the disk, so
// they run here and never on the daemon's event loop; work arrives through post() and runs
// in order.
class StoreWorker {
public:
    StoreWorker(const config::StationConfig& config, session::CartonLabelRenderer renderCarton);
    ~StoreWorker();
    StoreWorker(const StoreWorker&) = delete;
    StoreWorker& operator=(const StoreWorker&) = delete;

    // Runs `work` on the store thread with the store, importer and session.
    template <typename Work>
    void post(Work&& work) {
        boost::asio::post(context_, std::forward<Work>(work));
    }

    store::Store& store() { return *store_; }
    orders::OrderImporter& importer() { return *importer_; }
    session::SessionEngine& session() { return *session_; }

    // Finishes the queued work, then joins the thread.
    void stop();

private:
    boost::asio::io_context context_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<orders::OrderImporter> importer_;
    std::unique_ptr<session::SessionEngine> session_;
    std::thread thread_;
};

}  // namespace station::daemon
