#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <unordered_map>
#include <vector>

#include "config/station_config.hpp"
#include "drivers/scan_source.hpp"
#include "station/daemon/instance_lock.hpp"
#include "station/daemon/print_spooler.hpp"
#include "station/daemon/station_api.hpp"
#include "station/daemon/store_worker.hpp"

namespace station::daemon {

class CameraVerification;

// The stationd process: scanners feed scans into the order session on the store thread, each
// decision goes back to the packer (log, scanner feedback), and closed orders print through
// the spooler. The Asio event loop only moves bytes and posts work; it never waits on the disk
// or the printer.
class Daemon {
public:
    explicit Daemon(config::StationConfig config);
    ~Daemon();

    // Runs until SIGINT or SIGTERM. Returns the process exit code.
    int run();

private:
    void startScanners();
    // Starts the camera of the [camera] table and its verification, if one is enabled.
    void startCamera();
    void onScan(Scan scan);
    void onDecision(const session::Decision& decision, const std::string& device,
                    std::chrono::system_clock::time_point readAt);
    void onDeviceEvent(const drivers::DeviceEvent& event);
    void scheduleOrderImport();
    void shutdown();

    config::StationConfig config_;
    InstanceLock lock_;
    boost::asio::io_context io_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer importTimer_;
    std::unique_ptr<StoreWorker> store_;
    std::unique_ptr<PrintSpooler> spooler_;
    std::unique_ptr<StationApi> api_;
    std::vector<std::unique_ptr<drivers::ScanSource>> sources_;
    std::unordered_map<std::string, drivers::ScanSource*> sourcesByName_;
    std::unique_ptr<CameraVerification> verification_;
};

}  // namespace station::daemon
