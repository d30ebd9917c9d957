// Measures frames per second through the camera path as stationd runs it: CameraScanSource
// reading a 1280x720 MJPEG file, the decoder worker pool, the scene-change check and the code
// tracker, driven by an io_context like the daemon's event loop. Beside it, in the same run, plain
// ZXing-cpp ReadBarcodes (default hints, this process, one thread) decodes the same frames as
// the baseline. Prints decoded frames per second, dropped frames and peak resident memory.
//
// The frames contain codes that Debian's libzxing 1.4.0 reads without aborting (DataMatrix, QR
// Code, Code 128, EAN-13), so that the in-process baseline survives. The station pipeline would
// survive an abort in its worker processes either way.

#include <ZXing/ReadBarcode.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/vision/test_frames.hpp"
#include "vision/camera_scan_source.hpp"

namespace {

using namespace station::vision;

struct Options {
    int frames = 300;
    int workers = 2;
    double cameraFps = 30;
    std::filesystem::path workDir;
};

// Resident kilobytes of one process, 0 when it is gone.
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

// Resident kilobytes of this process plus its direct children (the decoder workers).
long treeKilobytes() {
    long total = residentKilobytes(getpid());
    std::ifstream children("/proc/self/task/" + std::to_string(getpid()) + "/children");
    pid_t child = 0;
    while (children >> child) {
        total += residentKilobytes(child);
    }
    return total;
}

// Writes `count` frames of six codes on a 1280x720 view that pans across a larger scene, so
// that every frame differs and the scene-change check never skips a decode.
std::filesystem::path writeVideo(const Options& options) {
    std::string gs(1, '\x1D');
    std::vector<testing::SymbolSpec> specs = {
        {"DATAMATRIX", "[01]09506000134352[21]SN1001[10]LOT42[17]271231", true, "DataMatrix",
         "0109506000134352"
         "21SN1001" +
             gs + "10LOT42" + gs + "17271231"},
        {"DATAMATRIX", "[01]09506000134352[21]SN1002[17]271231", true, "DataMatrix",
         "0109506000134352"
         "21SN1002" +
             gs + "17271231"},
        {"QRCODE", "SO-100234", false, "QRCode", "SO-100234"},
        {"CODE128", "SKU-AB-553", false, "Code128", "SKU-AB-553"},
        {"EANX", "950600013435", false, "EAN-13", "9506000134352"},
        {"QRCODE", "https://id.gs1.org/01/09506000134352/21/SN1003", false, "QRCode",
         "https://id.gs1.org/01/09506000134352/21/SN1003"},
    };
    std::vector<cv::Mat> symbols;
    for (const auto& spec : specs) {
        symbols.push_back(testing::renderSymbol(spec, 4, options.workDir));
    }
    std::mt19937 random(11);
    testing::TestFrame scene = testing::composeFrame(symbols, specs, cv::Size(1400, 800),
                                                     testing::Distortion::None, random);

    std::filesystem::path path = options.workDir / "pan-1280x720.avi";
    cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30,
                           cv::Size(1280, 720));
    if (!writer.isOpened()) {
        throw std::runtime_error("Failed to open a video writer for " + path.string());
    }
    for (int i = 0; i < options.frames; ++i) {
        int shift = (i * 3) % 100;
        writer.write(scene.image(cv::Rect(shift, shift / 2, 1280, 720)).clone());
    }
    return path;
}

struct CameraRun {
    CameraStats stats;
    double seconds = 0;
    long peakKb = 0;
    std::uint64_t codes = 0;
    double decodeMs = 0;     // wall time inside the workers, summed over decoded frames
    double decodeCpuMs = 0;  // CPU time of the workers' decoding threads, summed
    std::uint64_t retries = 0;
};

// Runs the file through CameraScanSource until its end, as the daemon would with this
// [camera] table, sampling the memory of the process and its workers every 100 ms.
CameraRun runCamera(const Options& options, const std::filesystem::path& video, double fps) {
    boost::asio::io_context io;
    CameraConfig config;
    config.kind = FrameSourceKind::File;
    config.source = video.string();
    config.fps = fps;
    config.workers = options.workers;
    config.mode = CameraMode::Continuous;

    CameraRun run;
    bool ended = false;
    CameraScanSource camera(io, config,
                            {[](station::Scan) {},
                             [&](const station::drivers::DeviceEvent& event) {
                                 ended |= event.kind ==
                                          station::drivers::DeviceEvent::Kind::Disconnected;
                             }});
    camera.addObserver([&](const FrameObservation& observation) {
        if (observation.reused) {
            return;
        }
        run.codes += observation.result.codes.size();
        run.decodeMs += observation.result.milliseconds;
        run.decodeCpuMs += observation.result.cpuMilliseconds;
        run.retries += static_cast<std::uint64_t>(observation.result.retryAttempts);
    });
    auto work = boost::asio::make_work_guard(io);
    auto start = std::chrono::steady_clock::now();
    camera.start();
    auto lastSample = start;
    while (!ended) {
        io.run_one_for(std::chrono::milliseconds(10));
        auto now = std::chrono::steady_clock::now();
        if (now - lastSample > std::chrono::milliseconds(100)) {
            run.peakKb = std::max(run.peakKb, treeKilobytes());
            lastSample = now;
        }
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Decodes still in the workers when the file ended count as decoded, not as time.
    auto drain = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    while (std::chrono::steady_clock::now() < drain) {
        io.run_one_for(std::chrono::milliseconds(10));
    }
    run.peakKb = std::max(run.peakKb, treeKilobytes());
    camera.stop();
    run.stats = camera.stats();
    return run;
}

struct PlainRun {
    int frames = 0;
    double readSeconds = 0;  // MJPEG decoding and BGR to gray conversion
    double decodeSeconds = 0;
    std::uint64_t codes = 0;
};

// Plain ZXing-cpp on the same frames: ReadBarcodes with default hints on the grayscale frame.
PlainRun runPlain(const std::filesystem::path& video) {
    cv::VideoCapture capture(video.string());
    PlainRun run;
    cv::Mat frame;
    cv::Mat gray;
    while (true) {
        auto readStart = std::chrono::steady_clock::now();
        if (!capture.read(frame)) {
            break;
        }
        cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
        auto start = std::chrono::steady_clock::now();
        run.readSeconds += std::chrono::duration<double>(start - readStart).count();
        ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum,
                              static_cast<int>(gray.step));
        ZXing::Results results = ZXing::ReadBarcodes(view, ZXing::DecodeHints());
        run.decodeSeconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        run.codes += results.size();
        ++run.frames;
    }
    return run;
}

void printCamera(const char* label, const CameraRun& run, int frames) {
    const CameraStats& stats = run.stats;
    const double decoded = std::max(1.0, double(stats.framesDecoded));
    std::printf(
        "| %s | %d | %llu | %llu | %llu | %llu | %.2f | %.1f | %.2f | %.1f / %.1f | %.1f | "
        "%.0f |\n",
        label, frames, static_cast<unsigned long long>(stats.framesRead),
        static_cast<unsigned long long>(stats.framesDecoded),
        static_cast<unsigned long long>(stats.framesReused),
        static_cast<unsigned long long>(stats.framesDropped), run.seconds,
        double(stats.framesDecoded) / run.seconds, double(run.codes) / decoded,
        run.decodeMs / decoded, run.decodeCpuMs / decoded, double(run.retries) / decoded,
        run.peakKb / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--frames") {
            options.frames = std::stoi(argv[i + 1]);
        } else if (flag == "--workers") {
            options.workers = std::stoi(argv[i + 1]);
        } else if (flag == "--camera-fps") {
            options.cameraFps = std::stod(argv[i + 1]);
        } else {
            std::fprintf(stderr,
                         "Unknown option %s; use --frames N (video length), --workers N "
                         "(decoder processes), --camera-fps F (pace of the paced run)\n",
                         flag.c_str());
            return 2;
        }
    }
    spdlog::set_level(spdlog::level::warn);
    options.workDir = testing::makeTempDir("camera_fps_bench");
    const std::filesystem::path video = writeVideo(options);

    std::printf(
        "Camera path: %d frames of 1280x720 MJPEG, a view panning 3 px per frame over "
        "six codes, %d decoder workers, %ld cores online\n\n",
        options.frames, options.workers, sysconf(_SC_NPROCESSORS_ONLN));
    std::printf(
        "| run | frames in file | read | decoded | reused | dropped | seconds | "
        "decoded frames/s | codes per decoded frame | worker ms per frame, wall / CPU | retry "
        "decodes per frame | peak RSS, process + workers (MiB) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    CameraRun unpaced = runCamera(options, video, 0);
    printCamera("CameraScanSource, file read as fast as possible", unpaced, options.frames);
    CameraRun paced = runCamera(options, video, options.cameraFps);
    std::string pacedLabel =
        "CameraScanSource, file paced at " + std::to_string(int(options.cameraFps)) + " fps";
    printCamera(pacedLabel.c_str(), paced, options.frames);

    PlainRun plain = runPlain(video);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf(
        "\nPlain ZXing-cpp ReadBarcodes, default hints, this process, one thread: %d "
        "frames in %.2f s of decoding = %.1f frames/s, %.2f codes per frame, peak RSS "
        "of this process over the whole run %.0f MiB\n"
        "Reading the file (MJPEG decoding and gray conversion, as the capture thread does): "
        "%.1f ms per frame\n",
        plain.frames, plain.decodeSeconds, plain.frames / plain.decodeSeconds,
        plain.frames ? double(plain.codes) / plain.frames : 0.0, usage.ru_maxrss / 1024.0,
        plain.frames ? 1000.0 * plain.readSeconds / plain.frames : 0.0);
    std::printf("Ratio, station unpaced decoded frames/s to plain frames/s: %.2f\n",
                (double(unpaced.stats.framesDecoded) / unpaced.seconds) /
                    (plain.frames / plain.decodeSeconds));
    std::filesystem::remove_all(options.workDir);
    return 0;
}
