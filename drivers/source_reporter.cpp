#include "drivers/source_reporter.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "drivers/scanner_log.hpp"

namespace station::drivers {

SourceReporter::SourceReporter(std::string name, std::string identity, ScanSink sink)
    : name_(std::move(name)),
      identity_(std::move(identity)),
      sink_(std::move(sink)),
      logger_(scannerLogger()) {}

void SourceReporter::setIdentity(std::string identity) {
    identity_ = std::move(identity);
}

void SourceReporter::scan(std::string data, std::string symbology) {
    Scan scan;
    scan.id = makeScanId();
    scan.data = std::move(data);
    scan.symbology = std::move(symbology);
    scan.device = name_;
    scan.readAt = std::chrono::system_clock::now();

    logger_->debug("{}: Scan {} of {} bytes{}{}: {}", identity_, scan.id, scan.data.size(),
                   scan.symbology.empty() ? "" : ", symbology ", escapeForLog(scan.symbology),
                   escapeForLog(scan.data));
    if (sink_.onScan) {
        sink_.onScan(std::move(scan));
    }
}

void SourceReporter::frames(std::vector<Frame> frames) {
    for (Frame& frame : frames) {
        if (frame.kind == Frame::Kind::Scan) {
            scan(std::move(frame.data));
            continue;
        }
        event(DeviceEvent::Kind::ScanRejected,
              fmt::format("Rejected a scan of {} bytes, longer than the maximum length; it "
                          "starts with {}; raise max_length if such codes are expected",
                          frame.rejectedLength, escapeForLog(frame.data)));
    }
}

void SourceReporter::partialDiscarded(std::size_t length, const std::string& reason) {
    if (length == 0) {
        return;
    }
    event(DeviceEvent::Kind::ScanRejected,
          fmt::format("Discarded an incomplete scan of {} bytes: {}; scan the code again", length,
                      reason));
}

void SourceReporter::event(DeviceEvent::Kind kind, const std::string& detail) {
    switch (kind) {
        case DeviceEvent::Kind::Connected:
        case DeviceEvent::Kind::Disconnected:
            logger_->info("{}: {}", identity_, detail);
            break;
        case DeviceEvent::Kind::Error:
        case DeviceEvent::Kind::ScanRejected:
            logger_->warn("{}: {}", identity_, detail);
            break;
    }
    if (sink_.onEvent) {
        sink_.onEvent(DeviceEvent{name_, kind, detail});
    }
}

}  // namespace station::drivers
