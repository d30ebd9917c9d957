#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/station_config.hpp"

namespace station::drivers {

struct FramerOptions {
    config::Suffix suffix = config::Suffix::Cr;
    // Scans longer than this many bytes (prefix excluded) are rejected whole.
    std::size_t maxLength = 4096;
    // Vendor prefix removed from the start of each scan when present.
    std::string prefix;
    // Also end a scan at any CR or LF, whatever the suffix. Text streams (terminals, scripts)
    // end lines with LF, or CR LF, and a scan in them never contains either.
    bool anyLineEnd = false;
};

// One framing outcome, in the order the bytes arrived.
struct Frame {
    enum class Kind { Scan, Rejected };

    Kind kind = Kind::Scan;
    // Kind::Scan: the scan's bytes, prefix and suffix removed. Kind::Rejected: the first bytes of
    // the rejected scan (at most kRejectedSampleLength), raw, for an escaped log line.
    std::string data;
    // Kind::Rejected: how many bytes the rejected scan had, prefix included.
    std::size_t rejectedLength = 0;
};

// Cuts a byte stream into scans. A scan ends at the configured suffix: CR, LF, CR LF or TAB.
//
// Rules, each covered by tests/drivers/scan_framer_test.cpp:
// - GS (0x1D), RS (0x1E), EOT (0x04) and every other byte that is not the suffix stay in the scan.
// - With the CR LF suffix only the pair ends a scan. A CR not followed by LF, and an LF not
//   preceded by CR, are kept as data. A scanner set to CR LF always sends the pair, so a lone CR
//   or LF belongs to the content, and treating it as a boundary could split one scan in two.
// - The vendor prefix is removed when the scan starts with it; a scan without it is kept as is.
// - A scan longer than maxLength is rejected whole when its suffix arrives: one Rejected frame,
//   nothing of it delivered, never truncated and never merged with the next scan. Memory stays
//   bounded while the rest of it is discarded.
// - An empty scan (a lone suffix, or only the prefix) produces nothing.
// - Bytes after the last suffix wait for more input; flush() ends them as a scan (inter-key gap
//   framing), discardPartial() drops them (device lost mid-scan).
class ScanFramer {
public:
    static constexpr std::size_t kRejectedSampleLength = 32;

    explicit ScanFramer(FramerOptions options);

    // Appends bytes and returns the scans and rejections they complete, in order.
    std::vector<Frame> feed(std::string_view bytes);

    // Ends the pending bytes as a scan, as if the suffix had arrived. Returns no frame when
    // nothing is pending.
    std::vector<Frame> flush();

    // Drops the pending bytes and returns how many there were (0 when nothing was pending).
    std::size_t discardPartial();

    // Bytes received since the last scan boundary.
    std::size_t pendingLength() const {
        return overflowLength_ > 0 ? overflowLength_ : buffer_.size();
    }

    const FramerOptions& options() const { return options_; }

private:
    void append(char byte);
    void endScan(std::vector<Frame>& frames, std::size_t suffixBytesInBuffer);
    std::size_t maxBuffered() const;

    FramerOptions options_;
    std::string buffer_;
    // Non-zero once the pending scan is over the limit: its total length so far. The buffer then
    // keeps only the sample for the rejection report.
    std::size_t overflowLength_ = 0;
    bool lastWasCr_ = false;
};

}  // namespace station::drivers
