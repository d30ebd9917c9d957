#include "print/label_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "print/label_preview.hpp"
#include "print/label_template.hpp"

namespace station::print {

namespace {

struct LabelOptions {
    std::string templateName;
    std::vector<std::string> fields;
    std::vector<std::string> units;
    unsigned dpi = 203;
    unsigned width = 812;
    unsigned height = 1218;
    std::string output;
    std::string png;
    std::string rendererModules;
};

std::pair<std::string, std::string> splitAssignment(const std::string& text) {
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw CLI::ValidationError(
            fmt::format("invalid '{}'; expected KEY=VALUE, e.g. order=SO-1001", text));
    }
    return {text.substr(0, equals), text.substr(equals + 1)};
}

LabelData labelData(const LabelOptions& options) {
    LabelData data;
    for (const auto& assignment : options.fields) {
        data.fields.insert(splitAssignment(assignment));
    }
    for (const auto& unit : options.units) {
        std::map<std::string, std::string> row;
        std::size_t start = 0;
        while (start <= unit.size()) {
            const auto comma = unit.find(',', start);
            const std::string part = unit.substr(start, comma - start);
            if (!part.empty()) {
                row.insert(splitAssignment(part));
            }
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
        data.units.push_back(std::move(row));
    }
    return data;
}

LabelTemplate loadTemplate(const std::string& name) {
    for (const auto& builtin : LabelTemplate::builtinNames()) {
        if (builtin == name) {
            return LabelTemplate::builtin(name);
        }
    }
    return LabelTemplate::fromFile(name);
}

std::string renderLabel(const LabelOptions& options) {
    return loadTemplate(options.templateName)
        .render(labelData(options), {options.dpi, options.width, options.height});
}

void addCommonOptions(CLI::App& command, LabelOptions& options) {
    command
        .add_option("template", options.templateName,
                    "Built-in template (carton, unit, reprint) or a .zpl template file")
        ->required();
    command.add_option("--set", options.fields, "Label field, KEY=VALUE; repeat for more");
    command.add_option("--unit", options.units,
                       "One carton row, KEY=VALUE[,KEY=VALUE...]; repeat per unit");
    command.add_option("--dpi", options.dpi, "Printer resolution in dots per inch")
        ->check(CLI::IsMember({203u, 300u, 600u}));
    command.add_option("--width", options.width, "Label width in dots");
    command.add_option("--height", options.height, "Label height in dots");
}

// Runs one command body, turning errors into a message and exit status 1.
void runReporting(const std::function<void()>& body) {
    try {
        body();
    } catch (const CLI::Error&) {
        throw;
    } catch (const std::exception& error) {
        std::cerr << "stationctl label: " << error.what() << '\n';
        throw CLI::RuntimeError(1);
    }
}

void render(const LabelOptions& options) {
    const std::string zpl = renderLabel(options);
    if (options.output.empty()) {
        std::cout << zpl;
        return;
    }
    std::ofstream file(options.output, std::ios::binary);
    file << zpl;
    if (!file) {
        throw std::runtime_error(fmt::format("Failed to write {}", options.output));
    }
}

void preview(const LabelOptions& options) {
    const std::string zpl = renderLabel(options);
    const auto zplPath = std::filesystem::temp_directory_path() /
                         fmt::format("stationctl-preview-{}.zpl", ::getpid());
    {
        std::ofstream file(zplPath, std::ios::binary);
        file << zpl;
    }
    const std::filesystem::path modules = options.rendererModules.empty()
                                              ? defaultRendererModules()
                                              : std::filesystem::path(options.rendererModules);
    try {
        renderPreviews({{zplPath, options.png}}, {options.dpi, options.width, options.height},
                       modules);
    } catch (...) {
        std::filesystem::remove(zplPath);
        throw;
    }
    std::filesystem::remove(zplPath);
}

}  // namespace

void addLabelCommands(CLI::App& app) {
    auto* label = app.add_subcommand("label", "Render label templates to ZPL or a picture");
    label->require_subcommand(1);

    auto renderOptions = std::make_shared<LabelOptions>();
    auto* renderCommand = label->add_subcommand("render", "Print the ZPL of a label");
    addCommonOptions(*renderCommand, *renderOptions);
    renderCommand->add_option("-o,--output", renderOptions->output,
                              "Write the ZPL to this file instead of standard output");
    renderCommand->callback([renderOptions] { runReporting([&] { render(*renderOptions); }); });

    auto previewOptions = std::make_shared<LabelOptions>();
    auto* previewCommand =
        label->add_subcommand("preview", "Draw a label as a PNG picture (needs Node.js)");
    addCommonOptions(*previewCommand, *previewOptions);
    previewCommand->add_option("--png", previewOptions->png, "PNG file to write")->required();
    previewCommand->add_option("--renderer-modules", previewOptions->rendererModules,
                               "node_modules folder holding zpl-renderer-js");
    previewCommand->callback([previewOptions] { runReporting([&] { preview(*previewOptions); }); });
}

}  // namespace station::print
