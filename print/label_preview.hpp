#pragma once

#include <filesystem>
#include <vector>

#include "print/label_template.hpp"

namespace station::print {

// One ZPL file to draw and where to write its picture.
struct PreviewFile {
    std::filesystem::path zpl;
    std::filesystem::path png;
};

// Draws ZPL files as PNG pictures with the npm package zpl-renderer-js under Node.js, all in one
// node process because loading the renderer takes most of the time. The picture has one pixel
// per printer dot. rendererModules is the node_modules folder that holds zpl-renderer-js.
// Throws std::runtime_error naming the missing tool or the renderer's error.
void renderPreviews(const std::vector<PreviewFile>& files, const RenderOptions& options,
                    const std::filesystem::path& rendererModules);

// The node_modules folder with zpl-renderer-js: $STATION_ZPL_RENDERER_MODULES when set, else
// the source tree's tests/print/oracle/node_modules (filled by `npm ci` there).
std::filesystem::path defaultRendererModules();

}  // namespace station::print
