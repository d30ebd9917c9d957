#include "station/daemon/camera_verification.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <fstream>
#include <sstream>

#include "station/daemon/print_spooler.hpp"
#include "station/daemon/station_api.hpp"
#include "station/daemon/store_worker.hpp"
#include "station/logging.hpp"
#include "station/session/session_engine.hpp"
#include "station/session/verification.hpp"
#include "vision/camera_scan_source.hpp"
#include "vision/evidence.hpp"

namespace station::daemon {
namespace {

using Json = nlohmann::json;
using api::Request;
using api::Respond;
using api::Response;

// Results kept in memory for GET /api/v1/verifications/{id}; older ones come from the journal.
constexpr std::size_t kRecentResults = 64;
// Largest evidence file served; a 1920x1080 JPEG with drawings is well below this.
constexpr std::uintmax_t kMaxEvidenceBytes = 32 * 1024 * 1024;

std::shared_ptr<spdlog::logger> log() {
    return componentLogger("camera");
}

std::string trimmed(std::string_view text) {
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    return std::string(text);
}

bool isVerificationId(const std::string& id) {
    return !id.empty() && id.size() <= 64 &&
           id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// An evidence file name as writeEvidence() makes them: letters, digits, '-', '_' and one
// ".jpg" at the end. Rejects every separator and "..", so a name never leaves the folder.
bool isEvidenceName(const std::string& name) {
    if (name.size() < 5 || name.size() > 128 || !name.ends_with(".jpg")) {
        return false;
    }
    const std::string stem = name.substr(0, name.size() - 4);
    return stem.find_first_not_of(
               "0123456789abcdefghijklmnopqrstuvwxyz"
               "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == std::string::npos;
}

session::VerificationInput makeInput(const std::string& id, const std::optional<std::string>& order,
                                     const std::string& trigger, const vision::CameraConfig& camera,
                                     std::chrono::system_clock::time_point readAt,
                                     const vision::VerifyCapture& capture) {
    session::VerificationInput input;
    input.id = id;
    input.orderNumber = order;
    input.device = camera.name;
    input.trigger = trigger;
    input.readAt = readAt;
    for (const vision::DecodedCode& code : capture.codes) {
        input.codes.push_back({code.format, code.text, code.symbology});
    }
    input.unreadableRegions = static_cast<int>(capture.unreadable.size());
    input.stable = capture.stable;
    input.frames = capture.frames;
    input.elapsedMs = capture.elapsed.count();
    input.evidencePath = capture.evidencePath.string();
    input.evidenceError = capture.evidenceError;
    input.verifyCode = camera.verifyCode;
    return input;
}

}  // namespace

CameraVerification::CameraVerification(boost::asio::io_context& io,
                                       const config::StationConfig& station,
                                       vision::CameraConfig camera,
                                       vision::CameraScanSource& source, StoreWorker& store,
                                       PrintSpooler& spooler, StationApi& api)
    : io_(io),
      station_(station),
      camera_(std::move(camera)),
      store_(store),
      spooler_(spooler),
      api_(api),
      collector_(io, source,
                 vision::VerifyOptions{camera_.verifyStableFrames, camera_.verifyTimeout,
                                       camera_.evidenceDir, camera_.retentionDays}) {
    api_.metrics().describe("stationd_verifications_total", api::Metrics::Type::Counter,
                            "Camera verifications recorded, by outcome.");
    api_.metrics().describe("stationd_camera_frames_total", api::Metrics::Type::Counter,
                            "Camera frames by what became of them: read, decoded, reused "
                            "(unchanged scene), dropped (decoding fell behind).");
    api_.metrics().onCollect([&source](api::Metrics& metrics) {
        const vision::CameraStats stats = source.stats();
        const std::string& name = source.name();
        auto set = [&](const char* kind, std::uint64_t value) {
            metrics.set("stationd_camera_frames_total", {{"device", name}, {"kind", kind}},
                        static_cast<double>(value));
        };
        set("read", stats.framesRead);
        set("decoded", stats.framesDecoded);
        set("reused", stats.framesReused);
        set("dropped", stats.framesDropped);
    });
    addRoutes();

    // Retention also applies while no verification runs, for example after a long stop.
    store_.post([dir = camera_.evidenceDir, days = camera_.retentionDays] {
        try {
            int deleted = vision::pruneEvidence(dir, days);
            if (deleted > 0) {
                log()->info("Deleted {} evidence image(s) older than {} days from {}", deleted,
                            days, dir.string());
            }
        } catch (const std::exception& error) {
            log()->error("Failed to apply evidence retention in {}: {}", dir.string(),
                         error.what());
        }
    });
}

CameraVerification::~CameraVerification() {
    alive_.reset();
}

void CameraVerification::addRoutes() {
    api::Router& router = api_.router();
    auto alive = std::weak_ptr<int>(alive_);
    router.add("POST", "/api/v1/verify", [this, alive](const Request& request, Respond respond) {
        if (!alive.expired()) {
            postVerify(request, std::move(respond));
        }
    });
    router.add("GET", "/api/v1/verifications/{id}",
               [this, alive](const Request& request, Respond respond) {
                   if (!alive.expired()) {
                       getVerification(request, std::move(respond));
                   }
               });
    router.add("GET", "/api/v1/evidence/{name}",
               [this, alive](const Request& request, Respond respond) {
                   if (!alive.expired()) {
                       getEvidence(request, std::move(respond));
                   }
               });
}

bool CameraVerification::handleScan(const Scan& scan) {
    if (camera_.verifyCode.empty() || trimmed(scan.data) != camera_.verifyCode) {
        return false;
    }
    log()->info("{}: verify code scanned on {}", camera_.name, scan.device);
    begin(std::nullopt, scan.device, [this, device = scan.device](Response response) {
        if (response.status >= 300) {
            // The packer started it from a scanner, so the refusal goes to the screen.
            Json body = Json::parse(response.body, nullptr, false);
            api_.events().publish(
                "verification",
                {{"outcome", "not_started"},
                 {"trigger", device},
                 {"summary", body.is_object() ? body.value("message", "") : response.body}});
        }
    });
    return true;
}

void CameraVerification::postVerify(const Request& request, Respond respond) {
    std::optional<std::string> order;
    if (!request.body.empty()) {
        Json body = Json::parse(request.body, nullptr, false);
        if (!body.is_object()) {
            respond(Response::error(400, "invalid",
                                    "the body is not a JSON object; send {\"order\": \"...\"} "
                                    "or {} for the open order"));
            return;
        }
        if (body.contains("order")) {
            if (!body["order"].is_string() || body["order"].get<std::string>().empty()) {
                respond(Response::error(400, "invalid", "\"order\" must be an order number"));
                return;
            }
            order = body["order"].get<std::string>();
        }
    }
    begin(std::move(order), "api", std::move(respond));
}

void CameraVerification::begin(std::optional<std::string> order, std::string trigger,
                               Respond answer) {
    if (busy_) {
        answer(Response::error(409, "verification_running",
                               fmt::format("verification {} is still running; wait for its result",
                                           collecting_ ? collecting_->id : "")));
        return;
    }
    busy_ = true;
    Pending pending{makeScanId().substr(0, 16), std::move(order), std::move(trigger),
                    std::chrono::system_clock::now()};
    auto alive = std::weak_ptr<int>(alive_);
    store_.post([this, alive, pending = std::move(pending), answer = std::move(answer)]() mutable {
        std::optional<Response> refusal;
        try {
            if (!pending.order) {
                pending.order = store_.session().openOrder();
            }
            std::optional<store::Order> found;
            if (pending.order) {
                found = store_.store().findOrder(*pending.order);
            }
            if (!pending.order) {
                refusal = Response::error(409, "no_open_order",
                                          "no order is open; scan the order number, or give "
                                          "{\"order\": \"...\"}");
            } else if (!found) {
                refusal = Response::error(
                    404, "unknown_order",
                    fmt::format("order {} is not in this station's store", *pending.order));
            } else if (found->state != "open") {
                refusal = Response::error(409, "order_not_open",
                                          fmt::format("order {} is {}; verify an open order",
                                                      *pending.order, found->state));
            }
        } catch (const std::exception& error) {
            refusal = Response::error(500, "store_failed",
                                      fmt::format("the store could not answer: {}", error.what()));
        }
        boost::asio::post(io_, [this, alive, pending = std::move(pending),
                                answer = std::move(answer), refusal = std::move(refusal)]() {
            if (alive.expired()) {
                return;
            }
            if (refusal) {
                busy_ = false;
                answer(*refusal);
                return;
            }
            collect(pending, answer);
        });
    });
}

void CameraVerification::collect(Pending pending, Respond answer) {
    auto alive = std::weak_ptr<int>(alive_);
    const bool started = collector_.trigger(*pending.order + "-" + pending.id,
                                            [this, alive, pending](vision::VerifyCapture capture) {
                                                if (!alive.expired()) {
                                                    record(pending, std::move(capture));
                                                }
                                            });
    if (!started) {
        busy_ = false;
        answer(Response::error(409, "verification_running",
                               "the camera is collecting for another verification; try again"));
        return;
    }
    collecting_ = pending;
    log()->info("{}: verification {} of order {} started by {}", camera_.name, pending.id,
                *pending.order, pending.trigger);
    answer(Response::json(202, {{"id", pending.id},
                                {"order", *pending.order},
                                {"state", "collecting"},
                                {"result", "/api/v1/verifications/" + pending.id}}));
}

void CameraVerification::record(Pending pending, vision::VerifyCapture capture) {
    collecting_.reset();
    session::VerificationInput input =
        makeInput(pending.id, pending.order, pending.trigger, camera_, pending.startedAt, capture);
    auto alive = std::weak_ptr<int>(alive_);
    store_.post([this, alive, pending = std::move(pending), input = std::move(input)]() {
        try {
            session::VerificationResult result = store_.session().recordVerification(input);
            boost::asio::post(io_, [this, alive, result = std::move(result)] {
                if (!alive.expired()) {
                    finish(result);
                }
            });
        } catch (const std::exception& error) {
            boost::asio::post(io_, [this, alive, pending, message = std::string(error.what())] {
                if (!alive.expired()) {
                    fail(pending, message);
                }
            });
        }
    });
}

void CameraVerification::finish(const session::VerificationResult& result) {
    busy_ = false;
    Json json = session::verificationJson(result);
    if (result.printJobId) {
        spooler_.enqueue(*result.printJobId);
    }
    api_.metrics().add("stationd_verifications_total", {{"outcome", result.outcome}});
    if (result.outcome == "verified") {
        log()->info("{}: {}", camera_.name, result.summary);
    } else {
        log()->warn("{}: {}", camera_.name, result.summary);
    }
    remember(result.id, json);
    api_.events().publish("verification", std::move(json));
}

void CameraVerification::fail(const Pending& pending, const std::string& error) {
    busy_ = false;
    // Nothing was committed, so the packer verifies again once the store works.
    log()->error("{}: failed to record verification {} of order {}: {}", camera_.name, pending.id,
                 pending.order.value_or("-"), error);
    Json json = {{"id", pending.id},
                 {"order", pending.order ? Json(*pending.order) : Json(nullptr)},
                 {"outcome", "store_failed"},
                 {"summary", fmt::format("Verification not recorded ({}); verify again", error)}};
    api_.metrics().add("stationd_verifications_total", {{"outcome", "store_failed"}});
    remember(pending.id, json);
    api_.events().publish("verification", std::move(json));
}

void CameraVerification::remember(const std::string& id, Json result) {
    recent_[id] = std::move(result);
    recentIds_.push_back(id);
    while (recentIds_.size() > kRecentResults) {
        recent_.erase(recentIds_.front());
        recentIds_.pop_front();
    }
}

void CameraVerification::getVerification(const Request& request, Respond respond) {
    const std::string id = request.parameters.at("id");
    if (!isVerificationId(id)) {
        respond(
            Response::error(400, "invalid", fmt::format("\"{}\" is not a verification id", id)));
        return;
    }
    if (collecting_ && collecting_->id == id) {
        respond(Response::json(200, {{"id", id}, {"state", "collecting"}}));
        return;
    }
    if (auto found = recent_.find(id); found != recent_.end()) {
        respond(Response::json(200, found->second));
        return;
    }
    store_.post([this, id, respond = std::move(respond)] {
        try {
            // Older results come from their journal event. The event column has no index, so
            // this lookup reads every verification event.
            store::Statement select = store_.store().database().prepare(
                "SELECT detail FROM journal WHERE event = 'verification' "
                "AND json_extract(detail, '$.id') = ? ORDER BY seq DESC LIMIT 1");
            select.bind(1, id);
            if (!select.step()) {
                respond(Response::error(404, "unknown_verification",
                                        fmt::format("verification {} is not in the journal", id)));
                return;
            }
            Response response;
            response.body = select.text(0);
            respond(std::move(response));
        } catch (const std::exception& error) {
            respond(Response::error(500, "store_failed",
                                    fmt::format("the store could not answer: {}", error.what())));
        }
    });
}

void CameraVerification::getEvidence(const Request& request, Respond respond) {
    const std::string name = request.parameters.at("name");
    if (!isEvidenceName(name)) {
        respond(Response::error(400, "invalid_name",
                                fmt::format("\"{}\" is not an evidence file name; use the name "
                                            "from a verification's evidence_url",
                                            vision::escapeBytes(name))));
        return;
    }
    // Files are read on the store thread, which owns the disk, never on the event loop.
    store_.post([dir = camera_.evidenceDir, name, respond = std::move(respond)] {
        const std::filesystem::path path = dir / name;
        std::error_code error;
        const auto status = std::filesystem::symlink_status(path, error);
        const auto size = std::filesystem::file_size(path, error);
        if (error || !std::filesystem::is_regular_file(status) || size > kMaxEvidenceBytes) {
            respond(Response::error(404, "unknown_evidence",
                                    fmt::format("evidence {} is not in {}; it may have passed "
                                                "its retention",
                                                name, dir.string())));
            return;
        }
        std::ifstream file(path, std::ios::binary);
        std::ostringstream bytes;
        bytes << file.rdbuf();
        if (!file) {
            respond(Response::error(500, "read_failed",
                                    fmt::format("failed to read evidence {}", path.string())));
            return;
        }
        Response response;
        response.contentType = "image/jpeg";
        response.body = bytes.str();
        response.headers.emplace_back("Cache-Control", "private, max-age=3600");
        respond(std::move(response));
    });
}

}  // namespace station::daemon
