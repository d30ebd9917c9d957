#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace station::print {

// The values one label is rendered with. Field names are those a template may reference:
//   order, customer_ref, station, operator, date, unit_count, quantity, reprint_reason,
//   original_job, and for a single-unit label gtin, sku, serial, lot, expiry.
// Each entry of units is one row of a carton label, with the keys gtin, sku, serial, lot and
// expiry. Expiry is YYMMDD or YYYY-MM-DD; a GTIN may have 8, 12, 13 or 14 digits.
struct LabelData {
    std::map<std::string, std::string> fields;
    std::vector<std::map<std::string, std::string>> units;
};

// The printer the label is rendered for, from its configuration.
struct RenderOptions {
    unsigned dpi = 203;
    unsigned labelWidthDots = 812;
    unsigned labelHeightDots = 1218;
};

// A template that failed validation. what() reads "FILE:LINE: problem".
class TemplateError : public std::runtime_error {
public:
    TemplateError(std::string file, int line, const std::string& problem);

    const std::string& file() const { return file_; }
    int line() const { return line_; }

private:
    std::string file_;
    int line_;
};

// Field data that ZPL cannot hold, or a barcode value its symbology rejects. The message names
// the template, the field and the reason. Nothing is printed in that case.
class RenderError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The outcome of tryRender(): the ZPL, or the reason it could not be rendered.
struct RenderResult {
    std::string zpl;
    std::string error;  // empty on success

    bool ok() const { return error.empty(); }
};

// A ZPL label template with named placeholders, validated when it is loaded.
//
// A template is one ZPL format (^XA ... ^XZ) in which:
//   {{name}}                text of a field, only inside ^FD ... ^FS
//   {{code128 name}}        a barcode element after a ^FO; also gs1_128, datamatrix,
//                           gs1_datamatrix, qr and digital_link_qr (see docs/labels.md)
//   {{#units step=N max=M}} ... {{/units}}  repeated once per unit, each row N dots lower
//   {{#if name}} ... {{/if}}, {{#unless name}} ... {{/unless}}  kept when the field is set/empty
//   ^FX dpi=300             the resolution positions are written for (203 when absent)
// The renderer adds ^CI28 (UTF-8), ^PW and ^LL after ^XA and ^FH_ before each field that holds
// a placeholder, and every value goes through escapeFieldData().
class LabelTemplate {
public:
    // Loads and validates a template file. Throws TemplateError with file:line.
    static LabelTemplate fromFile(const std::filesystem::path& path);

    // Validates template text; sourceName is used in error messages.
    static LabelTemplate fromString(std::string_view text, std::string sourceName);

    // Returns a template shipped in the binary: "carton", "unit" or "reprint". Throws
    // std::invalid_argument for another name.
    static LabelTemplate builtin(std::string_view name);
    static std::vector<std::string> builtinNames();
    // Returns the text of a shipped template, as in print/templates/NAME.zpl.
    static std::string_view builtinText(std::string_view name);

    LabelTemplate(const LabelTemplate&);
    LabelTemplate(LabelTemplate&&) noexcept;
    LabelTemplate& operator=(const LabelTemplate&);
    LabelTemplate& operator=(LabelTemplate&&) noexcept;
    ~LabelTemplate();

    // Renders one label. Throws RenderError when a value cannot be printed as it is: too long
    // for ^FD, or invalid for its barcode (a GTIN with a wrong check digit, a non-ASCII byte in
    // Code 128). Values are never cut or changed to make them fit.
    std::string render(const LabelData& data, const RenderOptions& options) const;

    // Same as render(), but returns the error as a value; for callers in an event loop.
    RenderResult tryRender(const LabelData& data, const RenderOptions& options) const noexcept;

    const std::string& sourceName() const;
    unsigned dpi() const;
    // Field names the template references, sorted ("unit." prefix for per-unit fields).
    std::vector<std::string> fieldNames() const;

private:
    struct Impl;
    explicit LabelTemplate(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> impl_;
};

}  // namespace station::print
