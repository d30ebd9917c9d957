#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "vision/camera_config.hpp"

namespace cv {
class VideoCapture;
}

namespace station::vision {

// Frames from a V4L2 device, a video file, a folder of images or a network stream, all through
// OpenCV. Blocking: call it from a capture thread, never from an io_context thread.
class FrameSource {
public:
    enum class ReadStatus {
        Frame,  // `frame` is a new BGR frame
        End,    // a file or folder source has no more frames
        Lost,   // the device or stream stopped delivering frames; reopen it
    };

    explicit FrameSource(const CameraConfig& config);
    ~FrameSource();

    // Opens the source and applies the capture settings. Returns false with `error` set.
    bool open(std::string& error);
    ReadStatus read(cv::Mat& frame);
    void close();

    // The source as it appears in logs: the device path, file, folder or URL.
    const std::string& identity() const { return config_.source; }

private:
    bool openCapture(std::string& error);
    bool openFolder(std::string& error);

    CameraConfig config_;
    std::unique_ptr<cv::VideoCapture> capture_;
    std::vector<std::filesystem::path> images_;
    std::size_t nextImage_ = 0;
    std::chrono::steady_clock::time_point nextFrameAt_{};
};

}  // namespace station::vision
