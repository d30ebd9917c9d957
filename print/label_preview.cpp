#include "print/label_preview.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "print/embedded_text.hpp"

extern char** environ;

namespace station::print {

namespace {

#include "print/preview_script.inc"  // kPreviewScripts

// Dots per millimetre for zpl-renderer-js: 8 at 203 dpi, 12 at 300, 24 at 600.
double dotsPerMm(unsigned dpi) {
    if (dpi <= 203) {
        return 8.0;
    }
    return dpi <= 300 ? 12.0 : 24.0;
}

std::string readAll(int fd) {
    std::string text;
    char buffer[1024];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

}  // namespace

std::filesystem::path defaultRendererModules() {
    if (const char* modules = std::getenv("STATION_ZPL_RENDERER_MODULES")) {
        return modules;
    }
    return STATION_DEFAULT_RENDERER_MODULES;
}

void renderPreviews(const std::vector<PreviewFile>& files, const RenderOptions& options,
                    const std::filesystem::path& rendererModules) {
    if (files.empty()) {
        return;
    }
    if (!std::filesystem::exists(rendererModules / "zpl-renderer-js")) {
        throw std::runtime_error(fmt::format(
            "zpl-renderer-js not found in {}; run `npm ci` in tests/print/oracle or set "
            "STATION_ZPL_RENDERER_MODULES",
            rendererModules.string()));
    }

    const double dpmm = dotsPerMm(options.dpi);
    std::vector<std::string> arguments = {"node",
                                          "-e",
                                          std::string(kPreviewScripts[0].text),
                                          fmt::format("{:.3f}", options.labelWidthDots / dpmm),
                                          fmt::format("{:.3f}", options.labelHeightDots / dpmm),
                                          fmt::format("{}", dpmm)};
    for (const auto& file : files) {
        arguments.push_back(file.zpl.string());
        arguments.push_back(file.png.string());
    }
    std::vector<char*> argv;
    for (auto& argument : arguments) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);

    std::vector<std::string> environment = {"NODE_PATH=" + rendererModules.string()};
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::strncmp(*entry, "NODE_PATH=", 10) != 0) {
            environment.emplace_back(*entry);
        }
    }
    std::vector<char*> envp;
    for (auto& entry : environment) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);

    int errors[2];
    if (::pipe2(errors, O_CLOEXEC) != 0) {
        throw std::runtime_error(fmt::format("Failed to create a pipe: {}", std::strerror(errno)));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, errors[1], STDERR_FILENO);
    pid_t pid = -1;
    const int spawnError = posix_spawnp(&pid, "node", &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(errors[1]);
    if (spawnError != 0) {
        ::close(errors[0]);
        throw std::runtime_error(
            fmt::format("Failed to start node: {}; install Node.js 20 to draw label previews",
                        std::strerror(spawnError)));
    }
    const std::string errorText = readAll(errors[0]);
    ::close(errors[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error(
            fmt::format("zpl-renderer-js failed to draw the label: {}", errorText));
    }
}

}  // namespace station::print
