#include "vision/frame_decoder.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "tests/vision/test_frames.hpp"
#include "vision/code_validation.hpp"

namespace station::vision {
namespace {

using testing::Distortion;

// Generated frames of six codes each on a 1280x720 background; every symbology appears once
// in every two frames. Symbols are rendered once per suite.
class FrameDecoderCorpusTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        workDir_ = testing::makeTempDir("vision-decoder-test");
        specs_ = testing::stationSymbols();
        for (const auto& spec : specs_) {
            symbols_.push_back(testing::renderSymbol(spec, 4, workDir_));
        }
    }

    static void TearDownTestSuite() { std::filesystem::remove_all(workDir_); }

    static std::vector<testing::TestFrame> frames(Distortion distortion, int count, unsigned seed) {
        std::mt19937 random(seed);
        std::vector<testing::TestFrame> out;
        for (int f = 0; f < count; ++f) {
            std::vector<cv::Mat> symbols;
            std::vector<testing::SymbolSpec> specs;
            for (size_t k = 0; k < 6; ++k) {
                size_t index = (size_t(f) * 6 + k) % specs_.size();
                symbols.push_back(symbols_[index]);
                specs.push_back(specs_[index]);
            }
            out.push_back(
                testing::composeFrame(symbols, specs, cv::Size(1280, 720), distortion, random));
        }
        return out;
    }

    static inline std::filesystem::path workDir_;
    static inline std::vector<testing::SymbolSpec> specs_;
    static inline std::vector<cv::Mat> symbols_;
};

TEST_F(FrameDecoderCorpusTest, ReadsEveryCodeInCleanFrames) {
    FrameDecoder decoder;
    for (const auto& frame : frames(Distortion::None, 2, 1)) {
        FrameResult result = decoder.decode(frame.image);
        testing::Score score = testing::scoreFrame(frame.expected, result.codes);
        EXPECT_EQ(score.found, score.expected);
        EXPECT_EQ(score.misreads, 0);
    }
}

TEST_F(FrameDecoderCorpusTest, CornersLieOnTheSymbol) {
    FrameDecoder decoder;
    auto frame = frames(Distortion::None, 1, 5).front();
    FrameResult result = decoder.decode(frame.image);
    ASSERT_FALSE(result.codes.empty());
    for (const auto& code : result.codes) {
        Point centre = centreOf(code.corners);
        bool inside = false;
        for (const auto& expected : frame.expected) {
            if (expected.text != code.text) {
                continue;
            }
            std::vector<cv::Point> polygon;
            for (const auto& p : expected.corners) {
                polygon.emplace_back(p.x, p.y);
            }
            inside = cv::pointPolygonTest(polygon, cv::Point2f(float(centre.x), float(centre.y)),
                                          false) >= 0;
        }
        EXPECT_TRUE(inside) << code.format << " centre " << centre.x << "," << centre.y;
    }
}

// Minimum share of expected codes read per distortion, over eight frames (48 codes), and no
// misread anywhere. The floors sit a little under the measured rates so that a regression in
// the pipeline fails the test.
struct PassRate {
    Distortion distortion;
    double minimum;
};

class FrameDecoderGoldenTest : public FrameDecoderCorpusTest,
                               public ::testing::WithParamInterface<PassRate> {};

TEST_P(FrameDecoderGoldenTest, MeetsMinimumPassRate) {
    FrameDecoder decoder;
    testing::Score total;
    for (const auto& frame : frames(GetParam().distortion, 8, 11)) {
        auto score = testing::scoreFrame(frame.expected, decoder.decode(frame.image).codes);
        total.expected += score.expected;
        total.found += score.found;
        total.misreads += score.misreads;
    }
    double rate = double(total.found) / total.expected;
    std::printf("%s: %d/%d\n", std::string(distortionName(GetParam().distortion)).c_str(),
                total.found, total.expected);
    EXPECT_GE(rate, GetParam().minimum) << total.found << " of " << total.expected;
    EXPECT_EQ(total.misreads, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Distortions, FrameDecoderGoldenTest,
    ::testing::Values(PassRate{Distortion::None, 1.0}, PassRate{Distortion::Perspective, 0.75},
                      PassRate{Distortion::Rotation, 0.35}, PassRate{Distortion::Blur, 0.4},
                      PassRate{Distortion::Noise, 0.95}, PassRate{Distortion::Glare, 0.85},
                      PassRate{Distortion::LowContrast, 0.95},
                      PassRate{Distortion::Curvature, 0.65}, PassRate{Distortion::Inversion, 0.2},
                      PassRate{Distortion::Small, 0.5}),
    [](const auto& param) {
        std::string name(testing::distortionName(param.param.distortion));
        name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
        return name;
    });

TEST(FrameDecoderTest, BlankFrameHasNoCodes) {
    cv::Mat frame(720, 1280, CV_8UC1, cv::Scalar(180));
    cv::randn(frame, cv::Scalar(180), cv::Scalar(12));
    cv::putText(frame, "FRAGILE 1234567890 THIS SIDE UP", cv::Point(100, 300),
                cv::FONT_HERSHEY_SIMPLEX, 2.0, cv::Scalar(20), 4);
    FrameResult result = FrameDecoder().decode(frame);
    EXPECT_TRUE(result.codes.empty());
}

// A UPC-A whose middle pixel row, the first scan line ZXing-cpp tries, carries the bars of
// another UPC-A with a valid check digit, as a scratch or print defect along one line could.
// Two lines must agree on a linear read, so the decoder reports the symbol the other rows carry.
TEST(FrameDecoderTest, SingleDefectiveLineIsNotReported) {
    auto dir = testing::makeTempDir("vision-defective-line");
    testing::SymbolSpec right{"UPCA", "03600029145", false, "UPC-A", "036000291452"};
    testing::SymbolSpec wrong{"UPCA", "01234567890", false, "UPC-A", "012345678905"};
    cv::Mat symbol = testing::renderWithZint(right, 4, dir);
    cv::Mat other = testing::renderWithZint(wrong, 4, dir);
    std::filesystem::remove_all(dir);
    ASSERT_EQ(symbol.size(), other.size());

    cv::Mat frame(symbol.rows + 200, symbol.cols + 200, CV_8UC1, cv::Scalar(255));
    symbol.copyTo(frame(cv::Rect(100, 100, symbol.cols, symbol.rows)));
    int defectRow = frame.rows / 2;
    other.row(defectRow - 100).copyTo(frame(cv::Rect(100, defectRow, other.cols, 1)));

    FrameResult result = FrameDecoder().decode(frame);
    ASSERT_EQ(result.codes.size(), 1u);
    EXPECT_EQ(result.codes[0].format, "UPC-A");
    EXPECT_EQ(result.codes[0].text, "036000291452");
}

TEST(FrameDecoderTest, EmptyImageGivesEmptyResult) {
    FrameResult result = FrameDecoder().decode(cv::Mat());
    EXPECT_TRUE(result.codes.empty());
    EXPECT_TRUE(result.unreadable.empty());
}

TEST(CodeValidationTest, Gs1CheckDigit) {
    EXPECT_TRUE(hasValidGs1CheckDigit("09506000134352"));
    EXPECT_TRUE(hasValidGs1CheckDigit("96385074"));
    EXPECT_FALSE(hasValidGs1CheckDigit("09506000134353"));
    EXPECT_FALSE(hasValidGs1CheckDigit("0950600013435A"));
    EXPECT_FALSE(hasValidGs1CheckDigit("5"));
}

TEST(CodeValidationTest, RetriedItfMustBeItf14) {
    DecodedCode code{"ITF", "12345678", "]I0", {}, "upscale"};
    EXPECT_FALSE(isWellFormed(code, true));
    EXPECT_TRUE(isWellFormed(code, false));
    code.text = "09506000134376";
    EXPECT_TRUE(isWellFormed(code, true));
    code.text = "09506000134377";
    EXPECT_FALSE(isWellFormed(code, false));
}

TEST(CodeValidationTest, EanWithBadCheckDigitRejected) {
    DecodedCode code{"EAN-13", "9506000134353", "]E0", {}, "plain"};
    std::string reason;
    EXPECT_FALSE(isWellFormed(code, false, &reason));
    EXPECT_EQ(reason, "bad check digit");
}

TEST(CodeValidationTest, EmptyTextRejected) {
    DecodedCode code{"QRCode", "", "]Q1", {}, "plain"};
    EXPECT_FALSE(isWellFormed(code, false));
}

#ifdef STATION_HAVE_IDENTITY
TEST(CodeValidationTest, MalformedGs1PassesPlainRead) {
    DecodedCode code{"DataMatrix", "010950600013435217271399", "]d2", {}, "plain"};
    EXPECT_TRUE(isWellFormed(code, false));
}

TEST(CodeValidationTest, MalformedGs1RetryRejected) {
    // AI 17 needs six digits of a valid date.
    DecodedCode code{"DataMatrix", "010950600013435217271399", "]d2", {}, "clahe"};
    EXPECT_FALSE(isWellFormed(code, true));
    code.text = "010950600013435217271231";
    EXPECT_TRUE(isWellFormed(code, true));
}
#endif

}  // namespace
}  // namespace station::vision
