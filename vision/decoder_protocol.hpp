#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vision/decoded_code.hpp"

namespace station::vision {

// What a decoder worker runs on a frame.
enum class DecodeMode : std::uint32_t {
    Pipeline = 0,  // FrameDecoder: safe multi-code read plus the retry ladder
    Plain = 1,     // ZXing-cpp ReadBarcodes with default hints, for comparisons
    NoRetry = 2,   // FrameDecoder without the retry ladder
};

// Frame request sent to a worker over its socket. The pixels are in the shared memory file:
// `height` rows of `width` bytes, 8-bit grayscale, no padding.
struct DecodeRequest {
    static constexpr std::uint32_t kMagic = 0x53444652;  // "RFDS"
    std::uint32_t magic = kMagic;
    std::uint32_t sequence = 0;
    std::int32_t width = 0;
    std::int32_t height = 0;
    DecodeMode mode = DecodeMode::Pipeline;
    std::uint32_t retryBudgetMs = 25;
};

// Reply header; `length` bytes of encodeFrameResult() output follow it.
struct DecodeReplyHeader {
    static constexpr std::uint32_t kMagic = 0x53445250;  // "PRDS"
    std::uint32_t magic = kMagic;
    std::uint32_t sequence = 0;
    std::uint32_t length = 0;
};

// Serialises a frame result in a length-prefixed binary form that keeps every byte of the
// decoded text.
std::string encodeFrameResult(const FrameResult& result);

// Parses encodeFrameResult() output; returns nothing when it is truncated or malformed.
std::optional<FrameResult> decodeFrameResult(std::string_view bytes);

}  // namespace station::vision
