#pragma once

#include <memory>

#include "config/station_config.hpp"
#include "drivers/scan_source.hpp"

namespace boost::asio {
class io_context;
}

namespace station::drivers {

// Creates the source for one configured scanner, not yet started. The source runs on io, calls
// sink on io's thread, and stops when the returned pointer is destroyed (handlers already queued
// finish first, without calling the sink).
//
// Throws std::invalid_argument for a configuration the scanner kind cannot use, with the
// scanner's name and what to change.
std::unique_ptr<ScanSource> makeScanSource(boost::asio::io_context& io,
                                           const config::ScannerConfig& config, ScanSink sink);

}  // namespace station::drivers
