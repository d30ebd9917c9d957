#include "drivers/scan_framer.hpp"

#include <algorithm>
#include <utility>

namespace station::drivers {

ScanFramer::ScanFramer(FramerOptions options) : options_(std::move(options)) {}

std::vector<Frame> ScanFramer::feed(std::string_view bytes) {
    std::vector<Frame> frames;
    for (char byte : bytes) {
        if (options_.anyLineEnd && (byte == '\r' || byte == '\n')) {
            endScan(frames, 0);
            continue;
        }

        switch (options_.suffix) {
            case config::Suffix::Cr:
            case config::Suffix::Lf:
            case config::Suffix::Tab: {
                const char suffix = options_.suffix == config::Suffix::Cr   ? '\r'
                                    : options_.suffix == config::Suffix::Lf ? '\n'
                                                                            : '\t';
                if (byte == suffix) {
                    endScan(frames, 0);
                } else {
                    append(byte);
                }
                break;
            }
            case config::Suffix::CrLf:
                if (byte == '\n' && lastWasCr_) {
                    // The CR of the pair is already buffered as the scan's last byte.
                    endScan(frames, 1);
                } else {
                    append(byte);
                    lastWasCr_ = byte == '\r';
                }
                break;
        }
    }
    return frames;
}

std::vector<Frame> ScanFramer::flush() {
    std::vector<Frame> frames;
    if (pendingLength() > 0) {
        endScan(frames, 0);
    }
    return frames;
}

std::size_t ScanFramer::discardPartial() {
    const std::size_t length = pendingLength();
    buffer_.clear();
    overflowLength_ = 0;
    lastWasCr_ = false;
    return length;
}

std::size_t ScanFramer::maxBuffered() const {
    // Room for the prefix and for the CR of a CR LF suffix, which are not part of the scan.
    const std::size_t crOfPair = options_.suffix == config::Suffix::CrLf ? 1 : 0;
    return options_.prefix.size() + options_.maxLength + crOfPair;
}

void ScanFramer::append(char byte) {
    if (overflowLength_ > 0) {
        ++overflowLength_;
        if (buffer_.size() < kRejectedSampleLength) {
            buffer_.push_back(byte);
        }
        return;
    }

    buffer_.push_back(byte);
    if (buffer_.size() > maxBuffered()) {
        // Over the limit whatever the prefix turns out to be: keep counting, stop storing.
        overflowLength_ = buffer_.size();
        buffer_.resize(std::min(buffer_.size(), kRejectedSampleLength));
    }
}

void ScanFramer::endScan(std::vector<Frame>& frames, std::size_t suffixBytesInBuffer) {
    if (overflowLength_ > 0) {
        frames.push_back({Frame::Kind::Rejected, buffer_, overflowLength_ - suffixBytesInBuffer});
        discardPartial();
        return;
    }

    std::string data = std::move(buffer_);
    discardPartial();
    data.resize(data.size() - suffixBytesInBuffer);
    const std::size_t rawLength = data.size();

    const std::string& prefix = options_.prefix;
    if (!prefix.empty() && data.starts_with(prefix)) {
        data.erase(0, prefix.size());
    }
    if (data.empty()) {
        return;
    }

    if (data.size() > options_.maxLength) {
        data.resize(std::min(data.size(), kRejectedSampleLength));
        frames.push_back({Frame::Kind::Rejected, std::move(data), rawLength});
        return;
    }
    frames.push_back({Frame::Kind::Scan, std::move(data), 0});
}

}  // namespace station::drivers
