#include "vision/camera_scan_source.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <opencv2/imgproc.hpp>

#include "vision/decode_pool.hpp"
#include "vision/frame_source.hpp"
#include "vision/vision_log.hpp"

namespace station::vision {

CameraScanSource::CameraScanSource(boost::asio::io_context& io, CameraConfig config,
                                   drivers::ScanSink sink)
    : io_(io),
      config_(std::move(config)),
      sink_(std::move(sink)),
      tracker_(config_.stableFrames, config_.forgetFrames) {}

CameraScanSource::~CameraScanSource() {
    stop();
    alive_.reset();
}

void CameraScanSource::start() {
    std::lock_guard lock(mutex_);
    if (running_) {
        return;
    }
    DecodePoolOptions options;
    options.workers = config_.workers;
    options.queueDepth = config_.queueDepth;
    options.process.executable = defaultDecoderPath();
    options.process.timeout = config_.decodeTimeout;
    options.process.recordDir = config_.crashDir;
    options.process.retryBudgetMs = config_.retryBudgetMs;
    pool_ = std::make_unique<DecodePool>(io_.get_executor(), options);
    running_ = true;
    capture_ = std::thread([this] { captureLoop(); });
    cameraLogger()->info("{}: camera started on {} {}", config_.name,
                         frameSourceKindName(config_.kind), config_.source);
}

void CameraScanSource::stop() {
    {
        std::lock_guard lock(mutex_);
        if (!running_) {
            return;
        }
        running_ = false;
    }
    wake_.notify_all();
    if (capture_.joinable()) {
        capture_.join();
    }
    if (pool_) {
        pool_->shutdown();
    }
    cameraLogger()->info("{}: camera stopped", config_.name);
}

int CameraScanSource::addObserver(Observer observer) {
    int id = nextObserver_++;
    observers_.emplace(id, std::move(observer));
    observerCount_ = static_cast<int>(observers_.size());
    return id;
}

void CameraScanSource::removeObserver(int id) {
    observers_.erase(id);
    observerCount_ = static_cast<int>(observers_.size());
}

CameraStats CameraScanSource::stats() const {
    CameraStats out;
    out.framesRead = stats_.framesRead;
    out.framesDecoded = stats_.framesDecoded;
    out.framesReused = stats_.framesReused;
    out.framesDropped = stats_.framesDropped;
    out.decoderFailures = stats_.decoderFailures;
    out.scans = stats_.scans;
    out.reopens = stats_.reopens;
    return out;
}

bool CameraScanSource::waitFor(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, delay, [this] { return !running_; });
    return running_;
}

void CameraScanSource::postEvent(drivers::DeviceEvent::Kind kind, std::string detail) {
    boost::asio::post(io_,
                      [this, weak = std::weak_ptr<int>(alive_), kind, detail = std::move(detail)] {
                          if (weak.expired() || !sink_.onEvent) {
                              return;
                          }
                          sink_.onEvent(drivers::DeviceEvent{config_.name, kind, detail});
                      });
}

void CameraScanSource::captureLoop() {
    FrameSource source(config_);
    SceneChangeDetector scene(config_.sceneThreshold);
    auto backoff = config_.reopenInitial;
    bool open = false;
    bool reportedFailure = false;
    // A looping file or folder is reopened at its end; that is no new connection to report.
    bool rewinding = false;

    while (waitFor(std::chrono::milliseconds(0))) {
        if (!open) {
            std::string error;
            if (!source.open(error)) {
                // Log the first failure of a series at error level, the retries at debug, so a
                // missing camera does not flood the journal.
                if (!reportedFailure) {
                    cameraLogger()->error("{}: {}; retrying with backoff up to {} ms", config_.name,
                                          error, config_.reopenMax.count());
                    postEvent(drivers::DeviceEvent::Kind::Error, error);
                    // The status lists the camera as disconnected, with the reason.
                    postEvent(drivers::DeviceEvent::Kind::Disconnected, error);
                    reportedFailure = true;
                } else {
                    cameraLogger()->debug("{}: {}; next retry in {} ms", config_.name, error,
                                          backoff.count());
                }
                if (!waitFor(backoff)) {
                    break;
                }
                backoff = std::min(backoff * 2, config_.reopenMax);
                ++stats_.reopens;
                continue;
            }
            open = true;
            reportedFailure = false;
            backoff = config_.reopenInitial;
            if (!rewinding) {
                cameraLogger()->info("{}: {} opened", config_.name, source.identity());
                postEvent(drivers::DeviceEvent::Kind::Connected, source.identity());
            }
            rewinding = false;
        }

        cv::Mat frame;
        auto status = source.read(frame);
        if (status == FrameSource::ReadStatus::End) {
            source.close();
            open = false;
            if (config_.loop) {
                rewinding = true;
                continue;
            }
            cameraLogger()->info("{}: end of {}", config_.name, source.identity());
            postEvent(drivers::DeviceEvent::Kind::Disconnected, "end of " + source.identity());
            // A finished file stays finished until stop().
            while (waitFor(std::chrono::milliseconds(200))) {
            }
            break;
        }
        if (status == FrameSource::ReadStatus::Lost) {
            source.close();
            open = false;
            cameraLogger()->warn("{}: {} stopped delivering frames; reopening", config_.name,
                                 source.identity());
            postEvent(drivers::DeviceEvent::Kind::Disconnected,
                      source.identity() + " stopped delivering frames");
            if (!waitFor(backoff)) {
                break;
            }
            continue;
        }
        if (frame.empty()) {
            continue;
        }
        ++stats_.framesRead;
        if (config_.mode == CameraMode::Verify && observerCount_ == 0) {
            // Between verifications the frames are read, so the device does not stall or
            // buffer, but not decoded.
            continue;
        }

        cv::Mat gray;
        cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
        auto shared = std::make_shared<const cv::Mat>(std::move(frame));
        if (!scene.changed(gray)) {
            boost::asio::post(io_, [this, weak = std::weak_ptr<int>(alive_), shared] {
                if (!weak.expired()) {
                    handleReuse(shared);
                }
            });
            continue;
        }
        pool_->submit(std::move(gray),
                      [this, weak = std::weak_ptr<int>(alive_), shared](DecodeOutcome outcome) {
                          if (!weak.expired()) {
                              handleOutcome(shared, std::move(outcome));
                          }
                      });
    }
}

void CameraScanSource::handleOutcome(std::shared_ptr<const cv::Mat> frame, DecodeOutcome outcome) {
    switch (outcome.status) {
        case DecodeOutcome::Status::Decoded:
            break;
        case DecodeOutcome::Status::Dropped:
            ++stats_.framesDropped;
            return;
        default:
            ++stats_.decoderFailures;
            postEvent(drivers::DeviceEvent::Kind::Error,
                      "decoder " + std::string(statusName(outcome.status)) + ": " + outcome.detail);
            return;
    }
    ++stats_.framesDecoded;
    lastResult_ = std::move(outcome.result);
    haveResult_ = true;
    publish({std::move(frame), lastResult_, false});
}

void CameraScanSource::handleReuse(std::shared_ptr<const cv::Mat> frame) {
    if (!haveResult_) {
        return;
    }
    ++stats_.framesReused;
    publish({std::move(frame), lastResult_, true});
}

void CameraScanSource::publish(const FrameObservation& observation) {
    // Copy first: an observer may remove itself while it runs.
    auto observers = observers_;
    for (const auto& [id, observer] : observers) {
        observer(observation);
    }
    if (config_.mode != CameraMode::Continuous) {
        return;
    }
    for (const auto& code : tracker_.update(observation.result.codes)) {
        if (scansSuspended_) {
            continue;
        }
        ++stats_.scans;
        Scan scan;
        scan.id = makeScanId();
        scan.data = code.text;
        scan.symbology = code.symbology;
        scan.device = config_.name;
        scan.readAt = std::chrono::system_clock::now();
        cameraLogger()->debug("{}: {} {} {}", config_.name, code.format, code.symbology,
                              escapeBytes(code.text));
        if (sink_.onScan) {
            sink_.onScan(std::move(scan));
        }
    }
}

}  // namespace station::vision
