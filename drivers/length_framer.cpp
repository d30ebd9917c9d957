#include "drivers/length_framer.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace station::drivers {

LengthFramer::LengthFramer(std::size_t lengthBytes, FramerOptions options)
    : lengthBytes_(lengthBytes), options_(std::move(options)) {
    if (lengthBytes_ != 2 && lengthBytes_ != 4) {
        throw std::invalid_argument("length prefix must be 2 or 4 bytes, not " +
                                    std::to_string(lengthBytes_));
    }
}

std::vector<Frame> LengthFramer::feed(std::string_view bytes) {
    std::vector<Frame> frames;
    while (!bytes.empty()) {
        if (!inScan_) {
            const std::size_t take = std::min(lengthBytes_ - header_.size(), bytes.size());
            header_.append(bytes.substr(0, take));
            bytes.remove_prefix(take);
            if (header_.size() < lengthBytes_) {
                break;
            }
            expected_ = 0;
            for (char byte : header_) {
                expected_ = (expected_ << 8) | static_cast<unsigned char>(byte);
            }
            header_.clear();
            received_ = 0;
            if (expected_ == 0) {
                continue;
            }
            inScan_ = true;
            rejecting_ = expected_ > options_.prefix.size() + options_.maxLength;
            buffer_.clear();
        }

        const std::size_t take = std::min(expected_ - received_, bytes.size());
        if (!rejecting_) {
            buffer_.append(bytes.substr(0, take));
        } else if (buffer_.size() < ScanFramer::kRejectedSampleLength) {
            buffer_.append(bytes.substr(
                0, std::min(take, ScanFramer::kRejectedSampleLength - buffer_.size())));
        }
        received_ += take;
        bytes.remove_prefix(take);
        if (received_ == expected_) {
            finishScan(frames);
        }
    }
    return frames;
}

void LengthFramer::finishScan(std::vector<Frame>& frames) {
    inScan_ = false;
    if (rejecting_) {
        frames.push_back({Frame::Kind::Rejected, std::move(buffer_), expected_});
        buffer_.clear();
        return;
    }

    std::string data = std::move(buffer_);
    buffer_.clear();
    if (!options_.prefix.empty() && data.starts_with(options_.prefix)) {
        data.erase(0, options_.prefix.size());
    }
    if (data.empty()) {
        return;
    }
    if (data.size() > options_.maxLength) {
        const std::size_t length = data.size();
        data.resize(ScanFramer::kRejectedSampleLength < length ? ScanFramer::kRejectedSampleLength
                                                               : length);
        frames.push_back({Frame::Kind::Rejected, std::move(data), length});
        return;
    }
    frames.push_back({Frame::Kind::Scan, std::move(data), 0});
}

std::size_t LengthFramer::discardPartial() {
    const std::size_t length = pendingLength();
    header_.clear();
    buffer_.clear();
    inScan_ = false;
    rejecting_ = false;
    received_ = 0;
    expected_ = 0;
    return length;
}

}  // namespace station::drivers
