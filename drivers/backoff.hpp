#pragma once

#include <algorithm>
#include <chrono>

namespace station::drivers {

// Delays between reconnection attempts: doubling from the first to the maximum.
class Backoff {
public:
    Backoff(std::chrono::milliseconds first, std::chrono::milliseconds max)
        : first_(first), max_(max), next_(first) {}

    // Returns the delay before the next attempt and doubles the one after it.
    std::chrono::milliseconds next() {
        const auto delay = next_;
        next_ = std::min(next_ * 2, max_);
        return delay;
    }

    void reset() { next_ = first_; }

private:
    std::chrono::milliseconds first_;
    std::chrono::milliseconds max_;
    std::chrono::milliseconds next_;
};

}  // namespace station::drivers
