#include "drivers/scan.hpp"

#include <array>
#include <cstdint>
#include <mutex>
#include <random>

namespace station {

std::string makeScanId() {
    // std::random_device reads the kernel's entropy source on Linux; seeding a 64-bit engine
    // once keeps the per-scan cost to two engine steps.
    static std::mutex mutex;
    static std::mt19937_64 engine = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();

    std::array<std::uint64_t, 2> words{};
    {
        std::lock_guard lock(mutex);
        words[0] = engine();
        words[1] = engine();
    }

    static constexpr char kHex[] = "0123456789abcdef";
    std::string id;
    id.reserve(32);
    for (std::uint64_t word : words) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            id.push_back(kHex[(word >> shift) & 0xF]);
        }
    }
    return id;
}

}  // namespace station
