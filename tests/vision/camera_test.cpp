#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "tests/vision/test_frames.hpp"
#include "vision/camera_config.hpp"
#include "vision/camera_scan_source.hpp"
#include "vision/code_tracker.hpp"
#include "vision/evidence.hpp"
#include "vision/frame_source.hpp"
#include "vision/verify_collector.hpp"

namespace station::vision {
namespace {

using namespace std::chrono_literals;

// Runs the io_context until `done` returns true or `limit` passes.
template <typename Predicate>
bool runUntil(boost::asio::io_context& io, Predicate done, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    // A previous call may have left the context stopped when its work guard went away.
    io.restart();
    auto work = boost::asio::make_work_guard(io);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(50ms);
    }
    return done();
}

class CameraTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = testing::makeTempDir("vision-camera");
        specs_ = testing::stationSymbols();
        for (const auto& spec : specs_) {
            symbols_.push_back(testing::renderSymbol(spec, 4, dir_));
        }
    }

    void TearDown() override { std::filesystem::remove_all(dir_); }

    testing::TestFrame frameWith(const std::vector<size_t>& indexes, unsigned seed) {
        std::vector<cv::Mat> symbols;
        std::vector<testing::SymbolSpec> specs;
        for (size_t i : indexes) {
            symbols.push_back(symbols_[i]);
            specs.push_back(specs_[i]);
        }
        std::mt19937 random(seed);
        return testing::composeFrame(symbols, specs, cv::Size(1280, 720), testing::Distortion::None,
                                     random);
    }

    // Writes an MJPEG AVI: `count` copies of each frame in turn, as a static camera sees it.
    std::filesystem::path writeVideo(const std::vector<cv::Mat>& frames, int count,
                                     const std::string& name) {
        auto path = dir_ / name;
        cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30,
                               cv::Size(1280, 720));
        EXPECT_TRUE(writer.isOpened());
        for (const auto& frame : frames) {
            for (int i = 0; i < count; ++i) {
                writer.write(frame);
            }
        }
        return path;
    }

    CameraConfig config(FrameSourceKind kind, const std::filesystem::path& source) {
        CameraConfig camera;
        camera.enabled = true;
        camera.kind = kind;
        camera.source = source.string();
        camera.fps = 30;
        camera.stableFrames = 3;
        camera.workers = 2;
        camera.reopenInitial = 50ms;
        camera.reopenMax = 200ms;
        camera.evidenceDir = dir_ / "evidence";
        return camera;
    }

    std::filesystem::path dir_;
    std::vector<testing::SymbolSpec> specs_;
    std::vector<cv::Mat> symbols_;
};

TEST(CameraConfigTest, ReadsCameraTable) {
    auto table = toml::parse(R"(
        enabled = true
        name = "table-cam"
        source_kind = "file"
        source = "/srv/video/shift.mkv"
        mode = "verify"
        width = 1920
        height = 1080
        fps = 15.0
        exposure = 150.0
        stable_frames = 4
        workers = 2
        queue_depth = 3
        evidence_dir = "/var/lib/stationd/evidence"
        retention_days = 30
    )");
    CameraConfig camera = parseCameraConfig(table);
    EXPECT_TRUE(camera.enabled);
    EXPECT_EQ(camera.name, "table-cam");
    EXPECT_EQ(camera.kind, FrameSourceKind::File);
    EXPECT_EQ(camera.source, "/srv/video/shift.mkv");
    EXPECT_EQ(camera.mode, CameraMode::Verify);
    EXPECT_EQ(camera.width, 1920);
    EXPECT_EQ(camera.height, 1080);
    EXPECT_DOUBLE_EQ(camera.fps, 15.0);
    ASSERT_TRUE(camera.exposure.has_value());
    EXPECT_DOUBLE_EQ(*camera.exposure, 150.0);
    EXPECT_FALSE(camera.focus.has_value());
    EXPECT_EQ(camera.stableFrames, 4);
    EXPECT_EQ(camera.queueDepth, 3u);
    EXPECT_EQ(camera.evidenceDir, "/var/lib/stationd/evidence");
    EXPECT_EQ(camera.retentionDays, 30);
}

TEST(CameraConfigTest, UnknownKeyRejected) {
    auto table = toml::parse("stable_frame = 3\n");
    try {
        parseCameraConfig(table);
        FAIL() << "no error";
    } catch (const CameraConfigError& error) {
        EXPECT_EQ(error.key(), "stable_frame");
    }
}

TEST(CameraConfigTest, InvalidValuesRejected) {
    EXPECT_THROW(parseCameraConfig(toml::parse("source_kind = \"usb\"\n")), CameraConfigError);
    EXPECT_THROW(parseCameraConfig(toml::parse("workers = 0\n")), CameraConfigError);
    EXPECT_THROW(parseCameraConfig(toml::parse("width = \"wide\"\n")), CameraConfigError);
    EXPECT_THROW(parseCameraConfig(toml::parse("mode = \"sometimes\"\n")), CameraConfigError);
}

TEST(CodeTrackerTest, StableCodeReportedOnce) {
    CodeTracker tracker(3, 5);
    DecodedCode code{"EAN-13", "9506000134352", "]E0", {}, "plain"};
    EXPECT_TRUE(tracker.update({code}).empty());
    EXPECT_TRUE(tracker.update({code}).empty());
    EXPECT_EQ(tracker.update({code}).size(), 1u);
    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(tracker.update({code}).empty());
    }
}

TEST(CodeTrackerTest, ToleratesOneMissedFrame) {
    CodeTracker tracker(3, 5);
    DecodedCode code{"QRCode", "ORD-1", "]Q1", {}, "plain"};
    tracker.update({code});
    tracker.update({});
    tracker.update({code});
    EXPECT_EQ(tracker.update({code}).size(), 1u);
}

TEST(CodeTrackerTest, ReportedAgainAfterAbsence) {
    CodeTracker tracker(1, 3);
    DecodedCode code{"QRCode", "ORD-1", "]Q1", {}, "plain"};
    EXPECT_EQ(tracker.update({code}).size(), 1u);
    tracker.update({});
    tracker.update({});
    EXPECT_TRUE(tracker.update({code}).empty()) << "absent for 2 of 3 frames: still known";
    for (int i = 0; i < 3; ++i) {
        tracker.update({});
    }
    EXPECT_EQ(tracker.update({code}).size(), 1u);
}

TEST(SceneChangeDetectorTest, SameFrameIsUnchanged) {
    SceneChangeDetector scene(1.5);
    cv::Mat frame(720, 1280, CV_8UC1);
    cv::randu(frame, 0, 255);
    EXPECT_TRUE(scene.changed(frame));
    EXPECT_FALSE(scene.changed(frame));
    cv::Mat moved = frame.clone();
    cv::rectangle(moved, cv::Rect(100, 100, 600, 400), cv::Scalar(0), cv::FILLED);
    EXPECT_TRUE(scene.changed(moved));
}

TEST_F(CameraTest, FolderSourceReadsImagesInOrder) {
    auto folder = dir_ / "frames";
    std::filesystem::create_directories(folder);
    cv::imwrite((folder / "b.png").string(), cv::Mat(40, 60, CV_8UC3, cv::Scalar(0, 0, 0)));
    cv::imwrite((folder / "a.png").string(), cv::Mat(40, 80, CV_8UC3, cv::Scalar(0, 0, 0)));
    std::ofstream(folder / "notes.txt") << "not an image";

    auto camera = config(FrameSourceKind::Folder, folder);
    camera.fps = 0;
    FrameSource source(camera);
    std::string error;
    ASSERT_TRUE(source.open(error)) << error;
    cv::Mat frame;
    ASSERT_EQ(source.read(frame), FrameSource::ReadStatus::Frame);
    EXPECT_EQ(frame.cols, 80);
    ASSERT_EQ(source.read(frame), FrameSource::ReadStatus::Frame);
    EXPECT_EQ(frame.cols, 60);
    EXPECT_EQ(source.read(frame), FrameSource::ReadStatus::End);
}

TEST_F(CameraTest, MissingDeviceFailsToOpen) {
    FrameSource source(config(FrameSourceKind::Device, "/dev/video-absent"));
    std::string error;
    EXPECT_FALSE(source.open(error));
    EXPECT_NE(error.find("/dev/video-absent"), std::string::npos) << error;
}

TEST_F(CameraTest, VideoFileBecomesScansOnce) {
    // Two seconds of a table: first a unit and the order code, then a second unit joins.
    auto first = frameWith({2, 0}, 1);
    auto second = frameWith({2, 0, 3}, 1);
    auto video = writeVideo({first.image, second.image}, 20, "packing.avi");

    boost::asio::io_context io;
    std::vector<Scan> scans;
    std::vector<drivers::DeviceEvent> events;
    CameraScanSource camera(io, config(FrameSourceKind::File, video),
                            {[&](Scan scan) { scans.push_back(std::move(scan)); },
                             [&](const drivers::DeviceEvent& event) { events.push_back(event); }});
    camera.start();
    bool ended = runUntil(
        io,
        [&] {
            return std::any_of(events.begin(), events.end(), [](const auto& e) {
                return e.kind == drivers::DeviceEvent::Kind::Disconnected;
            });
        },
        15s);
    runUntil(
        io, [&] { return scans.size() >= 3; }, 2s);
    camera.stop();

    ASSERT_TRUE(ended);
    ASSERT_EQ(scans.size(), 3u);
    std::map<std::string, std::string> bySymbology;
    for (const auto& scan : scans) {
        bySymbology[scan.data] = scan.symbology;
        EXPECT_EQ(scan.device, "camera");
        EXPECT_EQ(scan.id.size(), 32u);
    }
    EXPECT_EQ(bySymbology[specs_[2].text], "]Q1");
    EXPECT_EQ(bySymbology[specs_[0].text], "]d2");
    EXPECT_EQ(bySymbology[specs_[3].text], "]E0");
    // The unit that joined later is scanned after the first two.
    EXPECT_EQ(scans.back().data, specs_[3].text);

    CameraStats stats = camera.stats();
    EXPECT_EQ(stats.framesRead, 40u);
    EXPECT_GT(stats.framesReused, 0u) << "a static scene is not decoded again";
    EXPECT_EQ(stats.scans, 3u);
}

TEST_F(CameraTest, DisappearingCameraIsReopened) {
    auto frame = frameWith({3}, 2);
    auto video = writeVideo({frame.image}, 5, "stream.avi");
    auto hidden = dir_ / "hidden.avi";

    boost::asio::io_context io;
    std::vector<drivers::DeviceEvent> events;
    auto count = [&](drivers::DeviceEvent::Kind kind) {
        return std::count_if(events.begin(), events.end(),
                             [&](const auto& e) { return e.kind == kind; });
    };
    // A stream that ends counts as a lost camera, like a network camera going away.
    CameraScanSource camera(io, config(FrameSourceKind::Stream, video),
                            {nullptr, [&](const auto& event) { events.push_back(event); }});
    camera.start();
    ASSERT_TRUE(runUntil(
        io, [&] { return count(drivers::DeviceEvent::Kind::Disconnected) >= 1; }, 10s));

    std::filesystem::rename(video, hidden);
    EXPECT_TRUE(runUntil(
        io, [&] { return count(drivers::DeviceEvent::Kind::Error) >= 1; }, 5s));
    auto connectedBefore = count(drivers::DeviceEvent::Kind::Connected);

    std::filesystem::rename(hidden, video);
    EXPECT_TRUE(runUntil(
        io, [&] { return count(drivers::DeviceEvent::Kind::Connected) > connectedBefore; }, 5s));
    camera.stop();
    EXPECT_GT(camera.stats().reopens, 0u);
}

TEST_F(CameraTest, VerifyCollectsEveryCodeWithEvidence) {
    // The carton holds two units of the order and one unit of the neighbouring order; the
    // collector reports all three for the daemon to compare.
    auto frame = frameWith({0, 3, 8, 2}, 4);
    auto folder = dir_ / "verify";
    std::filesystem::create_directories(folder);
    for (int i = 0; i < 3; ++i) {
        cv::imwrite((folder / ("frame" + std::to_string(i) + ".png")).string(), frame.image);
    }

    boost::asio::io_context io;
    int scans = 0;
    auto cameraConfig = config(FrameSourceKind::Folder, folder);
    cameraConfig.mode = CameraMode::Verify;
    cameraConfig.loop = true;
    // A verification can afford a longer retry ladder than continuous scanning.
    cameraConfig.retryBudgetMs = 200;
    CameraScanSource camera(io, cameraConfig, {[&](Scan) { ++scans; }, nullptr});
    VerifyCollector collector(io, camera, {3, 5s, dir_ / "evidence", 90});
    camera.start();

    std::optional<VerifyCapture> capture;
    ASSERT_TRUE(collector.trigger("ORD-100234", [&](VerifyCapture c) { capture = std::move(c); }));
    EXPECT_FALSE(collector.trigger("ORD-2", [](VerifyCapture) {}));
    ASSERT_TRUE(runUntil(
        io, [&] { return capture.has_value(); }, 10s));
    camera.stop();

    EXPECT_TRUE(capture->stable);
    EXPECT_EQ(capture->label, "ORD-100234");
    auto score = testing::scoreFrame(frame.expected, capture->codes);
    EXPECT_EQ(score.found, 4);
    EXPECT_EQ(capture->codes.size(), 4u);
    EXPECT_GE(capture->frames, 3);
    EXPECT_EQ(capture->frame.size(), cv::Size(1280, 720));
    ASSERT_FALSE(capture->evidencePath.empty()) << capture->evidenceError;
    cv::Mat evidence = cv::imread(capture->evidencePath.string());
    EXPECT_EQ(evidence.size(), cv::Size(1280, 720));
    EXPECT_EQ(capture->evidencePath.extension(), ".jpg");
    EXPECT_EQ(scans, 0) << "verify mode makes no continuous scans";
}

TEST_F(CameraTest, VerifyModeDecodesOnlyWhileCollecting) {
    auto frame = frameWith({0, 3}, 5);
    auto folder = dir_ / "idle";
    std::filesystem::create_directories(folder);
    cv::imwrite((folder / "frame.png").string(), frame.image);

    boost::asio::io_context io;
    auto cameraConfig = config(FrameSourceKind::Folder, folder);
    cameraConfig.mode = CameraMode::Verify;
    cameraConfig.loop = true;
    CameraScanSource camera(io, cameraConfig, {[](Scan) {}, nullptr});
    VerifyCollector collector(io, camera, {3, 5s, dir_ / "evidence", 90});
    camera.start();
    EXPECT_TRUE(runUntil(
        io, [&] { return camera.stats().framesRead >= 10; }, 5s));
    EXPECT_EQ(camera.stats().framesDecoded, 0u);
    EXPECT_EQ(camera.stats().framesReused, 0u);

    std::optional<VerifyCapture> capture;
    ASSERT_TRUE(collector.trigger("ORD-1", [&](VerifyCapture c) { capture = std::move(c); }));
    ASSERT_TRUE(runUntil(
        io, [&] { return capture.has_value(); }, 10s));
    camera.stop();
    EXPECT_GE(camera.stats().framesDecoded, 1u);
    EXPECT_EQ(capture->codes.size(), 2u);
}

TEST_F(CameraTest, ContinuousScansPauseDuringVerification) {
    // The codes a verification decides must not also arrive as scans, during the window or
    // after it.
    auto frame = frameWith({0, 3}, 6);
    auto folder = dir_ / "pause";
    std::filesystem::create_directories(folder);
    cv::imwrite((folder / "frame.png").string(), frame.image);

    boost::asio::io_context io;
    int scans = 0;
    auto cameraConfig = config(FrameSourceKind::Folder, folder);
    cameraConfig.mode = CameraMode::Continuous;
    cameraConfig.loop = true;
    CameraScanSource camera(io, cameraConfig, {[&](Scan) { ++scans; }, nullptr});
    VerifyCollector collector(io, camera, {3, 5s, dir_ / "evidence", 90});
    std::optional<VerifyCapture> capture;
    ASSERT_TRUE(collector.trigger("ORD-1", [&](VerifyCapture c) { capture = std::move(c); }));
    camera.start();
    ASSERT_TRUE(runUntil(
        io, [&] { return capture.has_value(); }, 10s));
    EXPECT_EQ(capture->codes.size(), 2u);
    EXPECT_EQ(scans, 0);

    const auto readBefore = camera.stats().framesRead;
    runUntil(
        io, [&] { return camera.stats().framesRead >= readBefore + 15; }, 5s);
    camera.stop();
    EXPECT_GE(camera.stats().framesRead, readBefore + 15);
    EXPECT_EQ(scans, 0);
}

TEST_F(CameraTest, EvidenceOlderThanRetentionIsPruned) {
    auto folder = dir_ / "evidence";
    cv::Mat image(10, 10, CV_8UC3, cv::Scalar(0, 0, 0));
    auto old = writeEvidence(image, folder, "old");
    auto fresh = writeEvidence(image, folder, "fresh");
    std::filesystem::last_write_time(
        old, std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 31));
    EXPECT_EQ(pruneEvidence(folder, 30), 1);
    EXPECT_FALSE(std::filesystem::exists(old));
    EXPECT_TRUE(std::filesystem::exists(fresh));
}

}  // namespace
}  // namespace station::vision
