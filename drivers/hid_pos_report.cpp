#include "drivers/hid_pos_report.hpp"

#include <algorithm>

namespace station::drivers {

namespace {

constexpr std::size_t kLengthOffset = 1;
constexpr std::size_t kSymbologyOffset = 2;
constexpr std::size_t kDataOffset = 5;
constexpr std::size_t kContinuationOffset = 63;

std::string symbologyOf(std::span<const std::uint8_t> report) {
    std::string symbology;
    for (std::size_t i = kSymbologyOffset; i < kDataOffset; ++i) {
        if (report[i] != 0) {
            symbology.push_back(static_cast<char>(report[i]));
        }
    }
    // Some scanners leave out the leading ']' of the AIM identifier.
    if (!symbology.empty() && symbology.front() != ']') {
        symbology.insert(symbology.begin(), ']');
    }
    return symbology;
}

}  // namespace

std::optional<HidPosAssembler::Result> HidPosAssembler::feed(std::span<const std::uint8_t> report) {
    if (report.empty() || report[0] != kScannedDataReportId) {
        return std::nullopt;
    }
    if (report.size() < kReportSize) {
        discardPartial();
        return Result{Result::Kind::Malformed,
                      {},
                      {},
                      0,
                      "scanned data report of " + std::to_string(report.size()) +
                          " bytes, expected " + std::to_string(kReportSize)};
    }
    const std::size_t count = report[kLengthOffset];
    if (count > kMaxDataPerReport) {
        discardPartial();
        return Result{Result::Kind::Malformed,
                      {},
                      {},
                      0,
                      "scanned data report claims " + std::to_string(count) +
                          " data bytes, more than the " + std::to_string(kMaxDataPerReport) +
                          " it can hold"};
    }

    if (!inScan_) {
        inScan_ = true;
        symbology_ = symbologyOf(report);
        data_.clear();
        length_ = 0;
    }
    length_ += count;
    if (length_ <= maxLength_) {
        data_.append(reinterpret_cast<const char*>(report.data() + kDataOffset), count);
    } else if (data_.size() > 32) {
        // Over the limit: keep only a sample for the rejection message.
        data_.resize(32);
    }

    const bool more = (report[kContinuationOffset] & 0x01) != 0;
    if (more) {
        return std::nullopt;
    }

    inScan_ = false;
    Result result;
    result.symbology = std::move(symbology_);
    if (length_ > maxLength_) {
        result.kind = Result::Kind::Rejected;
        result.length = length_;
        result.data = std::move(data_);
        return result;
    }
    if (length_ == 0) {
        return std::nullopt;
    }
    result.data = std::move(data_);
    return result;
}

std::size_t HidPosAssembler::discardPartial() {
    const std::size_t length = inScan_ ? length_ : 0;
    inScan_ = false;
    data_.clear();
    symbology_.clear();
    length_ = 0;
    return length;
}

bool declaresUsagePage(std::span<const std::uint8_t> reportDescriptor, std::uint16_t usagePage) {
    // Short items are a prefix byte (bits 0-1 size, 2-3 type, 4-7 tag) and 0, 1, 2 or 4 data
    // bytes. A long item starts with 0xFE, its data size, and a tag byte.
    static constexpr std::uint8_t kLongItem = 0xFE;
    static constexpr std::uint8_t kUsagePageItem = 0x04;  // type global (1), tag 0, size bits 0

    std::size_t i = 0;
    while (i < reportDescriptor.size()) {
        const std::uint8_t prefix = reportDescriptor[i];
        if (prefix == kLongItem) {
            if (i + 1 >= reportDescriptor.size()) {
                return false;
            }
            i += 3 + reportDescriptor[i + 1];
            continue;
        }

        const std::size_t size = (prefix & 0x03) == 3 ? 4 : (prefix & 0x03);
        if (i + 1 + size > reportDescriptor.size()) {
            return false;
        }
        if ((prefix & 0xFC) == kUsagePageItem && size > 0) {
            std::uint32_t value = 0;
            for (std::size_t b = 0; b < size; ++b) {
                value |= static_cast<std::uint32_t>(reportDescriptor[i + 1 + b]) << (8 * b);
            }
            if (value == usagePage) {
                return true;
            }
        }
        i += 1 + size;
    }
    return false;
}

}  // namespace station::drivers
