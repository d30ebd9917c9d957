#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <thread>
#include <vector>

#include "vision/decoded_code.hpp"

namespace station::vision {

class CameraScanSource;
struct FrameObservation;

// What a verification saw: every code read during the window, the frame used as evidence,
// the regions that looked like codes but did not decode, and the evidence JPEG.
struct VerifyCapture {
    std::string label;                         // as given to trigger(), e.g. the order number
    bool stable = false;                       // false: the window timed out while codes changed
    std::vector<DecodedCode> codes;            // one per distinct format and content
    std::vector<UnreadableRegion> unreadable;  // in the evidence frame, not covered by a code
    cv::Mat frame;                             // BGR evidence frame, without drawings
    std::filesystem::path evidencePath;        // empty when writing failed
    std::string evidenceError;                 // why writing failed
    int frames = 0;                            // decoded frames collected
    std::chrono::milliseconds elapsed{0};
};

struct VerifyOptions {
    // The set counts as stable when it has not grown for this many decoded frames in a row.
    int stableFrames = 3;
    std::chrono::milliseconds timeout{5000};
    std::filesystem::path evidenceDir;
    int retentionDays = 90;
};

// Collects codes from a camera over a short window on a trigger and returns the set with its
// evidence. The daemon compares the set with the order, because orders are not part of this class.
// Called on the io_context thread; `done` runs there too. The JPEG is written on a helper
// thread so that the event loop never waits on the disk.
class VerifyCollector {
public:
    using Done = std::function<void(VerifyCapture)>;

    VerifyCollector(boost::asio::io_context& io, CameraScanSource& camera, VerifyOptions options);
    ~VerifyCollector();

    // Starts collecting. Returns false, and does not call `done`, while another verification
    // is running.
    bool trigger(std::string label, Done done);
    bool busy() const { return active_ != nullptr; }

private:
    struct Session;

    void observe(const FrameObservation& observation);
    void finish(bool stable);

    boost::asio::io_context& io_;
    CameraScanSource& camera_;
    VerifyOptions options_;
    std::unique_ptr<Session> active_;
    std::thread writer_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace station::vision
