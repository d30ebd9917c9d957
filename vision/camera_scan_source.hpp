#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <thread>

#include "drivers/scan_source.hpp"
#include "vision/camera_config.hpp"
#include "vision/code_tracker.hpp"
#include "vision/decoded_code.hpp"

namespace station::vision {

class DecodePool;
struct DecodeOutcome;

// One decoded camera frame, as observers see it.
struct FrameObservation {
    std::shared_ptr<const cv::Mat> frame;  // the BGR frame the result belongs to
    FrameResult result;
    bool reused = false;  // the scene had not changed, so the previous decode was reused
};

// Counters for logs, metrics and benchmarks.
struct CameraStats {
    std::uint64_t framesRead = 0;
    std::uint64_t framesDecoded = 0;
    std::uint64_t framesReused = 0;   // unchanged scene, previous decode reused
    std::uint64_t framesDropped = 0;  // replaced in the decode queue by a newer frame
    std::uint64_t decoderFailures = 0;
    std::uint64_t scans = 0;
    std::uint64_t reopens = 0;
};

// A camera that works as a hands-free scanner. A capture thread reads frames from the
// configured source and hands them to a DecodePool of worker processes; unchanged scenes are
// not decoded again. In continuous mode a code read in `stableFrames` frames in a row becomes
// one Scan, once, delivered to the sink on the io_context. A source that stops delivering
// frames is reopened with exponential backoff, with Disconnected and Connected events.
// Every method is called on the io_context thread; observers and the sink run there too.
class CameraScanSource : public drivers::ScanSource {
public:
    using Observer = std::function<void(const FrameObservation&)>;

    CameraScanSource(boost::asio::io_context& io, CameraConfig config, drivers::ScanSink sink);
    ~CameraScanSource() override;

    const std::string& name() const override { return config_.name; }
    void start() override;
    void stop() override;

    // Registers an observer of every decoded frame; returns an id for removeObserver(). In
    // verify mode frames are decoded only while an observer is registered.
    int addObserver(Observer observer);
    void removeObserver(int id);

    // While suspended, codes still update the tracker but become no scans, so that the codes a
    // verification decides do not also arrive as scans, now or when it ends.
    void suspendScans(bool suspended) { scansSuspended_ = suspended; }

    CameraStats stats() const;
    const CameraConfig& config() const { return config_; }

private:
    void captureLoop();
    bool waitFor(std::chrono::milliseconds delay);
    void postEvent(drivers::DeviceEvent::Kind kind, std::string detail);
    void handleOutcome(std::shared_ptr<const cv::Mat> frame, DecodeOutcome outcome);
    void handleReuse(std::shared_ptr<const cv::Mat> frame);
    void publish(const FrameObservation& observation);

    boost::asio::io_context& io_;
    CameraConfig config_;
    drivers::ScanSink sink_;
    std::unique_ptr<DecodePool> pool_;
    CodeTracker tracker_;
    std::map<int, Observer> observers_;
    int nextObserver_ = 1;
    std::atomic<int> observerCount_{0};  // read by the capture thread
    bool scansSuspended_ = false;
    FrameResult lastResult_;
    bool haveResult_ = false;
    // Expires when this object dies, so that handlers posted earlier do nothing.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);

    std::thread capture_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool running_ = false;

    struct AtomicStats {
        std::atomic<std::uint64_t> framesRead{0};
        std::atomic<std::uint64_t> framesDecoded{0};
        std::atomic<std::uint64_t> framesReused{0};
        std::atomic<std::uint64_t> framesDropped{0};
        std::atomic<std::uint64_t> decoderFailures{0};
        std::atomic<std::uint64_t> scans{0};
        std::atomic<std::uint64_t> reopens{0};
    } stats_;
};

}  // namespace station::vision
