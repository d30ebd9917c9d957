#include "vision/camera_config.hpp"

#include <set>

namespace station::vision {
namespace {

const std::set<std::string, std::less<>> kKeys = {
    "enabled",
    "name",
    "source_kind",
    "source",
    "mode",
    "width",
    "height",
    "fps",
    "exposure",
    "focus",
    "loop",
    "stable_frames",
    "forget_frames",
    "scene_threshold",
    "workers",
    "queue_depth",
    "decode_timeout_ms",
    "retry_budget_ms",
    "verify_stable_frames",
    "verify_timeout_ms",
    "verify_code",
    "evidence_dir",
    "retention_days",
    "crash_dir",
    "reopen_initial_ms",
    "reopen_max_ms",
};

std::string where(const toml::node& node) {
    const auto& source = node.source();
    if (source.begin.line == 0) {
        return "";
    }
    return " (line " + std::to_string(source.begin.line) + ")";
}

template <typename T>
std::optional<T> read(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if constexpr (std::is_same_v<T, double>) {
        if (auto value = node->value<double>()) {
            return *value;
        }
    } else if constexpr (std::is_same_v<T, long long>) {
        if (auto value = node->value_exact<int64_t>()) {
            return *value;
        }
    } else {
        if (auto value = node->value_exact<T>()) {
            return *value;
        }
    }
    throw CameraConfigError(std::string(key), "has the wrong type" + where(*node));
}

long long readInt(const toml::table& table, std::string_view key, long long fallback,
                  long long minimum, long long maximum) {
    long long value = read<long long>(table, key).value_or(fallback);
    if (value < minimum || value > maximum) {
        throw CameraConfigError(std::string(key), std::to_string(value) + " is out of range " +
                                                      std::to_string(minimum) + ".." +
                                                      std::to_string(maximum));
    }
    return value;
}

FrameSourceKind parseKind(const std::string& text) {
    if (text == "device") {
        return FrameSourceKind::Device;
    }
    if (text == "file") {
        return FrameSourceKind::File;
    }
    if (text == "folder") {
        return FrameSourceKind::Folder;
    }
    if (text == "stream") {
        return FrameSourceKind::Stream;
    }
    throw CameraConfigError("source_kind",
                            "\"" + text + "\" is invalid; use device, file, folder or stream");
}

}  // namespace

CameraConfigError::CameraConfigError(std::string key, const std::string& problem)
    : std::runtime_error("camera." + key + ": " + problem), key_(std::move(key)) {}

std::string_view frameSourceKindName(FrameSourceKind kind) {
    switch (kind) {
        case FrameSourceKind::Device:
            return "device";
        case FrameSourceKind::File:
            return "file";
        case FrameSourceKind::Folder:
            return "folder";
        case FrameSourceKind::Stream:
            return "stream";
    }
    return "unknown";
}

CameraConfig parseCameraConfig(const toml::table& camera) {
    for (const auto& [key, node] : camera) {
        if (!kKeys.count(key.str())) {
            throw CameraConfigError(std::string(key.str()), "unknown key" + where(node));
        }
    }

    CameraConfig config;
    config.enabled = read<bool>(camera, "enabled").value_or(config.enabled);
    config.name = read<std::string>(camera, "name").value_or(config.name);
    if (auto kind = read<std::string>(camera, "source_kind")) {
        config.kind = parseKind(*kind);
    }
    config.source = read<std::string>(camera, "source").value_or(config.source);
    if (config.source.empty()) {
        throw CameraConfigError("source", "is empty; set a device, file, folder or URL");
    }
    if (auto mode = read<std::string>(camera, "mode")) {
        if (*mode != "continuous" && *mode != "verify") {
            throw CameraConfigError("mode",
                                    "\"" + *mode + "\" is invalid; use continuous or verify");
        }
        config.mode = *mode == "verify" ? CameraMode::Verify : CameraMode::Continuous;
    }

    config.width = int(readInt(camera, "width", config.width, 160, 7680));
    config.height = int(readInt(camera, "height", config.height, 120, 4320));
    config.fps = read<double>(camera, "fps").value_or(config.fps);
    if (config.fps < 0 || config.fps > 240) {
        throw CameraConfigError("fps", "must be between 0 and 240");
    }
    config.exposure = read<double>(camera, "exposure");
    config.focus = read<double>(camera, "focus");
    config.loop = read<bool>(camera, "loop").value_or(config.loop);

    config.stableFrames = int(readInt(camera, "stable_frames", config.stableFrames, 1, 100));
    config.forgetFrames = int(readInt(camera, "forget_frames", config.forgetFrames, 1, 10000));
    config.sceneThreshold = read<double>(camera, "scene_threshold").value_or(config.sceneThreshold);
    config.workers = int(readInt(camera, "workers", config.workers, 1, 16));
    config.queueDepth = std::size_t(readInt(camera, "queue_depth", 2, 1, 64));
    config.decodeTimeout = std::chrono::milliseconds(
        readInt(camera, "decode_timeout_ms", config.decodeTimeout.count(), 100, 60000));
    config.retryBudgetMs = std::uint32_t(readInt(camera, "retry_budget_ms", 25, 0, 1000));
    config.verifyStableFrames =
        int(readInt(camera, "verify_stable_frames", config.verifyStableFrames, 1, 100));
    config.verifyTimeout = std::chrono::milliseconds(
        readInt(camera, "verify_timeout_ms", config.verifyTimeout.count(), 100, 600000));

    config.verifyCode = read<std::string>(camera, "verify_code").value_or(config.verifyCode);

    config.evidenceDir = read<std::string>(camera, "evidence_dir").value_or("");
    config.retentionDays = int(readInt(camera, "retention_days", config.retentionDays, 1, 36500));
    config.crashDir = read<std::string>(camera, "crash_dir").value_or("");
    config.reopenInitial = std::chrono::milliseconds(
        readInt(camera, "reopen_initial_ms", config.reopenInitial.count(), 10, 600000));
    config.reopenMax = std::chrono::milliseconds(
        readInt(camera, "reopen_max_ms", config.reopenMax.count(), 10, 3600000));
    return config;
}

}  // namespace station::vision
