#include "vision/verify_collector.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <opencv2/imgproc.hpp>

#include "vision/camera_scan_source.hpp"
#include "vision/evidence.hpp"
#include "vision/vision_log.hpp"

namespace station::vision {

struct VerifyCollector::Session {
    Session(boost::asio::io_context& io, std::string labelText, Done callback)
        : label(std::move(labelText)), done(std::move(callback)), timer(io) {}

    std::string label;
    Done done;
    boost::asio::steady_timer timer;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    int observer = 0;
    std::map<std::string, DecodedCode> codes;
    int frames = 0;
    int framesWithoutGrowth = 0;
    std::shared_ptr<const cv::Mat> bestFrame;
    std::size_t bestCount = 0;
    std::vector<UnreadableRegion> bestUnreadable;
};

namespace {

bool inside(const UnreadableRegion& region, const DecodedCode& code) {
    std::vector<cv::Point> polygon;
    for (const auto& p : region.corners) {
        polygon.emplace_back(p.x, p.y);
    }
    Point centre = centreOf(code.corners);
    return cv::pointPolygonTest(polygon, cv::Point2f(float(centre.x), float(centre.y)), false) >= 0;
}

}  // namespace

VerifyCollector::VerifyCollector(boost::asio::io_context& io, CameraScanSource& camera,
                                 VerifyOptions options)
    : io_(io), camera_(camera), options_(std::move(options)) {}

VerifyCollector::~VerifyCollector() {
    alive_.reset();
    if (active_) {
        camera_.removeObserver(active_->observer);
    }
    if (writer_.joinable()) {
        writer_.join();
    }
}

bool VerifyCollector::trigger(std::string label, Done done) {
    if (active_) {
        return false;
    }
    active_ = std::make_unique<Session>(io_, std::move(label), std::move(done));
    active_->observer =
        camera_.addObserver([this](const FrameObservation& observation) { observe(observation); });
    camera_.suspendScans(true);
    active_->timer.expires_after(options_.timeout);
    active_->timer.async_wait([this, weak = std::weak_ptr<int>(alive_)](auto error) {
        if (!error && !weak.expired() && active_) {
            finish(false);
        }
    });
    visionLogger()->info("{}: verification {} started", camera_.name(), active_->label);
    return true;
}

void VerifyCollector::observe(const FrameObservation& observation) {
    Session& session = *active_;
    ++session.frames;
    bool grew = false;
    for (const auto& code : observation.result.codes) {
        auto [it, added] = session.codes.insert_or_assign(code.format + '\0' + code.text, code);
        grew |= added;
    }
    // The frame that shows the most codes is the evidence.
    if (!session.bestFrame || observation.result.codes.size() > session.bestCount) {
        session.bestFrame = observation.frame;
        session.bestCount = observation.result.codes.size();
        session.bestUnreadable = observation.result.unreadable;
    }
    session.framesWithoutGrowth = grew ? 0 : session.framesWithoutGrowth + 1;
    if (!session.codes.empty() && session.framesWithoutGrowth >= options_.stableFrames) {
        finish(true);
    }
}

void VerifyCollector::finish(bool stable) {
    std::unique_ptr<Session> session = std::move(active_);
    camera_.removeObserver(session->observer);
    camera_.suspendScans(false);
    session->timer.cancel();

    VerifyCapture capture;
    capture.label = session->label;
    capture.stable = stable;
    capture.frames = session->frames;
    capture.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - session->started);
    for (auto& [key, code] : session->codes) {
        capture.codes.push_back(code);
    }
    for (const auto& region : session->bestUnreadable) {
        bool covered = std::any_of(capture.codes.begin(), capture.codes.end(),
                                   [&](const DecodedCode& code) { return inside(region, code); });
        if (!covered) {
            capture.unreadable.push_back(region);
        }
    }
    if (session->bestFrame) {
        capture.frame = *session->bestFrame;
    }
    visionLogger()->info("{}: verification {} {} with {} codes, {} unreadable regions, {} frames",
                         camera_.name(), capture.label, stable ? "stable" : "timed out",
                         capture.codes.size(), capture.unreadable.size(), capture.frames);

    if (writer_.joinable()) {
        writer_.join();
    }
    writer_ = std::thread([this, weak = std::weak_ptr<int>(alive_), capture = std::move(capture),
                           done = std::move(session->done)]() mutable {
        if (capture.frame.empty()) {
            capture.evidenceError = "no frame arrived from the camera during the window";
        } else {
            try {
                std::string caption = capture.label + "  " + std::to_string(capture.codes.size()) +
                                      " codes, " + std::to_string(capture.unreadable.size()) +
                                      " unreadable";
                cv::Mat drawn =
                    drawEvidence(capture.frame, capture.codes, capture.unreadable, caption);
                capture.evidencePath = writeEvidence(drawn, options_.evidenceDir, capture.label);
                pruneEvidence(options_.evidenceDir, options_.retentionDays);
            } catch (const std::exception& error) {
                capture.evidenceError = error.what();
                visionLogger()->error("Verification {}: {}", capture.label, error.what());
            }
        }
        boost::asio::post(io_,
                          [weak, capture = std::move(capture), done = std::move(done)]() mutable {
                              if (!weak.expired() && done) {
                                  done(std::move(capture));
                              }
                          });
    });
}

}  // namespace station::vision
