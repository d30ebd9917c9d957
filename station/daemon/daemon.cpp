#include "station/daemon/daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "drivers/scanner_factory.hpp"
#include "print/printer_transport.hpp"
#include "station/daemon/camera_setup.hpp"
#include "station/daemon/camera_verification.hpp"
#include "station/daemon/carton_label.hpp"
#include "station/logging.hpp"
#include "station/session/session_engine.hpp"
#include "vision/camera_scan_source.hpp"

namespace station::daemon {
namespace {

// How often the order drop folder is checked for new files.
constexpr std::chrono::seconds kOrderImportInterval{1};

std::shared_ptr<spdlog::logger> logger(const char* name) {
    return componentLogger(name);
}

}  // namespace

Daemon::Daemon(config::StationConfig config)
    : config_(std::move(config)),
      lock_(config_.storePath),
      signals_(io_, SIGINT, SIGTERM),
      importTimer_(io_) {
    logger("session");
    logger("printer");
    logger("store");

    session::CartonLabelRenderer renderCarton = makeCartonLabelRenderer(config_);
    store_ = std::make_unique<StoreWorker>(config_, std::move(renderCarton));
    spooler_ = std::make_unique<PrintSpooler>(io_, *store_,
                                              print::makePrinterTransport(io_, config_.printer),
                                              config_.stationId, config_.printer.queryStatus);
    api_ = std::make_unique<StationApi>(io_, config_, *store_, *spooler_);
    PrintSpooler::Listener listener;
    listener.onJob = [this](std::int64_t jobId, const std::string& state,
                            const std::string& detail) { api_->noteJob(jobId, state, detail); };
    listener.onPrinter = [this](const std::string& state, const std::string& detail) {
        api_->notePrinter(state, detail);
    };
    spooler_->setListener(std::move(listener));
}

Daemon::~Daemon() {
    verification_.reset();
    sources_.clear();
    // The store thread may still respond to API requests, so it stops before the API goes away.
    if (store_) {
        store_->stop();
    }
    api_.reset();
}

int Daemon::run() {
    spdlog::info("stationd {} starting: store {}, printer {} ({}), {} scanner(s)",
                 config_.stationId, config_.storePath.string(), config_.printer.name,
                 config::printerKindName(config_.printer.kind), config_.scanners.size());
    if (config_.scanners.empty()) {
        spdlog::warn(
            "No scanner configured and standard input is not a terminal; add a "
            "[[scanner]] to the config file");
    }

    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
        if (!error) {
            spdlog::info("Received signal {}; stopping", signal);
            shutdown();
        }
    });
    startScanners();
    startCamera();
    spooler_->start();
    api_->start();
    scheduleOrderImport();

    io_.run();
    store_->stop();
    spdlog::info("stationd stopped");
    return 0;
}

void Daemon::startScanners() {
    for (const config::ScannerConfig& scanner : config_.scanners) {
        drivers::ScanSink sink;
        sink.onScan = [this](Scan scan) { onScan(std::move(scan)); };
        sink.onEvent = [this](const drivers::DeviceEvent& event) { onDeviceEvent(event); };
        try {
            std::unique_ptr<drivers::ScanSource> source =
                drivers::makeScanSource(io_, scanner, std::move(sink));
            source->start();
            sourcesByName_[scanner.name] = source.get();
            sources_.push_back(std::move(source));
            spdlog::info("Scanner {} ({}) started", scanner.name,
                         config::scannerKindName(scanner.kind));
        } catch (const std::exception& error) {
            // One broken scanner must not stop the station: the others keep working.
            spdlog::error("Failed to start scanner {} ({}:{}): {}", scanner.name,
                          scanner.sourceFile, scanner.sourceLine, error.what());
        }
    }
}

void Daemon::startCamera() {
    std::optional<vision::CameraConfig> camera = loadCameraConfig(config_);
    if (!camera) {
        return;
    }
    drivers::ScanSink sink;
    sink.onScan = [this](Scan scan) { onScan(std::move(scan)); };
    sink.onEvent = [this](const drivers::DeviceEvent& event) { onDeviceEvent(event); };
    auto source = std::make_unique<vision::CameraScanSource>(io_, *camera, std::move(sink));
    source->start();
    verification_ = std::make_unique<CameraVerification>(io_, config_, *camera, *source, *store_,
                                                         *spooler_, *api_);
    sourcesByName_[camera->name] = source.get();
    sources_.push_back(std::move(source));
    spdlog::info("Camera {} ({} {}) started", camera->name,
                 vision::frameSourceKindName(camera->kind), camera->source);
}

void Daemon::onScan(Scan scan) {
    if (verification_ && verification_->handleScan(scan)) {
        return;
    }
    // The store worker decides scans that arrive together in one transaction; each decision
    // reaches the packer only after its commit.
    store_->submitScan(std::move(scan), [this](const session::Decision& decision,
                                               const Scan& decided) {
        boost::asio::post(io_, [this, decision, device = decided.device, readAt = decided.readAt] {
            onDecision(decision, device, readAt);
        });
    });
}

void Daemon::onDecision(const session::Decision& decision, const std::string& device,
                        std::chrono::system_clock::time_point readAt) {
    auto log = logger("session");
    if (decision.good()) {
        log->info("OK {} [{}] {}", decision.outcome, device, decision.message);
    } else {
        log->warn("REJECTED {} [{}] {}", decision.reason, device, decision.message);
    }
    if (auto found = sourcesByName_.find(device); found != sourcesByName_.end()) {
        found->second->sendFeedback(decision.good() ? drivers::Feedback::GoodRead
                                                    : drivers::Feedback::BadRead);
    }
    if (decision.printJobId && !decision.replayed) {
        spooler_->enqueue(*decision.printJobId);
    }
    api_->noteDecision(decision, device, readAt);
}

void Daemon::onDeviceEvent(const drivers::DeviceEvent& event) {
    using Kind = drivers::DeviceEvent::Kind;
    api_->noteDevice(event);
    auto log = logger("scanner");
    switch (event.kind) {
        case Kind::Connected:
            log->info("{}: connected {}", event.device, event.detail);
            break;
        case Kind::Disconnected:
            log->warn("{}: disconnected {}", event.device, event.detail);
            break;
        case Kind::Error:
            log->error("{}: {}", event.device, event.detail);
            break;
        case Kind::ScanRejected:
            log->warn("{}: scan rejected: {}", event.device, event.detail);
            break;
    }
}

void Daemon::scheduleOrderImport() {
    store_->post([this] {
        try {
            store_->importer().importPending();
        } catch (const std::exception& error) {
            logger("store")->error("Failed to import order files: {}", error.what());
        }
    });
    spooler_->refresh();
    importTimer_.expires_after(kOrderImportInterval);
    importTimer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            scheduleOrderImport();
        }
    });
}

void Daemon::shutdown() {
    importTimer_.cancel();
    api_->stop();
    spooler_->stop();
    for (auto& source : sources_) {
        source->stop();
    }
    io_.stop();
}

}  // namespace station::daemon
