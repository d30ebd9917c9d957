#include "print/label_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "print/barcode.hpp"
#include "print/embedded_text.hpp"
#include "print/zpl_escape.hpp"
#include "print/zpl_geometry.hpp"

namespace station::print {

namespace {

#include "print/builtin_templates.inc"  // kBuiltinTemplates

const std::set<std::string, std::less<>> kLabelFields = {
    "order",    "customer_ref",   "station",      "operator", "date", "unit_count",
    "quantity", "reprint_reason", "original_job", "gtin",     "sku",  "serial",
    "lot",      "expiry",         "units_hidden"};

const std::set<std::string, std::less<>> kUnitFields = {"gtin", "sku",    "serial",
                                                        "lot",  "expiry", "number"};

enum class BarcodeKind { Code128, Gs1_128, DataMatrix, Gs1DataMatrix, Qr, DigitalLinkQr };

struct AiSource {
    std::string ai;
    std::string field;
    bool optional = false;
};

struct BarcodeSpec {
    BarcodeKind kind = BarcodeKind::Code128;
    std::string field;          // for symbologies that take one value
    std::vector<AiSource> ais;  // for GS1 symbologies
    BarcodeSize size;
    std::string domain = "id.gs1.org";
};

struct Node {
    enum class Kind { Commands, FieldData, Text, Barcode, Units, If };

    Kind kind = Kind::Commands;
    std::string text;  // ZPL for Commands and FieldData, the field name for Text and If
    int line = 0;
    int fieldId = -1;         // the ^FD field a FieldData or Text node belongs to
    bool opensField = false;  // Commands ending in "^FD"
    BarcodeSpec barcode;
    int step = 0;
    std::size_t maxRows = 0;
    bool negate = false;
    std::vector<Node> children;
};

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::vector<std::string> splitWords(std::string_view text) {
    std::vector<std::string> words;
    std::istringstream stream{std::string(text)};
    std::string word;
    while (stream >> word) {
        words.push_back(word);
    }
    return words;
}

std::optional<int> parseNumber(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<BarcodeKind> barcodeKind(std::string_view word) {
    static const std::map<std::string, BarcodeKind, std::less<>> kKinds = {
        {"code128", BarcodeKind::Code128},
        {"gs1_128", BarcodeKind::Gs1_128},
        {"datamatrix", BarcodeKind::DataMatrix},
        {"gs1_datamatrix", BarcodeKind::Gs1DataMatrix},
        {"qr", BarcodeKind::Qr},
        {"digital_link_qr", BarcodeKind::DigitalLinkQr}};
    const auto it = kKinds.find(word);
    if (it == kKinds.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool isGs1Kind(BarcodeKind kind) {
    return kind == BarcodeKind::Gs1_128 || kind == BarcodeKind::Gs1DataMatrix ||
           kind == BarcodeKind::DigitalLinkQr;
}

// Reads a template into a tree of nodes and checks it, reporting the first problem with its
// line. Commands are followed through the text to know where each ^FD field opens and closes.
class Parser {
public:
    Parser(std::string_view text, std::string sourceName)
        : text_(text), sourceName_(std::move(sourceName)) {}

    std::vector<Node> parse();
    unsigned dpi() const { return dpi_; }
    std::size_t unitsMaxRows() const { return unitsMaxRows_; }
    const std::set<std::string>& fieldNames() const { return fieldNames_; }

private:
    struct Block {
        std::string name;
        int line;
        std::vector<Node> nodes;
        Node node;
    };

    [[noreturn]] void fail(int line, const std::string& problem) const {
        throw TemplateError(sourceName_, line, problem);
    }

    std::vector<Node>& current() { return stack_.back().nodes; }
    int lineAt(std::size_t pos) const;
    void scanCommands(std::size_t begin, std::size_t end);
    void addCommands(std::string_view zpl, int line, bool opensField);
    void addFieldData(std::string_view data, int line);
    void handleTag(std::string_view tag, int line);
    void handleBlockOpen(const std::vector<std::string>& words, int line);
    void handleBlockClose(std::string_view name, int line);
    void checkFieldName(const std::string& name, int line);
    BarcodeSpec parseBarcode(BarcodeKind kind, const std::vector<std::string>& words, int line);
    void finish();

    std::string_view text_;
    std::string sourceName_;
    std::vector<Block> stack_;
    unsigned dpi_ = 203;
    std::size_t unitsMaxRows_ = 0;
    std::set<std::string> fieldNames_;

    bool inField_ = false;
    int fieldLine_ = 0;
    int fieldCount_ = 0;
    std::vector<bool> fieldHasPlaceholder_;
    int formatStarts_ = 0;
    int formatEnds_ = 0;
    int lastFormatEndLine_ = 0;
    bool contentAfterEnd_ = false;
};

int Parser::lineAt(std::size_t pos) const {
    return 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + pos, '\n'));
}

void Parser::addCommands(std::string_view zpl, int line, bool opensField) {
    if (zpl.empty()) {
        return;
    }
    Node node;
    node.kind = Node::Kind::Commands;
    node.text = std::string(zpl);
    node.line = line;
    node.opensField = opensField;
    node.fieldId = opensField ? fieldCount_ - 1 : -1;
    current().push_back(std::move(node));
}

void Parser::addFieldData(std::string_view data, int line) {
    if (data.empty()) {
        return;
    }
    Node node;
    node.kind = Node::Kind::FieldData;
    node.text = std::string(data);
    node.line = line;
    node.fieldId = fieldCount_ - 1;
    current().push_back(std::move(node));
}

// Splits literal template text into command runs and field data, tracking ^XA/^XZ and ^FD/^FS.
void Parser::scanCommands(std::size_t begin, std::size_t end) {
    std::size_t pos = begin;
    std::size_t runStart = begin;
    while (pos < end) {
        const char c = text_[pos];
        if (inField_) {
            if (c != '^' && c != '~') {
                ++pos;
                continue;
            }
            addFieldData(text_.substr(runStart, pos - runStart), lineAt(runStart));
            if (text_.substr(pos, 3) != "^FS") {
                fail(lineAt(pos), fmt::format("field opened with ^FD on line {} is not closed "
                                              "by ^FS before '{}'",
                                              fieldLine_, text_.substr(pos, 3)));
            }
            inField_ = false;
            runStart = pos;
            pos += 3;
            continue;
        }

        if ((c != '^' && c != '~') || pos + 2 >= text_.size()) {
            if (formatEnds_ > 0 && !std::isspace(static_cast<unsigned char>(c))) {
                contentAfterEnd_ = true;
            }
            ++pos;
            continue;
        }

        const std::string_view command = text_.substr(pos + 1, 2);
        const int line = lineAt(pos);
        if (formatEnds_ > 0) {
            fail(line, fmt::format("'{}{}' after ^XZ; a template holds exactly one label format", c,
                                   command));
        }
        if (command == "XA") {
            if (formatStarts_++ > 0) {
                fail(line, "second ^XA; a template holds exactly one label format");
            }
        } else if (formatStarts_ == 0) {
            fail(line,
                 fmt::format("'{}{}' before ^XA; a template must start with ^XA", c, command));
        }
        if (command == "XZ") {
            ++formatEnds_;
            lastFormatEndLine_ = line;
        }
        if (command == "CI" || command == "PW" || command == "LL") {
            fail(line, fmt::format("remove ^{}: the renderer sets the character set (^CI28) and "
                                   "the label size from the printer configuration",
                                   command));
        }
        if (command == "FX") {
            // A comment: "^FX dpi=300" declares the template's resolution.
            std::size_t commentEnd = text_.find_first_of("^~", pos + 3);
            commentEnd = std::min(commentEnd, end);
            const std::string_view comment = trim(text_.substr(pos + 3, commentEnd - pos - 3));
            if (comment.substr(0, 4) == "dpi=") {
                const auto value = parseNumber(comment.substr(4));
                if (!value || (*value != 203 && *value != 300 && *value != 600)) {
                    fail(line,
                         fmt::format("invalid '{}'; use dpi=203, dpi=300 or dpi=600", comment));
                }
                dpi_ = static_cast<unsigned>(*value);
            }
            // Comments stay in the template; the printer never needs them.
            addCommands(text_.substr(runStart, pos - runStart), lineAt(runStart), false);
            pos = commentEnd;
            runStart = pos;
            continue;
        }
        if (command == "FD" || command == "FV") {
            addCommands(text_.substr(runStart, pos + 3 - runStart), lineAt(runStart), false);
            current().back().opensField = true;
            current().back().fieldId = fieldCount_++;
            fieldHasPlaceholder_.push_back(false);
            inField_ = true;
            fieldLine_ = line;
            pos += 3;
            runStart = pos;
            continue;
        }
        pos += 3;
    }

    if (inField_) {
        addFieldData(text_.substr(runStart, end - runStart), lineAt(runStart));
    } else {
        addCommands(text_.substr(runStart, end - runStart), lineAt(runStart), false);
    }
}

void Parser::checkFieldName(const std::string& name, int line) {
    const bool inUnits = std::any_of(stack_.begin(), stack_.end(),
                                     [](const Block& block) { return block.name == "units"; });
    if (name.rfind("unit.", 0) == 0) {
        if (!kUnitFields.count(name.substr(5))) {
            fail(line, fmt::format("unknown placeholder '{}'; unit fields are gtin, sku, "
                                   "serial, lot, expiry and number",
                                   name));
        }
        if (!inUnits) {
            fail(line, fmt::format("'{}' is outside a {{{{#units}}}} block", name));
        }
    } else if (!kLabelFields.count(name)) {
        fail(line,
             fmt::format("unknown placeholder '{}'; see docs/labels.md for the fields", name));
    }
    fieldNames_.insert(name);
}

BarcodeSpec Parser::parseBarcode(BarcodeKind kind, const std::vector<std::string>& words,
                                 int line) {
    BarcodeSpec spec;
    spec.kind = kind;
    const bool twoDimensional = kind != BarcodeKind::Code128 && kind != BarcodeKind::Gs1_128;
    spec.size.moduleDots = twoDimensional ? 5 : 2;

    for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string& word = words[i];
        const auto equals = word.find('=');
        const std::string key = word.substr(0, equals);
        const std::string value = equals == std::string::npos ? "" : word.substr(equals + 1);

        if (key == "module" || key == "height") {
            const auto number = parseNumber(value);
            if (!number || *number < 1 || *number > 2000) {
                fail(line, fmt::format("invalid {}='{}'; give a number of dots", key, value));
            }
            (key == "module" ? spec.size.moduleDots : spec.size.heightDots) =
                static_cast<unsigned>(*number);
        } else if (key == "text") {
            if (value != "yes" && value != "no") {
                fail(line, fmt::format("invalid text='{}'; use yes or no", value));
            }
            spec.size.humanReadable = value == "yes";
        } else if (key == "domain" && kind == BarcodeKind::DigitalLinkQr) {
            spec.domain = value;
        } else if (isGs1Kind(kind) && equals != std::string::npos && parseNumber(key)) {
            AiSource source{key, value, false};
            if (!source.field.empty() && source.field.back() == '?') {
                source.optional = true;
                source.field.pop_back();
            }
            checkFieldName(source.field, line);
            spec.ais.push_back(source);
        } else if (!isGs1Kind(kind) && equals == std::string::npos && spec.field.empty()) {
            checkFieldName(word, line);
            spec.field = word;
        } else {
            fail(line, fmt::format("unexpected '{}' in {} element", word, words[0]));
        }
    }

    if (isGs1Kind(kind) && spec.ais.empty()) {
        fail(line, fmt::format("{} needs at least one AI=field, e.g. 01=gtin", words[0]));
    }
    if (!isGs1Kind(kind) && spec.field.empty()) {
        fail(line, fmt::format("{} needs the field to encode, e.g. {{{{{} order}}}}", words[0],
                               words[0]));
    }
    return spec;
}

void Parser::handleBlockOpen(const std::vector<std::string>& words, int line) {
    if (inField_) {
        fail(line, "a block cannot start inside ^FD ... ^FS");
    }
    Block block;
    block.line = line;
    const std::string name = words[0].substr(1);
    if (name == "units") {
        block.node.kind = Node::Kind::Units;
        block.node.step = 30;
        block.node.maxRows = 20;
        for (std::size_t i = 1; i < words.size(); ++i) {
            const auto equals = words[i].find('=');
            const std::string key = words[i].substr(0, equals);
            const std::string text = equals == std::string::npos ? "" : words[i].substr(equals + 1);
            const int number = parseNumber(text).value_or(0);
            if ((key != "step" && key != "max") || number < 1) {
                fail(line, fmt::format("invalid '{}' in {{{{#units}}}}; use step=DOTS max=ROWS",
                                       words[i]));
            }
            if (key == "step") {
                block.node.step = number;
            } else {
                block.node.maxRows = static_cast<std::size_t>(number);
            }
        }
        if (std::any_of(stack_.begin(), stack_.end(),
                        [](const Block& open) { return open.name == "units"; })) {
            fail(line, "{{#units}} blocks cannot be nested");
        }
        unitsMaxRows_ = block.node.maxRows;
    } else if (name == "if" || name == "unless") {
        if (words.size() != 2) {
            fail(line, fmt::format("{{{{#{} FIELD}}}} takes exactly one field name", name));
        }
        checkFieldName(words[1], line);
        block.node.kind = Node::Kind::If;
        block.node.text = words[1];
        block.node.negate = name == "unless";
    } else {
        fail(line,
             fmt::format("unknown block '{{{{#{}}}}}'; blocks are units, if and unless", name));
    }
    block.name = name;
    block.node.line = line;
    stack_.push_back(std::move(block));
}

void Parser::handleBlockClose(std::string_view name, int line) {
    if (inField_) {
        fail(line, "a block cannot end inside ^FD ... ^FS");
    }
    if (stack_.size() < 2) {
        fail(line, fmt::format("'{{{{/{}}}}}' closes no open block", name));
    }
    if (stack_.back().name != name) {
        fail(line, fmt::format("'{{{{/{}}}}}' does not match '{{{{#{}}}}}' on line {}", name,
                               stack_.back().name, stack_.back().line));
    }
    Block block = std::move(stack_.back());
    stack_.pop_back();
    block.node.children = std::move(block.nodes);
    current().push_back(std::move(block.node));
}

void Parser::handleTag(std::string_view tag, int line) {
    const std::vector<std::string> words = splitWords(tag);
    if (words.empty()) {
        fail(line, "empty placeholder '{{}}'");
    }
    if (words[0][0] == '#') {
        handleBlockOpen(words, line);
        return;
    }
    if (words[0][0] == '/') {
        handleBlockClose(std::string_view(words[0]).substr(1), line);
        return;
    }

    if (const auto kind = barcodeKind(words[0])) {
        if (inField_) {
            fail(line, fmt::format("barcode element '{}' inside ^FD ... ^FS; put it after a "
                                   "^FO on its own",
                                   words[0]));
        }
        Node node;
        node.kind = Node::Kind::Barcode;
        node.line = line;
        node.barcode = parseBarcode(*kind, words, line);
        current().push_back(std::move(node));
        return;
    }

    if (words.size() != 1) {
        fail(line, fmt::format("unknown element '{}'", words[0]));
    }
    checkFieldName(words[0], line);
    if (!inField_) {
        fail(line, fmt::format("placeholder '{}' outside ^FD ... ^FS; text fields go in field "
                               "data",
                               words[0]));
    }
    Node node;
    node.kind = Node::Kind::Text;
    node.text = words[0];
    node.line = line;
    node.fieldId = fieldCount_ - 1;
    fieldHasPlaceholder_[static_cast<std::size_t>(node.fieldId)] = true;
    current().push_back(std::move(node));
}

// Adds ^FH_ before each field that contains a placeholder and escapes its literal text, so the
// whole field reads as the printer will decode it.
void markEscapedFields(std::vector<Node>& nodes, const std::vector<bool>& hasPlaceholder) {
    for (auto& node : nodes) {
        markEscapedFields(node.children, hasPlaceholder);
        if (node.fieldId < 0 || !hasPlaceholder[static_cast<std::size_t>(node.fieldId)]) {
            continue;
        }
        if (node.kind == Node::Kind::Commands && node.opensField) {
            node.text.insert(node.text.size() - 3, "^FH_");
        } else if (node.kind == Node::Kind::FieldData) {
            node.text = escapeFieldData(node.text);
        }
    }
}

std::vector<Node> Parser::parse() {
    stack_.push_back(Block{"", 0, {}, {}});
    std::size_t pos = 0;
    while (pos < text_.size()) {
        const std::size_t open = text_.find("{{", pos);
        const std::size_t literalEnd = open == std::string_view::npos ? text_.size() : open;
        scanCommands(pos, literalEnd);
        if (open == std::string_view::npos) {
            break;
        }
        const std::size_t close = text_.find("}}", open + 2);
        if (close == std::string_view::npos) {
            fail(lineAt(open), "'{{' without a closing '}}'");
        }
        const std::string_view tag = trim(text_.substr(open + 2, close - open - 2));
        handleTag(tag, lineAt(open));
        pos = close + 2;

        // A block tag alone on its line takes its line break with it, so blocks leave no
        // blank lines in the output.
        const bool isBlockTag = !tag.empty() && (tag[0] == '#' || tag[0] == '/');
        const bool startsLine = open == 0 || text_[open - 1] == '\n';
        if (isBlockTag && startsLine && pos < text_.size() && text_[pos] == '\n') {
            ++pos;
        }
    }
    finish();
    std::vector<Node> nodes = std::move(stack_.front().nodes);
    markEscapedFields(nodes, fieldHasPlaceholder_);
    return nodes;
}

void Parser::finish() {
    const int lastLine = lineAt(text_.size());
    if (formatStarts_ == 0) {
        fail(1, "missing ^XA; a template is one label format from ^XA to ^XZ");
    }
    if (inField_) {
        fail(fieldLine_, "field opened with ^FD is not closed by ^FS");
    }
    if (stack_.size() > 1) {
        fail(stack_.back().line, fmt::format("'{{{{#{}}}}}' is not closed", stack_.back().name));
    }
    if (formatEnds_ == 0) {
        fail(lastLine, "missing ^XZ at the end of the label format");
    }
    if (contentAfterEnd_) {
        fail(lastFormatEndLine_, "text after ^XZ; a template holds exactly one label format");
    }
}

// Changes a date to the GS1 form YYMMDD: "2027-03-31" becomes "270331".
std::string toYymmdd(const std::string& value) {
    if (value.size() == 10 && value[4] == '-' && value[7] == '-') {
        return value.substr(2, 2) + value.substr(5, 2) + value.substr(8, 2);
    }
    return value;
}

// Pads a GTIN-8, -12 or -13 to the 14 digits of AI 01.
std::string toGtin14(const std::string& value) {
    if (value.size() == 8 || value.size() == 12 || value.size() == 13) {
        return std::string(14 - value.size(), '0') + value;
    }
    return value;
}

bool isDateAi(std::string_view ai) {
    return ai.size() == 2 && ai[0] == '1' && ai[1] >= '1' && ai[1] <= '7';
}

}  // namespace

TemplateError::TemplateError(std::string file, int line, const std::string& problem)
    : std::runtime_error(fmt::format("{}:{}: {}", file, line, problem)),
      file_(std::move(file)),
      line_(line) {}

struct LabelTemplate::Impl {
    std::string sourceName;
    unsigned dpi = 203;
    std::size_t unitsMaxRows = 0;
    std::vector<Node> nodes;
    std::vector<std::string> fieldNames;

    struct Context {
        const LabelData* data = nullptr;
        const std::map<std::string, std::string>* unit = nullptr;
        std::size_t unitIndex = 0;
        Geometry geometry;
        std::string out;
        std::size_t fieldStart = 0;
    };

    std::string value(const Context& context, const std::string& name) const;
    void renderNodes(const std::vector<Node>& list, Context& context) const;
    void renderBarcode(const Node& node, Context& context) const;
    [[noreturn]] void fail(const Node& node, const std::string& problem) const {
        throw RenderError(
            fmt::format("Failed to render {} (line {}): {}", sourceName, node.line, problem));
    }
};

std::string LabelTemplate::Impl::value(const Context& context, const std::string& name) const {
    if (name.rfind("unit.", 0) == 0) {
        const std::string key = name.substr(5);
        if (key == "number") {
            return std::to_string(context.unitIndex + 1);
        }
        const auto it = context.unit->find(key);
        return it == context.unit->end() ? std::string() : it->second;
    }

    const auto it = context.data->fields.find(name);
    if (it != context.data->fields.end()) {
        return it->second;
    }
    if (name == "unit_count") {
        return std::to_string(context.data->units.size());
    }
    if (name == "units_hidden") {
        const std::size_t count = context.data->units.size();
        return count > unitsMaxRows ? std::to_string(count - unitsMaxRows) : std::string();
    }
    return {};
}

void LabelTemplate::Impl::renderBarcode(const Node& node, Context& context) const {
    const BarcodeSpec& spec = node.barcode;
    // ^BY and ^BQ accept module sizes 1 to 10 (ZPL II Programming Guide), so scaling up
    // stops there; ^BX takes any size.
    BarcodeSize size = spec.size;
    const bool moduleLimited =
        spec.kind != BarcodeKind::DataMatrix && spec.kind != BarcodeKind::Gs1DataMatrix;
    size.moduleDots =
        static_cast<unsigned>(context.geometry.scale(static_cast<int>(size.moduleDots)));
    size.heightDots =
        static_cast<unsigned>(context.geometry.scale(static_cast<int>(size.heightDots)));
    if (moduleLimited) {
        size.moduleDots = std::min(size.moduleDots, 10u);
    }

    std::vector<Gs1Element> elements;
    for (const auto& source : spec.ais) {
        std::string fieldValue = value(context, source.field);
        if (fieldValue.empty()) {
            if (source.optional) {
                continue;
            }
            fail(node, fmt::format("field '{}' for AI ({}) is empty", source.field, source.ai));
        }
        if (isDateAi(source.ai)) {
            fieldValue = toYymmdd(fieldValue);
        }
        if (source.ai == "01") {
            fieldValue = toGtin14(fieldValue);
        }
        elements.push_back({source.ai, fieldValue});
    }
    const std::string single = spec.field.empty() ? std::string() : value(context, spec.field);
    if (!isGs1Kind(spec.kind) && single.empty()) {
        fail(node, fmt::format("field '{}' for the barcode is empty", spec.field));
    }

    try {
        switch (spec.kind) {
            case BarcodeKind::Code128:
                context.out += code128Element(single, size);
                break;
            case BarcodeKind::Gs1_128:
                context.out += gs1_128Element(elements, size);
                break;
            case BarcodeKind::DataMatrix:
                context.out += dataMatrixElement(single, size);
                break;
            case BarcodeKind::Gs1DataMatrix:
                context.out += gs1DataMatrixElement(elements, size);
                break;
            case BarcodeKind::Qr:
                context.out += qrElement(single, size);
                break;
            case BarcodeKind::DigitalLinkQr:
                context.out += qrElement(digitalLinkUri(elements, spec.domain), size);
                break;
        }
    } catch (const FieldDataError& error) {
        fail(node, error.what());
    }
}

void LabelTemplate::Impl::renderNodes(const std::vector<Node>& list, Context& context) const {
    for (const Node& node : list) {
        switch (node.kind) {
            case Node::Kind::Commands:
                context.out += transformCommands(node.text, context.geometry);
                if (node.opensField) {
                    context.fieldStart = context.out.size();
                }
                break;
            case Node::Kind::FieldData:
                context.out += node.text;
                break;
            case Node::Kind::Text: {
                context.out += escapeFieldData(value(context, node.text));
                try {
                    checkFieldLength(std::string_view(context.out).substr(context.fieldStart));
                } catch (const FieldDataError& error) {
                    fail(node, fmt::format("field '{}': {}", node.text, error.what()));
                }
                break;
            }
            case Node::Kind::Barcode:
                renderBarcode(node, context);
                break;
            case Node::Kind::If:
                if (value(context, node.text).empty() == node.negate) {
                    renderNodes(node.children, context);
                }
                break;
            case Node::Kind::Units: {
                const Geometry outer = context.geometry;
                const std::size_t rows = std::min(context.data->units.size(), node.maxRows);
                for (std::size_t i = 0; i < rows; ++i) {
                    context.unit = &context.data->units[i];
                    context.unitIndex = i;
                    context.geometry.yOffsetDots =
                        outer.yOffsetDots + node.step * static_cast<int>(i);
                    renderNodes(node.children, context);
                }
                context.geometry = outer;
                context.unit = nullptr;
                break;
            }
        }
    }
}

LabelTemplate::LabelTemplate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LabelTemplate::LabelTemplate(const LabelTemplate& other)
    : impl_(std::make_unique<Impl>(*other.impl_)) {}
LabelTemplate::LabelTemplate(LabelTemplate&&) noexcept = default;
LabelTemplate& LabelTemplate::operator=(const LabelTemplate& other) {
    impl_ = std::make_unique<Impl>(*other.impl_);
    return *this;
}
LabelTemplate& LabelTemplate::operator=(LabelTemplate&&) noexcept = default;
LabelTemplate::~LabelTemplate() = default;

LabelTemplate LabelTemplate::fromString(std::string_view text, std::string sourceName) {
    Parser parser(text, sourceName);
    auto impl = std::make_unique<Impl>();
    impl->nodes = parser.parse();
    impl->sourceName = std::move(sourceName);
    impl->dpi = parser.dpi();
    impl->unitsMaxRows = parser.unitsMaxRows();
    impl->fieldNames.assign(parser.fieldNames().begin(), parser.fieldNames().end());
    return LabelTemplate(std::move(impl));
}

LabelTemplate LabelTemplate::fromFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw TemplateError(path.string(), 0,
                            fmt::format("failed to open the template file: {}; check the path",
                                        std::strerror(errno)));
    }
    std::ostringstream text;
    text << file.rdbuf();
    return fromString(text.str(), path.string());
}

std::string_view LabelTemplate::builtinText(std::string_view name) {
    for (const auto& entry : kBuiltinTemplates) {
        if (entry.name == name) {
            return entry.text;
        }
    }
    throw std::invalid_argument(fmt::format("unknown built-in label template '{}'; use {}", name,
                                            fmt::join(builtinNames(), ", ")));
}

LabelTemplate LabelTemplate::builtin(std::string_view name) {
    return fromString(builtinText(name), fmt::format("builtin:{}.zpl", name));
}

std::vector<std::string> LabelTemplate::builtinNames() {
    std::vector<std::string> names;
    for (const auto& entry : kBuiltinTemplates) {
        names.emplace_back(entry.name);
    }
    return names;
}

std::string LabelTemplate::render(const LabelData& data, const RenderOptions& options) const {
    Impl::Context context;
    context.data = &data;
    context.geometry.fromDpi = impl_->dpi;
    context.geometry.toDpi = options.dpi;
    context.out.reserve(2048);
    impl_->renderNodes(impl_->nodes, context);

    // The printer keeps the last ^CI, so every label sets UTF-8 itself; the label size comes
    // from the printer configuration.
    const std::size_t formatStart = context.out.find("^XA");
    context.out.insert(formatStart + 3, fmt::format("^CI28^PW{}^LL{}", options.labelWidthDots,
                                                    options.labelHeightDots));
    return std::move(context.out);
}

RenderResult LabelTemplate::tryRender(const LabelData& data,
                                      const RenderOptions& options) const noexcept {
    try {
        return {render(data, options), {}};
    } catch (const std::exception& error) {
        return {{}, error.what()};
    }
}

const std::string& LabelTemplate::sourceName() const {
    return impl_->sourceName;
}
unsigned LabelTemplate::dpi() const {
    return impl_->dpi;
}
std::vector<std::string> LabelTemplate::fieldNames() const {
    return impl_->fieldNames;
}

}  // namespace station::print
