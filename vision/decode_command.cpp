#include "vision/decode_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <variant>
#include <vector>

#include "vision/decoder_process.hpp"
#include "vision/frame_decoder.hpp"

namespace station::vision {
namespace {

struct DecodeCommandOptions {
    bool json = false;
    std::vector<std::string> images;
};

nlohmann::json toJson(const std::string& file, const FrameResult& result) {
    nlohmann::json codes = nlohmann::json::array();
    for (const auto& code : result.codes) {
        nlohmann::json corners = nlohmann::json::array();
        for (const auto& p : code.corners) {
            corners.push_back({p.x, p.y});
        }
        codes.push_back({{"format", code.format},
                         {"text", toUtf8(code.text)},
                         {"symbology", code.symbology},
                         {"corners", corners}});
    }
    return {{"file", file}, {"codes", codes}, {"ms", result.milliseconds}};
}

void printText(const std::string& file, const FrameResult& result) {
    std::cout << file << ": " << result.codes.size() << " code"
              << (result.codes.size() == 1 ? "" : "s") << " in " << result.milliseconds << " ms\n";
    for (const auto& code : result.codes) {
        std::cout << "  " << code.format << ' ' << code.symbology << ' ' << escapeBytes(code.text)
                  << '\n';
    }
}

// Decodes in a worker process like the daemon does, so that an image that crashes the decoder
// costs one error line, not the whole run. Without the worker it decodes in this process.
class ImageDecoder {
public:
    ImageDecoder() {
        auto path = defaultDecoderPath();
        std::error_code error;
        if (std::filesystem::exists(path, error)) {
            process_ = std::make_unique<DecoderProcess>(DecoderProcessOptions{.executable = path});
        }
    }

    // Returns the result, or an error message when the worker failed on the image.
    std::variant<FrameResult, std::string> decode(const cv::Mat& gray) {
        if (!process_) {
            return FrameDecoder().decode(gray);
        }
        DecodeOutcome outcome = process_->decode(gray);
        if (outcome.status != DecodeOutcome::Status::Decoded) {
            return std::string(statusName(outcome.status)) + ": " + outcome.detail;
        }
        return std::move(outcome.result);
    }

private:
    std::unique_ptr<DecoderProcess> process_;
};

int runDecode(const DecodeCommandOptions& options) {
    ImageDecoder decoder;
    int status = 0;
    for (const auto& file : options.images) {
        cv::Mat image = cv::imread(file, cv::IMREAD_GRAYSCALE);
        if (image.empty()) {
            std::cerr << "Failed to read image " << file
                      << ": not found or not an image format OpenCV can decode\n";
            status = 1;
            continue;
        }
        auto decoded = decoder.decode(image);
        if (auto* error = std::get_if<std::string>(&decoded)) {
            std::cerr << "Failed to decode image " << file << ": " << *error << '\n';
            status = 1;
            continue;
        }
        const FrameResult& result = std::get<FrameResult>(decoded);
        if (options.json) {
            std::cout << toJson(file, result).dump() << '\n';
        } else {
            printText(file, result);
        }
    }
    std::cout.flush();
    return status;
}

}  // namespace

void addDecodeCommand(CLI::App& app) {
    auto options = std::make_shared<DecodeCommandOptions>();
    CLI::App* command =
        app.add_subcommand("decode", "Read every barcode in image files with the camera pipeline");
    command->add_flag("--json", options->json, "Print one JSON object per image");
    command->add_option("IMAGE", options->images, "Image files (PNG, JPEG, WebP, ...)")->required();
    command->callback([options] {
        int status = runDecode(*options);
        if (status != 0) {
            throw CLI::RuntimeError(status);
        }
    });
}

}  // namespace station::vision
