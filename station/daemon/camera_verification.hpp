#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/station_config.hpp"
#include "drivers/scan.hpp"
#include "station/api/http_types.hpp"
#include "vision/camera_config.hpp"
#include "vision/verify_collector.hpp"

namespace station::session {
struct VerificationResult;
}

namespace station::daemon {

class PrintSpooler;
class StationApi;
class StoreWorker;

// Camera verification in the daemon: confirms that a carton holds exactly its order.
//
// A verification starts from POST /api/v1/verify ({"order": "SO-1"}, or {} for the order open
// at the station) or from a scanned verify code ([camera] verify_code) on any scanner. The
// collector gathers codes until the set is stable, writes the evidence JPEG, and the store
// thread decides every code like a scanned unit in one transaction with one journal event
// (SessionEngine::recordVerification). The result goes out as a "verification" event and is
// served by GET /api/v1/verifications/{id}; GET /api/v1/evidence/{name} serves the images.
// One verification runs at a time. Used on the event loop's thread.
class CameraVerification {
public:
    CameraVerification(boost::asio::io_context& io, const config::StationConfig& station,
                       vision::CameraConfig camera, vision::CameraScanSource& source,
                       StoreWorker& store, PrintSpooler& spooler, StationApi& api);
    ~CameraVerification();

    // Starts a verification of the open order when `scan` is the verify code. Returns true when
    // the scan was the verify code, so that it does not reach the order session.
    bool handleScan(const Scan& scan);

private:
    struct Pending {
        std::string id;
        std::optional<std::string> order;
        std::string trigger;
        std::chrono::system_clock::time_point startedAt;
    };

    void addRoutes();
    void postVerify(const api::Request& request, api::Respond respond);
    void getVerification(const api::Request& request, api::Respond respond);
    void getEvidence(const api::Request& request, api::Respond respond);

    // Checks the order on the store thread, then starts the collector. `answer` gets 202 with
    // the verification id, or the reason it cannot start.
    void begin(std::optional<std::string> order, std::string trigger, api::Respond answer);
    void collect(Pending pending, api::Respond answer);
    void record(Pending pending, vision::VerifyCapture capture);
    void finish(const session::VerificationResult& result);
    void fail(const Pending& pending, const std::string& error);
    void remember(const std::string& id, nlohmann::json result);

    boost::asio::io_context& io_;
    const config::StationConfig& station_;
    vision::CameraConfig camera_;
    StoreWorker& store_;
    PrintSpooler& spooler_;
    StationApi& api_;
    vision::VerifyCollector collector_;

    // True from a trigger until its result is recorded; one verification runs at a time.
    bool busy_ = false;
    std::optional<Pending> collecting_;
    // The latest results by id, so that the operator page does not query the journal.
    std::map<std::string, nlohmann::json> recent_;
    std::deque<std::string> recentIds_;
    // Expires with this object, so that work posted back from other threads does nothing.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace station::daemon
