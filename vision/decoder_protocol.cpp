#include "vision/decoder_protocol.hpp"

#include <cstring>

namespace station::vision {
namespace {

class Writer {
public:
    void u32(std::uint32_t value) { out_.append(reinterpret_cast<const char*>(&value), 4); }
    void i32(std::int32_t value) { u32(static_cast<std::uint32_t>(value)); }
    void f64(double value) { out_.append(reinterpret_cast<const char*>(&value), 8); }
    void str(std::string_view text) {
        u32(static_cast<std::uint32_t>(text.size()));
        out_.append(text);
    }
    void quad(const Quad& quad) {
        for (const Point& p : quad) {
            i32(p.x);
            i32(p.y);
        }
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}

    bool ok() const { return ok_; }

    std::uint32_t u32() {
        std::uint32_t value = 0;
        take(&value, 4);
        return value;
    }
    std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
    double f64() {
        double value = 0;
        take(&value, 8);
        return value;
    }
    std::string str() {
        std::uint32_t length = u32();
        if (!ok_ || length > in_.size()) {
            ok_ = false;
            return {};
        }
        std::string text(in_.substr(0, length));
        in_.remove_prefix(length);
        return text;
    }
    Quad quad() {
        Quad quad;
        for (Point& p : quad) {
            p.x = i32();
            p.y = i32();
        }
        return quad;
    }

private:
    void take(void* value, size_t size) {
        if (!ok_ || in_.size() < size) {
            ok_ = false;
            return;
        }
        std::memcpy(value, in_.data(), size);
        in_.remove_prefix(size);
    }

    std::string_view in_;
    bool ok_ = true;
};

// No frame has more codes or regions than this, so a larger count means corrupt data.
constexpr std::uint32_t kMaxItems = 4096;

}  // namespace

std::string encodeFrameResult(const FrameResult& result) {
    Writer out;
    out.f64(result.milliseconds);
    out.f64(result.cpuMilliseconds);
    out.i32(result.retryAttempts);
    out.i32(result.rejected);
    out.u32(static_cast<std::uint32_t>(result.codes.size()));
    for (const auto& code : result.codes) {
        out.str(code.format);
        out.str(code.text);
        out.str(code.symbology);
        out.str(code.method);
        out.quad(code.corners);
    }
    out.u32(static_cast<std::uint32_t>(result.unreadable.size()));
    for (const auto& region : result.unreadable) {
        out.quad(region.corners);
    }
    return out.take();
}

std::optional<FrameResult> decodeFrameResult(std::string_view bytes) {
    Reader in(bytes);
    FrameResult result;
    result.milliseconds = in.f64();
    result.cpuMilliseconds = in.f64();
    result.retryAttempts = in.i32();
    result.rejected = in.i32();
    std::uint32_t codes = in.u32();
    if (!in.ok() || codes > kMaxItems) {
        return std::nullopt;
    }
    for (std::uint32_t i = 0; i < codes && in.ok(); ++i) {
        DecodedCode code;
        code.format = in.str();
        code.text = in.str();
        code.symbology = in.str();
        code.method = in.str();
        code.corners = in.quad();
        result.codes.push_back(std::move(code));
    }
    std::uint32_t regions = in.u32();
    if (!in.ok() || regions > kMaxItems) {
        return std::nullopt;
    }
    for (std::uint32_t i = 0; i < regions && in.ok(); ++i) {
        result.unreadable.push_back({in.quad()});
    }
    if (!in.ok()) {
        return std::nullopt;
    }
    return result;
}

}  // namespace station::vision
