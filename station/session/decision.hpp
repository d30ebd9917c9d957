#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace station::session {

// The station's decision on one scan. `outcome` and `reason` are stable tokens for programs;
// `message` is for the packer's screen.
struct Decision {
    std::string scanId;
    // accepted, rejected, order_opened, order_closed, order_resumed
    std::string outcome;
    // Empty when accepted; otherwise one of: parse_error, no_open_order, wrong_item,
    // quantity_exceeded, duplicate_serial, serial_missing, lot_missing, expiry_missing, expired,
    // shelf_life_too_short, fefo, on_hold, duplicate_serial, order_closed, order_incomplete,
    // nothing_to_close, nothing_to_undo, store_failed.
    std::string reason;
    std::string message;
    std::optional<std::string> orderNumber;
    std::optional<std::int64_t> linkId;
    std::optional<std::int64_t> printJobId;
    // True when this scan's unit completed its order and the order closed.
    bool orderCompleted = false;
    // True when this scan id had been decided before and the stored decision was returned.
    bool replayed = false;

    bool good() const { return outcome != "rejected"; }
};

}  // namespace station::session
