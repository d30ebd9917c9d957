#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/scan_framer.hpp"

namespace station::drivers {

// Cuts a byte stream into scans that each follow a big-endian length of 2 or 4 bytes, as network
// readers send them when set to length framing. The content may then contain any byte, CR and LF
// included. A scan longer than maxLength is rejected whole and its bytes are skipped. A zero
// length produces nothing. The vendor prefix is removed as ScanFramer removes it.
class LengthFramer {
public:
    // Throws std::invalid_argument unless lengthBytes is 2 or 4.
    LengthFramer(std::size_t lengthBytes, FramerOptions options);

    std::vector<Frame> feed(std::string_view bytes);

    std::size_t discardPartial();

    // Bytes received since the last scan boundary, length field included.
    std::size_t pendingLength() const { return header_.size() + received_; }

private:
    void finishScan(std::vector<Frame>& frames);

    std::size_t lengthBytes_;
    FramerOptions options_;
    std::string header_;
    std::size_t expected_ = 0;  // content length of the scan being read
    std::size_t received_ = 0;  // content bytes of it received so far
    bool inScan_ = false;
    bool rejecting_ = false;
    std::string buffer_;
};

}  // namespace station::drivers
