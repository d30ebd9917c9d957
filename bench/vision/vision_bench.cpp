// Compares the station's camera decode pipeline with plain ZXing-cpp ReadBarcodes (default
// hints) on the same images in one run, and measures the camera path's throughput and memory.
//
//   vision_bench --corpus DIR [--folders PREFIX] [--frames N] [--video-frames N]
//
// --folders keeps only the corpus folders whose name starts with PREFIX ("upca" for the
// UPC-A ones).
// DIR is a copy of zxing-cpp's black-box test images: one folder per symbology, each image
// beside a .txt or .bin file with the expected content. Both decoders run in station-decoder
// worker processes, because plain ReadBarcodes aborts inside Debian's libzxing 1.4.0 on some
// images; such an abort counts as a miss and is listed.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/vision/test_frames.hpp"
#include "vision/camera_scan_source.hpp"
#include "vision/decoder_process.hpp"

namespace {

using namespace station::vision;

struct Tally {
    int images = 0;
    int hits = 0;
    int misreads = 0;  // images with a read whose content does not match
    int crashes = 0;
    std::vector<double> ms;
};

// Content for comparison: GS, parentheses of the human-readable GS1 form and a leading "01"
// of a bare GTIN are dropped, since the sample files and the readers differ in them.
std::string comparable(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    std::string out;
    for (char c : text) {
        if (c != '\x1D' && c != '(' && c != ')') {
            out.push_back(c);
        }
    }
    if (out.size() == 16 && out.rfind("01", 0) == 0 &&
        std::all_of(out.begin(), out.end(), [](unsigned char c) { return std::isdigit(c); })) {
        out = out.substr(2);
    }
    return out;
}

// Expands an 8-digit UPC-E number to its 12-digit UPC-A form (GS1 General Specifications,
// the UPC-E zero-suppression rules).
std::string expandUpcE(const std::string& upce) {
    if (upce.size() != 8) {
        return upce;
    }
    std::string d = upce.substr(1, 6);
    std::string body;
    switch (d[5]) {
        case '0':
        case '1':
        case '2':
            body = d.substr(0, 2) + d[5] + "0000" + d.substr(2, 3);
            break;
        case '3':
            body = d.substr(0, 3) + "00000" + d.substr(3, 2);
            break;
        case '4':
            body = d.substr(0, 4) + "00000" + d[4];
            break;
        default:
            body = d.substr(0, 5) + "0000" + d[5];
            break;
    }
    return upce[0] + body + upce[7];
}

// Returns true when a read matches an expected content. The sample files give UPC-A and UPC-E
// in their 13-digit EAN form, the reader gives 12 and 8 digits.
bool matches(const std::string& format, const std::string& text,
             const std::vector<std::string>& expected) {
    std::string read = comparable(text);
    if (format == "UPC-A") {
        read = "0" + read;
    } else if (format == "UPC-E") {
        read = "0" + expandUpcE(read);
    }
    return std::find(expected.begin(), expected.end(), read) != expected.end() ||
           std::find(expected.begin(), expected.end(), comparable(text)) != expected.end();
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    size_t index = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    return values[index];
}

// Scores one image and, when `misreadLog` is given, appends every read that does not match
// the expected content, with the step that found it.
void score(Tally& tally, const DecodeOutcome& outcome, const std::vector<std::string>& expected,
           const std::string& image = {}, std::vector<std::string>* misreadLog = nullptr) {
    ++tally.images;
    if (outcome.status != DecodeOutcome::Status::Decoded) {
        ++tally.crashes;
        return;
    }
    tally.ms.push_back(outcome.result.milliseconds);
    bool hit = false;
    bool misread = false;
    for (const auto& code : outcome.result.codes) {
        bool match = matches(code.format, code.text, expected);
        hit |= match;
        misread |= !match;
        if (!match && misreadLog != nullptr) {
            misreadLog->push_back(image + ": " + code.format + " \"" + escapeBytes(code.text) +
                                  "\" by " + code.method);
        }
    }
    tally.hits += hit ? 1 : 0;
    tally.misreads += misread ? 1 : 0;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void runCorpus(const std::filesystem::path& corpus, const std::string& folderPrefix) {
    DecoderProcessOptions options;
    options.executable = defaultDecoderPath();
    options.timeout = std::chrono::milliseconds(20000);
    DecoderProcess plainWorker(options);
    DecoderProcess ourWorker(options);

    std::vector<std::filesystem::path> folders;
    for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
        if (entry.is_directory() && entry.path().filename().string().rfind(folderPrefix, 0) == 0) {
            folders.push_back(entry.path());
        }
    }
    std::sort(folders.begin(), folders.end());

    std::printf("\n### Real photographs (%s)\n\n", corpus.filename().string().c_str());
    std::printf(
        "| folder | images | plain read | station read | plain misread | station misread "
        "| plain aborts |\n|---|---|---|---|---|---|---|\n");
    Tally plainTotal;
    Tally ourTotal;
    Tally plainFalse;
    Tally ourFalse;
    std::vector<std::string> aborts;
    std::vector<std::string> misreadLog;
    for (const auto& folder : folders) {
        bool falsePositives = folder.filename().string().rfind("falsepositives", 0) == 0;
        Tally plain;
        Tally ours;
        std::vector<std::filesystem::path> images;
        for (const auto& entry : std::filesystem::directory_iterator(folder)) {
            auto extension = entry.path().extension();
            if (extension == ".png" || extension == ".jpg" || extension == ".webp" ||
                extension == ".gif" || extension == ".jpeg") {
                images.push_back(entry.path());
            }
        }
        std::sort(images.begin(), images.end());
        for (const auto& image : images) {
            std::vector<std::string> expected;
            for (const char* extension : {".txt", ".bin"}) {
                auto path = image;
                path.replace_extension(extension);
                if (std::filesystem::exists(path)) {
                    expected.push_back(comparable(readFile(path)));
                }
            }
            if (expected.empty() && !falsePositives) {
                continue;
            }
            cv::Mat gray = cv::imread(image.string(), cv::IMREAD_GRAYSCALE);
            if (gray.empty()) {
                continue;
            }
            auto plainOutcome = plainWorker.decode(gray, DecodeMode::Plain);
            if (plainOutcome.status != DecodeOutcome::Status::Decoded) {
                aborts.push_back(folder.filename().string() + "/" + image.filename().string());
            }
            score(plain, plainOutcome, expected);
            std::string name = folder.filename().string() + "/" + image.filename().string();
            score(ours, ourWorker.decode(gray, DecodeMode::Pipeline), expected, name, &misreadLog);
        }
        std::printf("| %s | %d | %d | %d | %d | %d | %d |\n", folder.filename().c_str(),
                    plain.images, plain.hits, ours.hits, plain.misreads, ours.misreads,
                    plain.crashes);
        Tally& plainSum = falsePositives ? plainFalse : plainTotal;
        Tally& ourSum = falsePositives ? ourFalse : ourTotal;
        plainSum.images += plain.images;
        plainSum.hits += plain.hits;
        plainSum.misreads += plain.misreads;
        plainSum.crashes += plain.crashes;
        ourSum.images += ours.images;
        ourSum.hits += ours.hits;
        ourSum.misreads += ours.misreads;
        ourSum.crashes += ours.crashes;
    }
    std::printf("| **all with codes** | %d | %d (%.1f %%) | %d (%.1f %%) | %d | %d | %d |\n",
                plainTotal.images, plainTotal.hits, 100.0 * plainTotal.hits / plainTotal.images,
                ourTotal.hits, 100.0 * ourTotal.hits / ourTotal.images, plainTotal.misreads,
                ourTotal.misreads, plainTotal.crashes);
    std::printf("| **no-code images** | %d | | | %d false | %d false | %d |\n", plainFalse.images,
                plainFalse.misreads, ourFalse.misreads, plainFalse.crashes);
    std::printf("\nStation pipeline worker aborts: %d. Plain ReadBarcodes aborted on: ",
                ourTotal.crashes + ourFalse.crashes);
    for (const auto& name : aborts) {
        std::printf("%s ", name.c_str());
    }
    std::printf("\n\nStation reads that do not match the expected content:\n\n");
    for (const auto& line : misreadLog) {
        std::printf("- %s\n", line.c_str());
    }
}

struct GeneratedSet {
    std::vector<testing::TestFrame> frames;
};

GeneratedSet generate(testing::Distortion distortion, int count, cv::Size size, unsigned seed,
                      const std::vector<testing::SymbolSpec>& specs,
                      const std::vector<cv::Mat>& symbols) {
    GeneratedSet set;
    std::mt19937 random(seed);
    for (int f = 0; f < count; ++f) {
        std::vector<cv::Mat> chosen;
        std::vector<testing::SymbolSpec> chosenSpecs;
        for (size_t k = 0; k < 6; ++k) {
            size_t index = (size_t(f) * 6 + k) % specs.size();
            chosen.push_back(symbols[index]);
            chosenSpecs.push_back(specs[index]);
        }
        set.frames.push_back(testing::composeFrame(chosen, chosenSpecs, size, distortion, random));
    }
    return set;
}

void runGenerated(int count) {
    auto dir = testing::makeTempDir("vision-bench");
    auto specs = testing::stationSymbols();
    std::vector<cv::Mat> symbols;
    for (const auto& spec : specs) {
        symbols.push_back(testing::renderSymbol(spec, 4, dir));
    }
    DecoderProcessOptions options;
    options.executable = defaultDecoderPath();
    options.timeout = std::chrono::milliseconds(20000);
    DecoderProcess plainWorker(options);
    DecoderProcess ourWorker(options);

    for (cv::Size size : {cv::Size(1280, 720), cv::Size(1920, 1080)}) {
        std::printf("\n### Generated frames, %dx%d, six codes per frame, %d frames per row\n\n",
                    size.width, size.height, count);
        std::printf(
            "| distortion | codes | plain read | station read | plain misreads | "
            "station misreads | plain aborted frames | plain ms median / p95 | station "
            "ms median / p95 |\n|---|---|---|---|---|---|---|---|---|\n");
        std::vector<double> plainAll;
        std::vector<double> ourAll;
        std::vector<double> plainCpuAll;
        std::vector<double> ourCpuAll;
        int plainFound = 0;
        int ourFound = 0;
        int expectedAll = 0;
        for (auto distortion : testing::allDistortions()) {
            auto set = generate(distortion, count, size, 11, specs, symbols);
            int expected = 0;
            int plainHits = 0;
            int ourHits = 0;
            int plainMis = 0;
            int ourMis = 0;
            int aborted = 0;
            std::vector<double> plainMs;
            std::vector<double> ourMs;
            std::vector<double> plainCpu;
            std::vector<double> ourCpu;
            for (const auto& frame : set.frames) {
                cv::Mat gray;
                cv::cvtColor(frame.image, gray, cv::COLOR_BGR2GRAY);
                expected += int(frame.expected.size());
                auto plain = plainWorker.decode(gray, DecodeMode::Plain);
                if (plain.status == DecodeOutcome::Status::Decoded) {
                    auto s = testing::scoreFrame(frame.expected, plain.result.codes);
                    plainHits += s.found;
                    plainMis += s.misreads;
                    plainMs.push_back(plain.result.milliseconds);
                    plainCpu.push_back(plain.result.cpuMilliseconds);
                } else {
                    ++aborted;
                }
                auto ours = ourWorker.decode(gray, DecodeMode::Pipeline);
                if (ours.status == DecodeOutcome::Status::Decoded) {
                    auto s = testing::scoreFrame(frame.expected, ours.result.codes);
                    ourHits += s.found;
                    ourMis += s.misreads;
                    ourMs.push_back(ours.result.milliseconds);
                    ourCpu.push_back(ours.result.cpuMilliseconds);
                }
            }
            std::printf("| %s | %d | %d | %d | %d | %d | %d | %.1f / %.1f | %.1f / %.1f |\n",
                        std::string(testing::distortionName(distortion)).c_str(), expected,
                        plainHits, ourHits, plainMis, ourMis, aborted, percentile(plainMs, 0.5),
                        percentile(plainMs, 0.95), percentile(ourMs, 0.5), percentile(ourMs, 0.95));
            plainAll.insert(plainAll.end(), plainMs.begin(), plainMs.end());
            ourAll.insert(ourAll.end(), ourMs.begin(), ourMs.end());
            plainCpuAll.insert(plainCpuAll.end(), plainCpu.begin(), plainCpu.end());
            ourCpuAll.insert(ourCpuAll.end(), ourCpu.begin(), ourCpu.end());
            plainFound += plainHits;
            ourFound += ourHits;
            expectedAll += expected;
        }
        std::printf(
            "| **all** | %d | %d (%.1f %%) | %d (%.1f %%) | | | | %.1f / %.1f | %.1f / "
            "%.1f |\n",
            expectedAll, plainFound, 100.0 * plainFound / expectedAll, ourFound,
            100.0 * ourFound / expectedAll, percentile(plainAll, 0.5), percentile(plainAll, 0.95),
            percentile(ourAll, 0.5), percentile(ourAll, 0.95));
        std::printf(
            "\nCPU ms per frame (decoding thread), median / p95: plain %.1f / %.1f, "
            "station %.1f / %.1f\n",
            percentile(plainCpuAll, 0.5), percentile(plainCpuAll, 0.95), percentile(ourCpuAll, 0.5),
            percentile(ourCpuAll, 0.95));
    }
    std::filesystem::remove_all(dir);
}

long residentKilobytes(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return 0;
}

// Resident memory of this process and its station-decoder children.
long treeKilobytes() {
    long total = residentKilobytes(getpid());
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename().string();
        if (!std::all_of(name.begin(), name.end(), ::isdigit)) {
            continue;
        }
        std::ifstream stat(entry.path() / "stat");
        std::string text((std::istreambuf_iterator<char>(stat)), {});
        size_t close = text.rfind(')');
        if (close == std::string::npos) {
            continue;
        }
        std::istringstream rest(text.substr(close + 2));
        char state;
        pid_t parent = 0;
        rest >> state >> parent;
        if (parent == getpid()) {
            total += residentKilobytes(std::stoi(name));
        }
    }
    return total;
}

void runThroughput(int count) {
    auto dir = testing::makeTempDir("vision-bench-video");
    auto specs = testing::stationSymbols();
    std::vector<cv::Mat> symbols;
    for (const auto& spec : specs) {
        symbols.push_back(testing::renderSymbol(spec, 4, dir));
    }
    std::printf(
        "\n### Camera path throughput (CameraScanSource, 2 decoder workers, 1280x720 "
        "MJPEG file read as fast as possible)\n\n");
    std::printf(
        "| scene | frames read | decoded | reused (unchanged) | dropped | seconds | "
        "frames read/s | decodes/s | scans | RSS start / peak / end (MiB) |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n");

    for (bool moving : {false, true}) {
        // A static table with six codes, or the same codes sliding a few pixels every frame so
        // that every frame is a changed scene and must be decoded.
        auto path = dir / (moving ? "moving.avi" : "static.avi");
        {
            std::mt19937 random(5);
            std::vector<cv::Mat> chosen(symbols.begin(), symbols.begin() + 6);
            std::vector<testing::SymbolSpec> chosenSpecs(specs.begin(), specs.begin() + 6);
            auto base = testing::composeFrame(chosen, chosenSpecs, cv::Size(1400, 800),
                                              testing::Distortion::None, random);
            cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30,
                                   cv::Size(1280, 720));
            for (int i = 0; i < count; ++i) {
                int shift = moving ? (i * 3) % 100 : 0;
                writer.write(base.image(cv::Rect(shift, shift / 2, 1280, 720)).clone());
            }
        }

        boost::asio::io_context io;
        CameraConfig config;
        config.kind = FrameSourceKind::File;
        config.source = path.string();
        config.fps = 0;
        config.workers = 2;
        int scans = 0;
        bool ended = false;
        CameraScanSource camera(io, config,
                                {[&](station::Scan) { ++scans; },
                                 [&](const station::drivers::DeviceEvent& event) {
                                     ended |= event.kind ==
                                              station::drivers::DeviceEvent::Kind::Disconnected;
                                 }});
        long startKb = treeKilobytes();
        long peakKb = startKb;
        auto start = std::chrono::steady_clock::now();
        camera.start();
        auto work = boost::asio::make_work_guard(io);
        auto lastSample = start;
        while (!ended) {
            io.run_one_for(std::chrono::milliseconds(20));
            auto now = std::chrono::steady_clock::now();
            if (now - lastSample > std::chrono::milliseconds(200)) {
                peakKb = std::max(peakKb, treeKilobytes());
                lastSample = now;
            }
        }
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        // Let the last decodes arrive.
        auto drain = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        while (std::chrono::steady_clock::now() < drain) {
            io.run_one_for(std::chrono::milliseconds(20));
        }
        long endKb = treeKilobytes();
        camera.stop();
        auto stats = camera.stats();
        std::printf(
            "| %s | %llu | %llu | %llu | %llu | %.2f | %.1f | %.1f | %d | %.0f / %.0f / "
            "%.0f |\n",
            moving ? "moving" : "static", (unsigned long long)stats.framesRead,
            (unsigned long long)stats.framesDecoded, (unsigned long long)stats.framesReused,
            (unsigned long long)stats.framesDropped, seconds, double(stats.framesRead) / seconds,
            double(stats.framesDecoded) / seconds, scans, startKb / 1024.0, peakKb / 1024.0,
            endKb / 1024.0);
    }
    std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path corpus;
    int frames = 10;
    int videoFrames = 600;
    std::string folderPrefix;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--corpus" && i + 1 < argc) {
            corpus = argv[++i];
        } else if (arg == "--folders" && i + 1 < argc) {
            folderPrefix = argv[++i];
        } else if (arg == "--frames" && i + 1 < argc) {
            frames = std::stoi(argv[++i]);
        } else if (arg == "--video-frames" && i + 1 < argc) {
            videoFrames = std::stoi(argv[++i]);
        } else {
            std::fprintf(stderr,
                         "usage: vision_bench [--corpus DIR] [--folders PREFIX] [--frames N] "
                         "[--video-frames N]\n");
            return 2;
        }
    }
    spdlog::set_level(spdlog::level::warn);
    if (!corpus.empty()) {
        runCorpus(corpus, folderPrefix);
    }
    runGenerated(frames);
    runThroughput(videoFrames);
    return 0;
}
