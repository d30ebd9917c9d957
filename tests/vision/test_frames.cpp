#include "tests/vision/test_frames.hpp"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace station::vision::testing {
namespace {

constexpr char kGs = '\x1D';

cv::Mat background(cv::Size size, std::mt19937& random) {
    // Cardboard brown with a lighting gradient and fine texture.
    cv::Mat frame(size, CV_8UC3);
    std::uniform_int_distribution<int> shade(-20, 20);
    cv::Scalar base(110 + shade(random), 150 + shade(random), 185 + shade(random));
    for (int y = 0; y < size.height; ++y) {
        double light = 0.85 + 0.25 * double(y) / size.height;
        frame.row(y).setTo(base * light);
    }
    cv::Mat texture(size, CV_8UC3);
    cv::randn(texture, cv::Scalar::all(0), cv::Scalar::all(6));
    frame += texture;
    return frame;
}

// Bends a symbol as if printed on a cylinder: columns near the edges compress and the rows
// sag in the middle.
cv::Mat curve(const cv::Mat& symbol) {
    cv::Mat mapX(symbol.size(), CV_32F);
    cv::Mat mapY(symbol.size(), CV_32F);
    double half = symbol.cols / 2.0;
    double radius = symbol.cols * 0.75;
    for (int y = 0; y < symbol.rows; ++y) {
        for (int x = 0; x < symbol.cols; ++x) {
            double u = (x - half) / half;  // -1 .. 1 across the output
            double angle = std::asin(std::clamp(u * half / radius, -1.0, 1.0));
            mapX.at<float>(y, x) = float(half + angle * radius);
            mapY.at<float>(y, x) = float(y - 0.06 * symbol.rows * (1 - u * u));
        }
    }
    cv::Mat out;
    cv::remap(symbol, out, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
    return out;
}

void addGlare(cv::Mat& frame, cv::Point centre, int radius) {
    cv::Mat glare(frame.size(), CV_32F, cv::Scalar(0));
    cv::circle(glare, centre, radius, cv::Scalar(150), cv::FILLED);
    cv::GaussianBlur(glare, glare, cv::Size(0, 0), radius / 2.0);
    cv::Mat glare3;
    cv::merge(std::vector<cv::Mat>{glare, glare, glare}, glare3);
    cv::Mat frameF;
    frame.convertTo(frameF, CV_32FC3);
    frameF += glare3;
    frameF.convertTo(frame, CV_8UC3);
}

}  // namespace

std::string_view distortionName(Distortion distortion) {
    switch (distortion) {
        case Distortion::None:
            return "none";
        case Distortion::Perspective:
            return "perspective";
        case Distortion::Rotation:
            return "rotation";
        case Distortion::Blur:
            return "blur";
        case Distortion::Noise:
            return "noise";
        case Distortion::Glare:
            return "glare";
        case Distortion::LowContrast:
            return "low-contrast";
        case Distortion::Curvature:
            return "curvature";
        case Distortion::Inversion:
            return "inversion";
        case Distortion::Small:
            return "small";
    }
    return "unknown";
}

const std::vector<Distortion>& allDistortions() {
    static const std::vector<Distortion> all = {
        Distortion::None,        Distortion::Perspective, Distortion::Rotation,
        Distortion::Blur,        Distortion::Noise,       Distortion::Glare,
        Distortion::LowContrast, Distortion::Curvature,   Distortion::Inversion,
        Distortion::Small,
    };
    return all;
}

std::vector<SymbolSpec> stationSymbols() {
    std::string gs(1, kGs);
    return {
        {"DATAMATRIX", "[01]09506000134352[21]SN1001[10]LOT42[17]271231", true, "DataMatrix",
         "0109506000134352"
         "21SN1001" +
             gs + "10LOT42" + gs + "17271231"},
        {"GS1_128", "[01]09506000134369[21]SNABCD", true, "Code128",
         "0109506000134369"
         "21SNABCD"},
        {"QRCODE", "ORD-100234", false, "QRCode", "ORD-100234"},
        {"EANX", "950600013435", false, "EAN-13", "9506000134352"},
        {"UPCA", "03600029145", false, "UPC-A", "036000291452"},
        {"CODE39", "UNIT-7781", false, "Code39", "UNIT-7781"},
        {"CODE128", "SKU-AB-553", false, "Code128", "SKU-AB-553"},
        {"ITF14", "0950600013437", false, "ITF", "09506000134376"},
        {"DBAR_OMN", "0950600013438", false, "DataBar", "0109506000134383"},
        {"DBAR_EXP", "[01]04012345678901[10]AB12[3103]000150", true, "DataBarExpanded",
         "0104012345678901"
         "10AB12" +
             gs + "3103000150"},
        {"PDF417", "SHIP 4471 LOT A7", false, "PDF417", "SHIP 4471 LOT A7"},
        {"EANX", "9638507", false, "EAN-8", "96385074"},
    };
}

cv::Mat renderWithZint(const SymbolSpec& spec, int moduleSize,
                       const std::filesystem::path& workDir) {
    static std::atomic<int> counter{0};
    std::filesystem::path output = workDir / ("zint-" + std::to_string(counter++) + ".png");
    // zint draws two pixels per module at scale 1 in raster output.
    std::string command = "zint -b " + spec.zintType + (spec.gs1 ? " --gs1" : "") +
                          " --quietzones --notext --scale=" + std::to_string(moduleSize / 2.0) +
                          " -d '" + spec.zintInput + "' -o '" + output.string() + "'";
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("zint failed: " + command);
    }
    cv::Mat image = cv::imread(output.string(), cv::IMREAD_GRAYSCALE);
    if (image.empty()) {
        throw std::runtime_error("zint wrote no image: " + output.string());
    }
    return image;
}

cv::Mat renderSymbol(const SymbolSpec& spec, int moduleSize, const std::filesystem::path& workDir) {
    if (spec.zintType == "QRCODE") {
        return renderWithZxing("QRCode", spec.text, 33 * moduleSize);
    }
    return renderWithZint(spec, moduleSize, workDir);
}

cv::Mat renderWithZxing(std::string_view format, const std::string& text, int size) {
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormatFromString(std::string(format)));
    writer.setMargin(4);
    ZXing::BitMatrix matrix = writer.encode(text, size, size);
    cv::Mat image(matrix.height(), matrix.width(), CV_8UC1);
    for (int y = 0; y < matrix.height(); ++y) {
        for (int x = 0; x < matrix.width(); ++x) {
            image.at<uchar>(y, x) = matrix.get(x, y) ? 0 : 255;
        }
    }
    return image;
}

TestFrame composeFrame(const std::vector<cv::Mat>& symbols, const std::vector<SymbolSpec>& specs,
                       cv::Size size, Distortion distortion, std::mt19937& random) {
    TestFrame frame;
    frame.image = background(size, random);

    int count = int(symbols.size());
    int columns = count <= 1 ? 1 : count <= 4 ? 2 : 3;
    int rows = (count + columns - 1) / columns;
    cv::Size cell(size.width / columns, size.height / rows);
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    for (int i = 0; i < count; ++i) {
        cv::Mat symbol = symbols[size_t(i)];
        if (distortion == Distortion::Inversion) {
            // Into a new matrix: assigning the expression to `symbol` would write into the
            // caller's symbol, which `symbol` shares.
            cv::Mat inverted;
            cv::bitwise_not(symbol, inverted);
            symbol = inverted;
        }
        if (distortion == Distortion::Curvature) {
            symbol = curve(symbol);
        }

        // Symbols come with 4 pixels per module; cameras over a table see 1.8 to 3 pixels per
        // module, and small symbols about 1.2.
        double fit = std::min(0.9 * cell.width / symbol.cols, 0.8 * cell.height / symbol.rows);
        double module = distortion == Distortion::Small ? 1.2 : 1.8 + 1.2 * unit(random);
        double scale = std::min(fit, module / 4.0);
        double w = symbol.cols * scale;
        double h = symbol.rows * scale;
        cv::Point2f centre(float(cell.width * (i % columns) + cell.width / 2.0),
                           float(cell.height * (i / columns) + cell.height / 2.0));

        double angle = (unit(random) - 0.5) * 0.14;  // a few degrees of placement error
        if (distortion == Distortion::Rotation) {
            angle = unit(random) * 2 * CV_PI;
            double shrink = 1.0 / (std::abs(std::cos(angle)) + std::abs(std::sin(angle)));
            w *= shrink;
            h *= shrink;
        }
        std::vector<cv::Point2f> destination;
        const double corners[4][2] = {{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};
        for (const auto& corner : corners) {
            double x = corner[0] * w;
            double y = corner[1] * h;
            if (distortion == Distortion::Perspective) {
                x += (unit(random) - 0.5) * 0.3 * w;
                y += (unit(random) - 0.5) * 0.3 * h;
            }
            destination.emplace_back(float(centre.x + x * std::cos(angle) - y * std::sin(angle)),
                                     float(centre.y + x * std::sin(angle) + y * std::cos(angle)));
        }
        std::vector<cv::Point2f> source = {{0, 0},
                                           {float(symbol.cols), 0},
                                           {float(symbol.cols), float(symbol.rows)},
                                           {0, float(symbol.rows)}};
        cv::Mat homography = cv::getPerspectiveTransform(source, destination);

        cv::Mat warped;
        cv::Mat mask;
        cv::warpPerspective(symbol, warped, homography, size, cv::INTER_AREA);
        cv::warpPerspective(cv::Mat(symbol.size(), CV_8UC1, cv::Scalar(255)), mask, homography,
                            size, cv::INTER_NEAREST);
        cv::Mat warped3;
        cv::cvtColor(warped, warped3, cv::COLOR_GRAY2BGR);
        warped3.copyTo(frame.image, mask);

        ExpectedCode expected{specs[size_t(i)].format, specs[size_t(i)].text, {}};
        for (size_t k = 0; k < 4; ++k) {
            expected.corners[k] = {int(destination[k].x), int(destination[k].y)};
        }
        frame.expected.push_back(expected);
    }

    switch (distortion) {
        case Distortion::Blur:
            cv::GaussianBlur(frame.image, frame.image, cv::Size(0, 0), 1.2);
            break;
        case Distortion::Noise: {
            cv::Mat signedFrame;
            frame.image.convertTo(signedFrame, CV_16SC3);
            cv::Mat gaussian(size, CV_16SC3);
            cv::randn(gaussian, cv::Scalar::all(0), cv::Scalar::all(20));
            signedFrame += gaussian;
            signedFrame.convertTo(frame.image, CV_8UC3);
            break;
        }
        case Distortion::Glare:
            for (const auto& expected : frame.expected) {
                Point c = centreOf(expected.corners);
                int radius = std::abs(expected.corners[1].x - expected.corners[0].x) / 4 + 10;
                addGlare(frame.image, cv::Point(c.x + radius, c.y - radius / 2), radius);
            }
            break;
        case Distortion::LowContrast:
            frame.image.convertTo(frame.image, CV_8UC3, 0.2, 100);
            break;
        default:
            break;
    }
    // Every camera adds a little sensor noise and softness.
    cv::GaussianBlur(frame.image, frame.image, cv::Size(3, 3), 0.6);
    return frame;
}

Score scoreFrame(const std::vector<ExpectedCode>& expected, const std::vector<DecodedCode>& codes) {
    Score score;
    score.expected = int(expected.size());
    std::vector<bool> used(expected.size(), false);
    for (const auto& code : codes) {
        bool matched = false;
        for (size_t i = 0; i < expected.size(); ++i) {
            if (!used[i] && expected[i].format == code.format && expected[i].text == code.text) {
                used[i] = true;
                matched = true;
                ++score.found;
                break;
            }
        }
        bool knownText = std::any_of(expected.begin(), expected.end(),
                                     [&](const ExpectedCode& e) { return e.text == code.text; });
        if (!matched && !knownText) {
            ++score.misreads;
        }
    }
    return score;
}

std::filesystem::path makeTempDir(std::string_view prefix) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    return pattern;
}

}  // namespace station::vision::testing
