#include "vision/frame_decoder.hpp"

#include <ZXing/ReadBarcode.h>
#include <time.h>

#include <algorithm>
#include <functional>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "vision/code_validation.hpp"
#include "vision/region_finder.hpp"

namespace station::vision {
namespace {

using Clock = std::chrono::steady_clock;

// The retry budget counts CPU time of the decoding thread, not wall time, so that a loaded
// machine gets the same decodes, only later, and results do not depend on the load.
std::chrono::nanoseconds threadCpuTime() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// The symbologies a packing station reads, split the way the safe read below needs them.
// Aztec, MaxiCode and the rest stay off so that they cannot produce false reads.
constexpr ZXing::BarcodeFormats kMatrixFormats =
    ZXing::BarcodeFormat::DataMatrix | ZXing::BarcodeFormat::QRCode | ZXing::BarcodeFormat::PDF417;
constexpr ZXing::BarcodeFormats kDataBarFormats =
    ZXing::BarcodeFormat::DataBar | ZXing::BarcodeFormat::DataBarExpanded;
constexpr ZXing::BarcodeFormats kOtherLinearFormats =
    ZXing::BarcodeFormat::Code128 | ZXing::BarcodeFormat::EAN13 | ZXing::BarcodeFormat::EAN8 |
    ZXing::BarcodeFormat::UPCA | ZXing::BarcodeFormat::UPCE | ZXing::BarcodeFormat::ITF |
    ZXing::BarcodeFormat::Code39;

// A linear search stops after this many reads of one image.
constexpr int kMaxLinearReads = 12;

cv::Mat toGray(const cv::Mat& image) {
    if (image.channels() == 1) {
        return image;
    }
    cv::Mat gray;
    cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    return gray;
}

// Maps a point from a transformed crop back to the frame.
struct CropMapping {
    int left = 0;
    int top = 0;
    int pad = 0;
    double scale = 1.0;

    Point toFrame(const ZXing::PointI& p) const {
        return {int(p.x / scale) - pad + left, int(p.y / scale) - pad + top};
    }
};

// Application identifiers whose values have a predefined length, by their first two digits
// (GS1 General Specifications, figure 7.8.5-2); no FNC1 follows them.
bool hasPredefinedLength(std::string_view ai) {
    static constexpr std::string_view kPrefixes[] = {"00", "01", "02", "03", "04", "11", "12", "13",
                                                     "14", "15", "16", "17", "18", "19", "20", "31",
                                                     "32", "33", "34", "35", "36", "41"};
    return std::find(std::begin(kPrefixes), std::end(kPrefixes), ai.substr(0, 2)) !=
           std::end(kPrefixes);
}

// ZXing-cpp 1.4 returns GS1 DataBar content in its human-readable form, "(01)...(21)...".
// Scanners transmit the element string, with GS after every variable-length value that is
// not last, so convert to that.
std::string elementStringFromHri(std::string_view hri) {
    std::string out;
    std::string_view lastAi;
    size_t pos = 0;
    while (pos < hri.size() && hri[pos] == '(') {
        size_t close = hri.find(')', pos);
        if (close == std::string_view::npos) {
            return std::string(hri);
        }
        if (!lastAi.empty() && !hasPredefinedLength(lastAi)) {
            out.push_back('\x1D');
        }
        lastAi = hri.substr(pos + 1, close - pos - 1);
        size_t next = hri.find('(', close);
        out.append(lastAi);
        out.append(hri.substr(close + 1, next - close - 1));
        pos = next == std::string_view::npos ? hri.size() : next;
    }
    return pos == hri.size() ? out : std::string(hri);
}

DecodedCode toCode(const ZXing::Result& result, const CropMapping& mapping) {
    DecodedCode code;
    code.format = ZXing::ToString(result.format());
    const ZXing::ByteArray& bytes = result.bytes();
    code.text.assign(bytes.begin(), bytes.end());
    if (result.format() == ZXing::BarcodeFormat::DataBarExpanded && !code.text.empty() &&
        code.text.front() == '(') {
        code.text = elementStringFromHri(code.text);
    }
    // GS1 DataBar Omnidirectional carries a GTIN only; ZXing-cpp 1.4 returns its 14 digits
    // without the AI that scanners put in front.
    if (result.format() == ZXing::BarcodeFormat::DataBar && code.text.size() == 14) {
        code.text = "01" + code.text;
    }
    code.symbology = result.symbologyIdentifier();
    const auto& position = result.position();
    for (size_t i = 0; i < 4; ++i) {
        code.corners[i] = mapping.toFrame(position[int(i)]);
    }
    return code;
}

ZXing::Results readBarcodes(const cv::Mat& gray, const ZXing::DecodeHints& hints) {
    cv::Mat continuous = gray.isContinuous() ? gray : gray.clone();
    ZXing::ImageView view(continuous.data, continuous.cols, continuous.rows,
                          ZXing::ImageFormat::Lum, int(continuous.step));
    return ZXing::ReadBarcodes(view, hints);
}

// Returns true when two reads lie within the length of the first one from each other, so
// that two units with the same EAN-13 side by side stay two reads.
bool isNear(const ZXing::Position& a, const ZXing::Position& b) {
    auto centre = [](const ZXing::Position& p) {
        return cv::Point2d((p[0].x + p[1].x + p[2].x + p[3].x) / 4.0,
                           (p[0].y + p[1].y + p[2].y + p[3].y) / 4.0);
    };
    cv::Point2d d = centre(a) - centre(b);
    double length = std::hypot(a[1].x - a[0].x, a[1].y - a[0].y);
    return std::hypot(d.x, d.y) < std::max(40.0, length);
}

// The area of a linear code as a rectangle along its scan line: `reach` times the symbol
// length to either side of the line, and `pad` times the length beyond each end. A linear
// result's position covers only the scan lines that read it, so the area extends across the
// bars.
std::vector<cv::Point> linearArea(const ZXing::Position& position, double reach, double pad) {
    cv::Point2d a((position[0].x + position[3].x) / 2.0, (position[0].y + position[3].y) / 2.0);
    cv::Point2d b((position[1].x + position[2].x) / 2.0, (position[1].y + position[2].y) / 2.0);
    cv::Point2d along = b - a;
    double length = std::max(1.0, std::hypot(along.x, along.y));
    cv::Point2d across(-along.y / length, along.x / length);
    double half = std::max(20.0, reach * length);
    cv::Point2d ends = along * pad;
    return {a - ends - across * half, b + ends - across * half, b + ends + across * half,
            a - ends + across * half};
}

// Paints over a linear code so that the next search finds the others.
void maskCode(cv::Mat& gray, const ZXing::Position& position, double reach) {
    cv::fillConvexPoly(gray, linearArea(position, reach, 0.08), cv::Scalar(cv::mean(gray)[0]));
}

// Debian 12 builds ZXing-cpp 1.4.0 with assertions on, and ReadBarcodes aborts the process in
// Result::operator== ("lineCount() == 1") when its linear reader compares a read with one
// already confirmed on several scan lines. That happens on most frames with a GS1 DataBar or
// EAN-8 symbol and on many with two or more linear symbols. Matrix codes never take that path,
// so they are read over the whole image in one pass. Linear codes are read one at a time with
// maxNumberOfSymbols 1, so the reader returns as soon as one read has its minimum line count
// and never compares with a confirmed one, and each read is painted out before the next search.
// No test frame or sample photograph aborts this way, but it is not a guarantee, which is why
// decoding runs in workers.
ZXing::Results readMatrix(const cv::Mat& gray, const ZXing::DecodeHints& base) {
    ZXing::DecodeHints hints = base;
    hints.setFormats(kMatrixFormats);
    return readBarcodes(gray, hints);
}

// One rung of the retry ladder: a name and a transform of the padded crop.
struct RetryStep {
    const char* name;
    std::function<cv::Mat(const cv::Mat&)> apply;
};

const std::vector<RetryStep>& retrySteps() {
    static const std::vector<RetryStep> steps = {
        {"margin", [](const cv::Mat& crop) { return crop; }},
        {"upscale",
         [](const cv::Mat& crop) {
             cv::Mat out;
             cv::resize(crop, out, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
             return out;
         }},
        {"clahe",
         [](const cv::Mat& crop) {
             static thread_local cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(3.0, cv::Size(4, 4));
             cv::Mat out;
             clahe->apply(crop, out);
             return out;
         }},
        {"sharpen",
         [](const cv::Mat& crop) {
             cv::Mat blurred;
             cv::GaussianBlur(crop, blurred, cv::Size(0, 0), 2.0);
             cv::Mat out;
             cv::addWeighted(crop, 2.0, blurred, -1.0, 0, out);
             return out;
         }},
        {"invert",
         [](const cv::Mat& crop) {
             cv::Mat out;
             cv::bitwise_not(crop, out);
             return out;
         }},
    };
    return steps;
}

// Returns `read` when scan lines of `crop` away from the one that read it (`line`, in crop
// coordinates) read the same text, as they are or after CLAHE. The original line is painted
// out together with two pixels on either side, so that a defect along it cannot confirm
// itself.
std::optional<ZXing::Result> confirmElsewhere(const cv::Mat& crop, const ZXing::Result& read,
                                              const ZXing::Position& line,
                                              ZXing::DecodeHints hints) {
    cv::Point2d a((line[0].x + line[3].x) / 2.0, (line[0].y + line[3].y) / 2.0);
    cv::Point2d b((line[1].x + line[2].x) / 2.0, (line[1].y + line[2].y) / 2.0);
    cv::Point2d along = b - a;
    double length = std::max(1.0, std::hypot(along.x, along.y));
    cv::Point2d reach = along * (double(crop.cols + crop.rows) / length);
    cv::Mat others = crop.clone();
    cv::line(others, a - reach, b + reach, cv::Scalar(cv::mean(crop)[0]), 5);

    hints.setMinLineCount(1);
    for (const auto& step : retrySteps()) {
        std::string_view name = step.name;
        if (name != "margin" && name != "clahe") {
            continue;
        }
        ZXing::Results found = readBarcodes(step.apply(others), hints);
        if (!found.empty() && found.front().bytes() == read.bytes()) {
            return read;
        }
    }
    return std::nullopt;
}

// Confirms a single-line linear read by reading its area again, and returns the confirmed read
// in `gray` coordinates or nothing. A mod-10 check digit lets a single misread scan line
// through: on a photographed UPC-A, one line read a different number with a valid check
// digit. So a read of EAN/UPC, Code 128, ITF or Code 39 counts only when two scan lines agree
// on it, as plain ReadBarcodes requires (minLineCount 2), or when other scan lines read the
// same text (confirmElsewhere). Two agreeing lines win even where they differ from the first
// line, which was then the wrong one. GS1 DataBar reads are accepted on one line: each carries a
// mod-79 (Omnidirectional) or mod-211 (Expanded) check character on top of the GTIN check
// digit, and with two lines libzxing 1.4.0 aborts on DataBar photographs (see readMatrix).
std::optional<ZXing::Result> confirmLinear(const cv::Mat& gray, const ZXing::Result& read,
                                           const ZXing::DecodeHints& base) {
    if (kDataBarFormats.testFlag(read.format())) {
        return read;
    }
    cv::Rect area = cv::boundingRect(linearArea(read.position(), 0.35, 0.15));
    area &= cv::Rect(0, 0, gray.cols, gray.rows);
    if (area.empty()) {
        return std::nullopt;
    }
    ZXing::DecodeHints hints = base;
    hints.setFormats(kOtherLinearFormats);
    hints.setMaxNumberOfSymbols(1);
    hints.setMinLineCount(2);
    cv::Mat crop = gray(area);
    ZXing::Results found = readBarcodes(crop, hints);
    if (found.empty()) {
        ZXing::Position line = read.position();
        for (auto& point : line) {
            point += ZXing::PointI(-area.x, -area.y);
        }
        return confirmElsewhere(crop, read, line, hints);
    }
    ZXing::Result confirmed = found.front();
    ZXing::Position position = confirmed.position();
    for (auto& point : position) {
        point += ZXing::PointI(area.x, area.y);
    }
    confirmed.setPosition(position);
    return confirmed;
}

ZXing::Results readLinear(const cv::Mat& gray, const ZXing::DecodeHints& base, int maxReads) {
    ZXing::Results results;
    ZXing::DecodeHints hints = base;
    hints.setFormats(kOtherLinearFormats | kDataBarFormats);
    hints.setMaxNumberOfSymbols(1);
    hints.setMinLineCount(1);
    cv::Mat work;
    double reach = 0.35;
    for (int i = 0; i < maxReads; ++i) {
        const cv::Mat& image = work.empty() ? gray : work;
        ZXing::Results found = readBarcodes(image, hints);
        if (found.empty()) {
            break;
        }
        std::optional<ZXing::Result> result = confirmLinear(image, found.front(), base);
        if (work.empty()) {
            work = gray.clone();
        }
        if (!result) {
            maskCode(work, found.front().position(), 0.35);
            continue;
        }
        bool repeat = std::any_of(results.begin(), results.end(), [&](const ZXing::Result& r) {
            return r.format() == result->format() && r.bytes() == result->bytes() &&
                   isNear(r.position(), result->position());
        });
        // The same code again means the mask was too narrow; widen it instead of adding it.
        reach = repeat ? reach * 2 : 0.35;
        maskCode(work, result->position(), reach);
        if (!repeat) {
            results.push_back(*result);
        }
    }
    return results;
}

ZXing::Results readAll(const cv::Mat& gray, const ZXing::DecodeHints& base) {
    ZXing::Results results = readMatrix(gray, base);
    ZXing::Results linear = readLinear(gray, base, 2);
    results.insert(results.end(), linear.begin(), linear.end());
    return results;
}

bool sameCode(const DecodedCode& a, const DecodedCode& b) {
    if (a.format != b.format || a.text != b.text) {
        return false;
    }
    Point ca = centreOf(a.corners);
    Point cb = centreOf(b.corners);
    int dx = ca.x - cb.x;
    int dy = ca.y - cb.y;
    return dx * dx + dy * dy < 80 * 80;
}

bool covers(const CandidateRegion& region, const DecodedCode& code) {
    Point c = centreOf(code.corners);
    return c.x >= region.left && c.x < region.left + region.width && c.y >= region.top &&
           c.y < region.top + region.height;
}

// Crops a region with a margin around it and pads it with a quiet zone the colour of its
// brightest tenth, so that a symbol cut close by the region finder still has a quiet zone.
cv::Mat paddedCrop(const cv::Mat& gray, const CandidateRegion& region, CropMapping& mapping) {
    int margin = std::max(8, std::max(region.width, region.height) / 6);
    cv::Rect bounds(region.left - margin, region.top - margin, region.width + 2 * margin,
                    region.height + 2 * margin);
    bounds &= cv::Rect(0, 0, gray.cols, gray.rows);
    cv::Mat crop = gray(bounds);

    double low = 0;
    double high = 0;
    cv::minMaxLoc(crop, &low, &high);
    int pad = std::max(6, std::min(bounds.width, bounds.height) / 10);
    cv::Mat padded;
    cv::copyMakeBorder(crop, padded, pad, pad, pad, pad, cv::BORDER_CONSTANT, cv::Scalar(high));

    mapping = {bounds.x, bounds.y, pad, 1.0};
    return padded;
}

// Adds a read unless it repeats a known code or is not well-formed. Returns true when added.
bool addCode(FrameResult& frame, DecodedCode code, const char* method) {
    code.method = method;
    bool retried = std::string_view(method) != "plain";
    bool duplicate = std::any_of(frame.codes.begin(), frame.codes.end(),
                                 [&](const DecodedCode& c) { return sameCode(c, code); });
    if (duplicate) {
        return false;
    }
    if (!isWellFormed(code, retried)) {
        ++frame.rejected;
        return false;
    }
    frame.codes.push_back(std::move(code));
    return true;
}

bool looksInverted(const cv::Mat& gray, const CandidateRegion& region) {
    cv::Rect bounds(region.left, region.top, region.width, region.height);
    bounds &= cv::Rect(0, 0, gray.cols, gray.rows);
    int ring = std::max(2, std::min(bounds.width, bounds.height) / 12);
    if (bounds.width <= 2 * ring || bounds.height <= 2 * ring) {
        return false;
    }
    cv::Rect inner(bounds.x + ring, bounds.y + ring, bounds.width - 2 * ring,
                   bounds.height - 2 * ring);
    double whole = cv::sum(gray(bounds))[0];
    double middle = cv::sum(gray(inner))[0];
    double edgeMean = (whole - middle) / (double(bounds.area()) - double(inner.area()));
    double middleMean = middle / double(inner.area());
    return edgeMean + 10 < middleMean;
}

bool isKnown(const FrameResult& frame, const CandidateRegion& region) {
    return std::any_of(frame.codes.begin(), frame.codes.end(),
                       [&](const DecodedCode& c) { return covers(region, c); });
}

}  // namespace

FrameDecoder::FrameDecoder(DecoderOptions options) : options_(options) {}

FrameResult FrameDecoder::decode(const cv::Mat& image) const {
    auto start = Clock::now();
    auto cpuStart = threadCpuTime();
    FrameResult frame;
    if (image.empty()) {
        return frame;
    }
    cv::Mat gray = toGray(image);
    auto candidates = findCodeCandidates(gray, 24, options_.maxCandidates * 2);
    ZXing::DecodeHints hints;

    for (const auto& result : readMatrix(gray, hints)) {
        addCode(frame, toCode(result, {}), "plain");
    }
    for (const auto& result : readLinear(gray, hints, kMaxLinearReads)) {
        addCode(frame, toCode(result, {}), "plain");
    }
    if (options_.retry) {
        runRetryLadder(gray, candidates, hints, frame);
    }

    frame.milliseconds = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    frame.cpuMilliseconds =
        std::chrono::duration<double, std::milli>(threadCpuTime() - cpuStart).count();
    return frame;
}

void FrameDecoder::runRetryLadder(const cv::Mat& gray,
                                  const std::vector<CandidateRegion>& candidates,
                                  const ZXing::DecodeHints& hints, FrameResult& frame) const {
    auto deadline = threadCpuTime() + options_.retryBudget;
    int tried = 0;
    for (const auto& region : candidates) {
        if (isKnown(frame, region)) {
            continue;
        }
        if (tried++ >= options_.maxCandidates || threadCpuTime() >= deadline) {
            frame.unreadable.push_back({region.corners});
            continue;
        }

        CropMapping mapping;
        cv::Mat crop = paddedCrop(gray, region, mapping);
        bool found = false;
        // A small crop stays upscaled for the later steps, so that CLAHE and sharpening work
        // on modules several pixels wide.
        cv::Mat base = crop;
        // ZXing-cpp 1.4 reads dark-on-light symbols only. A region whose edge is darker than
        // its middle is a light-on-dark symbol, so every step works on the inverted crop.
        bool inverted = looksInverted(gray, region);
        if (inverted) {
            cv::bitwise_not(crop, base);
        }
        for (const auto& step : retrySteps()) {
            if (found || threadCpuTime() >= deadline) {
                break;
            }
            if (inverted && std::string_view(step.name) == "invert") {
                continue;
            }
            bool upscale = std::string_view(step.name) == "upscale";
            if (upscale && std::min(crop.cols, crop.rows) >= 320) {
                continue;
            }
            cv::Mat input = step.apply(base);
            if (upscale) {
                base = input;
            }
            CropMapping stepMapping = mapping;
            stepMapping.scale = double(input.cols) / crop.cols;
            ++frame.retryAttempts;
            const char* method = inverted ? "invert" : step.name;
            for (const auto& result : readAll(input, hints)) {
                found |= addCode(frame, toCode(result, stepMapping), method);
            }
        }
        if (!found) {
            frame.unreadable.push_back({region.corners});
        }
    }
}

FrameResult decodePlain(const cv::Mat& image) {
    auto start = Clock::now();
    auto cpuStart = threadCpuTime();
    FrameResult frame;
    if (image.empty()) {
        return frame;
    }
    for (const auto& result : readBarcodes(toGray(image), ZXing::DecodeHints())) {
        frame.codes.push_back(toCode(result, {}));
    }
    frame.milliseconds = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    frame.cpuMilliseconds =
        std::chrono::duration<double, std::milli>(threadCpuTime() - cpuStart).count();
    return frame;
}

}  // namespace station::vision
