#pragma once

#include <toml++/toml.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace station::vision {

// Where frames come from.
enum class FrameSourceKind {
    Device,  // a V4L2 camera by stable path (/dev/v4l/by-id/...) or index ("0")
    File,    // a video file, read once (or in a loop)
    Folder,  // a folder of images, read in name order
    Stream,  // a network stream URL (rtsp://, http://), reopened when it drops
};

// Continuous: a code read in `stableFrames` frames in a row becomes a scan. Verify: frames are
// decoded only while a verification collects. Verifications can be triggered in both modes.
enum class CameraMode { Continuous, Verify };

// The [camera] table of the station configuration.
struct CameraConfig {
    bool enabled = false;
    std::string name = "camera";  // device name in scans, logs and events
    FrameSourceKind kind = FrameSourceKind::Device;
    std::string source = "0";  // device path or index, file, folder or URL
    CameraMode mode = CameraMode::Continuous;

    // Capture settings; devices get them through V4L2, file and folder sources are paced at
    // `fps` (0 reads them as fast as the decoders take them).
    int width = 1280;
    int height = 720;
    double fps = 30.0;
    std::optional<double> exposure;  // V4L2 exposure_time_absolute units (100 us); none: auto
    std::optional<double> focus;     // V4L2 focus_absolute; none: autofocus
    bool loop = false;               // replay a file or folder source from the start at its end

    // Continuous mode: frames in a row a code must be read in before it becomes a scan, and
    // frames it must be absent before the same code can become a scan again.
    int stableFrames = 3;
    int forgetFrames = 30;
    // Mean absolute difference, in gray levels on a thumbnail, below which a frame counts as
    // unchanged and reuses the previous decode.
    double sceneThreshold = 1.5;

    int workers = 2;
    std::size_t queueDepth = 2;
    std::chrono::milliseconds decodeTimeout{3000};
    std::uint32_t retryBudgetMs = 25;

    // Verify mode: the set of codes must stay the same for `verifyStableFrames` decoded frames,
    // and collection gives up after `verifyTimeout`.
    int verifyStableFrames = 3;
    std::chrono::milliseconds verifyTimeout{5000};
    // A scanned code with this content, from any scanner, verifies the open order; empty: off.
    std::string verifyCode = "VERIFY";

    std::filesystem::path evidenceDir;  // empty: <state dir>/evidence, resolved by the daemon
    int retentionDays = 90;             // evidence images older than this are deleted
    std::filesystem::path crashDir;     // frames that killed a decoder; empty: not recorded

    // Reopen backoff for a source that stopped delivering frames.
    std::chrono::milliseconds reopenInitial{500};
    std::chrono::milliseconds reopenMax{30000};
};

// A [camera] value that is missing, of the wrong type or out of range. what() names the key.
class CameraConfigError : public std::runtime_error {
public:
    CameraConfigError(std::string key, const std::string& problem);
    const std::string& key() const { return key_; }

private:
    std::string key_;
};

// Reads a [camera] table. Unknown keys are errors so that a misspelt key never passes
// silently. Throws CameraConfigError.
CameraConfig parseCameraConfig(const toml::table& camera);

std::string_view frameSourceKindName(FrameSourceKind kind);

}  // namespace station::vision
