#include "vision/frame_source.hpp"

#include <algorithm>
#include <cctype>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <thread>

namespace station::vision {
namespace {

bool isImageFile(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg" ||
           extension == ".bmp" || extension == ".webp" || extension == ".tif" ||
           extension == ".tiff" || extension == ".pgm";
}

bool isIndex(const std::string& text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

FrameSource::FrameSource(const CameraConfig& config) : config_(config) {}

FrameSource::~FrameSource() {
    close();
}

bool FrameSource::open(std::string& error) {
    close();
    nextFrameAt_ = std::chrono::steady_clock::now();
    if (config_.kind == FrameSourceKind::Folder) {
        return openFolder(error);
    }
    return openCapture(error);
}

bool FrameSource::openFolder(std::string& error) {
    std::error_code code;
    images_.clear();
    for (const auto& entry : std::filesystem::directory_iterator(config_.source, code)) {
        if (entry.is_regular_file() && isImageFile(entry.path())) {
            images_.push_back(entry.path());
        }
    }
    if (code) {
        error = "Failed to open image folder " + config_.source + ": " + code.message();
        return false;
    }
    if (images_.empty()) {
        error = "Image folder " + config_.source + " contains no PNG, JPEG or WebP images";
        return false;
    }
    std::sort(images_.begin(), images_.end());
    nextImage_ = 0;
    return true;
}

bool FrameSource::openCapture(std::string& error) {
    capture_ = std::make_unique<cv::VideoCapture>();
    bool opened = false;
    try {
        if (config_.kind == FrameSourceKind::Device) {
            opened = isIndex(config_.source)
                         ? capture_->open(std::stoi(config_.source), cv::CAP_V4L2)
                         : capture_->open(config_.source, cv::CAP_V4L2);
        } else {
            opened = capture_->open(config_.source, cv::CAP_ANY);
        }
    } catch (const cv::Exception& exception) {
        error = "Failed to open " + std::string(frameSourceKindName(config_.kind)) + " " +
                config_.source + ": " + exception.what();
        capture_.reset();
        return false;
    }
    if (!opened) {
        error = "Failed to open " + std::string(frameSourceKindName(config_.kind)) + " " +
                config_.source + ": OpenCV VideoCapture could not open it; check the path, " +
                "the permissions and that no other program holds the device";
        capture_.reset();
        return false;
    }

    if (config_.kind == FrameSourceKind::Device) {
        capture_->set(cv::CAP_PROP_FOURCC, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'));
        capture_->set(cv::CAP_PROP_FRAME_WIDTH, config_.width);
        capture_->set(cv::CAP_PROP_FRAME_HEIGHT, config_.height);
        capture_->set(cv::CAP_PROP_FPS, config_.fps);
        // A one-frame driver buffer keeps the newest frame at the head; stale frames are
        // dropped by the camera rather than queued.
        capture_->set(cv::CAP_PROP_BUFFERSIZE, 1);
        if (config_.exposure) {
            capture_->set(cv::CAP_PROP_AUTO_EXPOSURE, 1);  // V4L2 manual mode
            capture_->set(cv::CAP_PROP_EXPOSURE, *config_.exposure);
        }
        if (config_.focus) {
            capture_->set(cv::CAP_PROP_AUTOFOCUS, 0);
            capture_->set(cv::CAP_PROP_FOCUS, *config_.focus);
        }
    }
    return true;
}

FrameSource::ReadStatus FrameSource::read(cv::Mat& frame) {
    // Files and folders play at the configured frame rate, as a camera would deliver them.
    bool paced = config_.kind == FrameSourceKind::File || config_.kind == FrameSourceKind::Folder;
    if (paced && config_.fps > 0) {
        std::this_thread::sleep_until(nextFrameAt_);
        nextFrameAt_ += std::chrono::microseconds(static_cast<long>(1e6 / config_.fps));
    }

    if (config_.kind == FrameSourceKind::Folder) {
        if (nextImage_ >= images_.size()) {
            return ReadStatus::End;
        }
        frame = cv::imread(images_[nextImage_++].string(), cv::IMREAD_COLOR);
        // An unreadable image is skipped with an empty frame rather than ending the folder.
        return ReadStatus::Frame;
    }

    if (!capture_) {
        return ReadStatus::Lost;
    }
    bool ok = false;
    try {
        ok = capture_->read(frame);
    } catch (const cv::Exception&) {
        ok = false;
    }
    if (ok && !frame.empty()) {
        return ReadStatus::Frame;
    }
    return config_.kind == FrameSourceKind::File ? ReadStatus::End : ReadStatus::Lost;
}

void FrameSource::close() {
    if (capture_) {
        capture_->release();
        capture_.reset();
    }
    images_.clear();
    nextImage_ = 0;
}

}  // namespace station::vision
