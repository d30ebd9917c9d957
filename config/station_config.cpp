#include "config/station_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdlib>
#include <regex>
#include <set>

namespace station::config {
namespace {

// Reads one TOML table, remembers which keys were consumed, and turns every type or range
// problem into a ConfigError that names the file, the line and the dotted key.
class TableReader {
public:
    TableReader(const toml::table& table, std::string prefix, std::string file)
        : table_(table), prefix_(std::move(prefix)), file_(std::move(file)) {}

    std::optional<std::string> string(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_string()) {
            fail(*node, key, fmt::format("expected a string, got {}", typeName(*node)));
        }
        return node->as_string()->get();
    }

    std::optional<long long> integer(std::string_view key, long long min, long long max) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_integer()) {
            fail(*node, key, fmt::format("expected an integer, got {}", typeName(*node)));
        }
        long long value = node->as_integer()->get();
        if (value < min || value > max) {
            fail(*node, key,
                 fmt::format("{} is out of range; allowed is {} to {}", value, min, max));
        }
        return value;
    }

    std::optional<bool> boolean(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_boolean()) {
            fail(*node, key, fmt::format("expected true or false, got {}", typeName(*node)));
        }
        return node->as_boolean()->get();
    }

    // Reads a string that must be one of `allowed`, and returns its index in that list.
    std::optional<std::size_t> choice(std::string_view key,
                                      std::initializer_list<std::string_view> allowed) {
        std::optional<std::string> value = string(key);
        if (!value) {
            return std::nullopt;
        }
        std::size_t index = 0;
        for (std::string_view candidate : allowed) {
            if (*value == candidate) {
                return index;
            }
            ++index;
        }
        fail(
            *find(key), key,
            fmt::format("\"{}\" is not allowed; use one of: {}", *value, fmt::join(allowed, ", ")));
    }

    std::optional<std::chrono::milliseconds> milliseconds(std::string_view key, long long min,
                                                          long long max) {
        std::optional<long long> value = integer(key, min, max);
        if (!value) {
            return std::nullopt;
        }
        return std::chrono::milliseconds(*value);
    }

    // Reads a USB vendor or product id written as a "0a5f" hex string or an integer.
    std::optional<std::uint16_t> usbId(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (node->is_integer()) {
            return static_cast<std::uint16_t>(*integer(key, 0, 0xFFFF));
        }
        std::optional<std::string> text = string(key);
        static const std::regex kHex("(0x)?[0-9a-fA-F]{1,4}");
        if (!std::regex_match(*text, kHex)) {
            fail(*node, key,
                 fmt::format("\"{}\" is not a USB id; write 4 hex digits such as \"0a5f\"", *text));
        }
        return static_cast<std::uint16_t>(std::stoul(*text, nullptr, 16));
    }

    const toml::table* subtable(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return nullptr;
        }
        if (!node->is_table()) {
            fail(*node, key, fmt::format("expected a table, got {}", typeName(*node)));
        }
        return node->as_table();
    }

    const toml::array* array(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return nullptr;
        }
        if (!node->is_array()) {
            fail(*node, key, fmt::format("expected an array, got {}", typeName(*node)));
        }
        return node->as_array();
    }

    // Raises an error for the first key that no reader consumed, so a misspelt key is caught.
    void rejectUnknownKeys() const {
        for (const auto& [key, node] : table_) {
            if (!consumed_.contains(std::string(key.str()))) {
                fail(node, key.str(),
                     "unknown key; check its spelling against "
                     "config/station.example.toml");
            }
        }
    }

    [[noreturn]] void fail(const toml::node& node, std::string_view key,
                           const std::string& problem) const {
        throw ConfigError(file_, static_cast<int>(node.source().begin.line), dotted(key), problem);
    }

    std::string dotted(std::string_view key) const {
        return prefix_.empty() ? std::string(key) : fmt::format("{}.{}", prefix_, key);
    }

    int line() const { return static_cast<int>(table_.source().begin.line); }

    const toml::node* node(std::string_view key) const { return table_.get(key); }

    const std::string& file() const { return file_; }

private:
    const toml::node* find(std::string_view key) {
        consumed_.insert(std::string(key));
        return table_.get(key);
    }

    static std::string_view typeName(const toml::node& node) {
        switch (node.type()) {
            case toml::node_type::string:
                return "a string";
            case toml::node_type::integer:
                return "an integer";
            case toml::node_type::floating_point:
                return "a float";
            case toml::node_type::boolean:
                return "a boolean";
            case toml::node_type::table:
                return "a table";
            case toml::node_type::array:
                return "an array";
            default:
                return "a date or time";
        }
    }

    const toml::table& table_;
    std::string prefix_;
    std::string file_;
    std::set<std::string> consumed_;
};

std::filesystem::path resolveAgainst(const std::filesystem::path& base,
                                     const std::filesystem::path& path) {
    return path.is_absolute() ? path : base / path;
}

void checkRegex(TableReader& reader, std::string_view key, const std::string& pattern,
                const toml::node& node) {
    try {
        std::regex compiled(pattern);
    } catch (const std::regex_error& error) {
        reader.fail(
            node, key,
            fmt::format("\"{}\" is not a valid regular expression: {}", pattern, error.what()));
    }
}

bool hasControlCharacter(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

void readStation(TableReader& reader, const std::filesystem::path& configDir,
                 StationConfig& config) {
    // The station id and operator name are written into every link, log line and label, so a
    // line break or escape sequence in them is rejected here.
    if (auto value = reader.string("id")) {
        if (value->empty()) {
            reader.fail(*reader.node("id"), "id", "must not be empty");
        }
        if (hasControlCharacter(*value)) {
            reader.fail(*reader.node("id"), "id",
                        "must not contain control characters such as a line break");
        }
        config.stationId = *value;
    }
    if (auto value = reader.string("operator")) {
        if (hasControlCharacter(*value)) {
            reader.fail(*reader.node("operator"), "operator",
                        "must not contain control characters such as a line break");
        }
        config.operatorName = *value;
    }
    if (auto value = reader.string("state_dir")) {
        // A relative state_dir is taken relative to the config file, not the working directory.
        config.stateDir = resolveAgainst(configDir, *value);
    }
    if (auto value =
            reader.choice("log_level", {"trace", "debug", "info", "warn", "error", "critical"})) {
        static constexpr std::string_view kLevels[] = {"trace", "debug", "info",
                                                       "warn",  "error", "critical"};
        config.logLevel = kLevels[*value];
    }
    reader.rejectUnknownKeys();
}

void readStore(TableReader& reader, StationConfig& config) {
    if (auto value = reader.string("path")) {
        config.storePath = *value;
    }
    reader.rejectUnknownKeys();
}

void readOrders(TableReader& reader, const toml::table& table, StationConfig& config) {
    OrdersConfig& orders = config.orders;
    if (auto value = reader.string("drop_dir")) {
        orders.dropDir = *value;
    }
    if (auto value = reader.string("number_pattern")) {
        if (value->empty()) {
            reader.fail(*table.get("number_pattern"), "number_pattern",
                        "must not be empty, because no order could be opened by a scan; "
                        "remove the key to use the default");
        }
        checkRegex(reader, "number_pattern", *value, *table.get("number_pattern"));
        orders.numberPattern = *value;
    }
    if (auto value = reader.string("close_code")) {
        if (value->empty()) {
            reader.fail(*reader.node("close_code"), "close_code",
                        "must not be empty; remove the key to use the default \"CLOSE\"");
        }
        orders.closeCode = *value;
    }
    if (auto value = reader.string("undo_code")) {
        orders.undoCode = *value;  // empty disables the undo code
    }
    if (const toml::array* patterns = reader.array("serial_patterns")) {
        std::size_t index = 0;
        for (const toml::node& node : *patterns) {
            std::string key = fmt::format("serial_patterns[{}]", index++);
            if (!node.is_table()) {
                reader.fail(node, key, "expected a table { sku = \"...\", regex = \"...\" }");
            }
            TableReader entry(*node.as_table(), reader.dotted(key), reader.file());
            SerialPatternConfig pattern;
            auto sku = entry.string("sku");
            auto regex = entry.string("regex");
            if (!sku || !regex) {
                reader.fail(node, key, "needs both sku and regex");
            }
            checkRegex(reader, key + ".regex", *regex, node);
            entry.rejectUnknownKeys();
            pattern.sku = *sku;
            pattern.regex = *regex;
            orders.serialPatterns.push_back(std::move(pattern));
        }
    }
    reader.rejectUnknownKeys();
}

void readLabel(TableReader& reader, const std::filesystem::path& configDir, StationConfig& config) {
    if (auto value = reader.string("carton_template")) {
        config.label.cartonTemplate = resolveAgainst(configDir, *value);
    }
    reader.rejectUnknownKeys();
}

void readApi(TableReader& reader, StationConfig& config) {
    ApiConfig& api = config.api;
    if (auto value = reader.boolean("enabled")) {
        api.enabled = *value;
    }
    if (auto value = reader.string("listen")) {
        boost::system::error_code error;
        boost::asio::ip::make_address(*value, error);
        if (error) {
            reader.fail(
                *reader.node("listen"), "listen",
                fmt::format("\"{}\" is not an IP address; use \"127.0.0.1\" or \"::1\"", *value));
        }
        api.listenAddress = *value;
    }
    if (auto value = reader.integer("port", 0, 65535)) {
        api.port = static_cast<std::uint16_t>(*value);
    }
    if (auto value = reader.string("token")) {
        api.token = *value;
    }
    if (auto value = reader.integer("max_body_bytes", 1024, 64LL << 20)) {
        api.maxBodyBytes = static_cast<std::size_t>(*value);
    }
    reader.rejectUnknownKeys();
}

void readPrinter(TableReader& reader, const toml::table& table, StationConfig& config) {
    PrinterConfig& printer = config.printer;
    if (auto value = reader.string("name")) {
        printer.name = *value;
    }
    if (auto kind = reader.choice("kind", {"spool", "tcp", "usblp", "cups", "libusb"})) {
        printer.kind = static_cast<PrinterKind>(*kind);
    }
    if (auto value = reader.string("spool_dir")) {
        printer.spoolDir = *value;
    }
    if (auto value = reader.string("host")) {
        printer.host = *value;
    }
    if (auto value = reader.integer("port", 1, 65535)) {
        printer.port = static_cast<std::uint16_t>(*value);
    }
    if (auto value = reader.string("device")) {
        printer.device = *value;
    }
    if (auto value = reader.string("cups_queue")) {
        printer.cupsQueue = *value;
    }
    printer.vendorId = reader.usbId("vendor_id").value_or(printer.vendorId.value_or(0x0a5f));
    if (auto value = reader.usbId("product_id")) {
        printer.productId = value;
    }
    if (auto value = reader.milliseconds("connect_timeout_ms", 100, 60000)) {
        printer.connectTimeout = *value;
    }
    if (auto value = reader.milliseconds("write_timeout_ms", 100, 120000)) {
        printer.writeTimeout = *value;
    }
    if (auto value = reader.milliseconds("status_timeout_ms", 100, 60000)) {
        printer.statusTimeout = *value;
    }
    if (auto value = reader.boolean("query_status")) {
        printer.queryStatus = *value;
    }
    if (auto command = reader.choice("status_command", {"hs", "hqes", "auto"})) {
        printer.statusCommand = static_cast<PrinterStatusCommand>(*command);
    }
    if (auto value = reader.integer("dpi", 0, 1000)) {
        if (*value != 203 && *value != 300 && *value != 600) {
            reader.fail(
                *table.get("dpi"), "dpi",
                fmt::format("{} is not a Zebra print resolution; use 203, 300 or 600", *value));
        }
        printer.dpi = static_cast<unsigned>(*value);
    }
    if (auto value = reader.integer("label_width_dots", 16, 10000)) {
        printer.labelWidthDots = static_cast<unsigned>(*value);
    }
    if (auto value = reader.integer("label_height_dots", 16, 10000)) {
        printer.labelHeightDots = static_cast<unsigned>(*value);
    }

    bool needsHost = printer.kind == PrinterKind::Tcp;
    if (needsHost && printer.host.empty()) {
        reader.fail(table, "host", "a tcp printer needs a host");
    }
    if (printer.kind == PrinterKind::UsbLp && printer.device.empty()) {
        reader.fail(table, "device", "a usblp printer needs device = \"/dev/usb/lp0\"");
    }
    if (printer.kind == PrinterKind::Cups && printer.cupsQueue.empty()) {
        reader.fail(table, "cups_queue", "a cups printer needs cups_queue = \"QUEUE\"");
    }
    reader.rejectUnknownKeys();
}

ScannerConfig readScanner(TableReader& reader, const toml::table& table, std::string_view file) {
    ScannerConfig scanner;
    scanner.sourceFile = std::string(file);
    scanner.sourceLine = reader.line();

    std::optional<std::string> name = reader.string("name");
    if (!name || name->empty()) {
        reader.fail(table, "name", "every [[scanner]] needs a name, such as name = \"bench-1\"");
    }
    scanner.name = *name;

    std::optional<std::size_t> kind =
        reader.choice("kind", {"stdin", "serial", "tcp", "evdev", "hidpos"});
    if (!kind) {
        reader.fail(table, "kind", "missing; use one of: stdin, serial, tcp, evdev, hidpos");
    }
    scanner.kind = static_cast<ScannerKind>(*kind);

    if (auto suffix = reader.choice("suffix", {"cr", "lf", "crlf", "tab"})) {
        scanner.suffix = static_cast<Suffix>(*suffix);
    }
    if (auto value = reader.integer("max_length", 16, 65536)) {
        scanner.maxLength = static_cast<std::size_t>(*value);
    }
    if (auto value = reader.string("gs_substitute")) {
        if (value->size() != 1) {
            reader.fail(*table.get("gs_substitute"), "gs_substitute",
                        fmt::format("\"{}\" must be exactly one character, such as \"~\"", *value));
        }
        scanner.gsSubstitute = (*value)[0];
    }
    if (auto value = reader.string("prefix")) {
        scanner.prefix = *value;
    }
    if (auto value = reader.string("device")) {
        scanner.device = *value;
    }
    if (auto value = reader.integer("baud", 300, 4000000)) {
        // Linux serial ports take only the standard rates (termios B* constants).
        static constexpr std::array<long long, 13> kRates = {
            300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600};
        if (std::find(kRates.begin(), kRates.end(), *value) == kRates.end()) {
            reader.fail(*table.get("baud"), "baud",
                        fmt::format("{} is not a standard serial rate; use one of {}", *value,
                                    fmt::join(kRates, ", ")));
        }
        scanner.baud = static_cast<unsigned>(*value);
    }
    if (auto value = reader.integer("data_bits", 5, 8)) {
        scanner.dataBits = static_cast<unsigned>(*value);
    }
    if (auto value = reader.integer("stop_bits", 1, 2)) {
        scanner.stopBits = static_cast<unsigned>(*value);
    }
    if (auto value = reader.choice("parity", {"none", "odd", "even"})) {
        scanner.parity = static_cast<Parity>(*value);
    }
    if (auto value = reader.choice("flow_control", {"none", "software", "hardware"})) {
        scanner.flowControl = static_cast<FlowControl>(*value);
    }
    if (auto value = reader.string("good_read_command")) {
        scanner.goodReadCommand = *value;
    }
    if (auto value = reader.string("bad_read_command")) {
        scanner.badReadCommand = *value;
    }
    if (auto value = reader.string("host")) {
        scanner.host = *value;
    }
    if (auto value = reader.integer("port", 1, 65535)) {
        scanner.port = static_cast<std::uint16_t>(*value);
    }
    if (auto value = reader.boolean("listen")) {
        scanner.listen = *value;
    }
    if (auto value = reader.integer("length_prefix_bytes", 0, 4)) {
        if (*value != 0 && *value != 2 && *value != 4) {
            reader.fail(*table.get("length_prefix_bytes"), "length_prefix_bytes",
                        fmt::format("{} is not allowed; use 0 (suffix framing), 2 or 4", *value));
        }
        scanner.lengthPrefixBytes = static_cast<unsigned>(*value);
    }
    if (auto value =
            reader.choice("layout", {"us", "uk", "de", "fr", "be", "es", "it", "nordic"})) {
        static constexpr std::string_view kLayouts[] = {"us", "uk", "de", "fr",
                                                        "be", "es", "it", "nordic"};
        scanner.layout = kLayouts[*value];
    }
    if (auto value = reader.milliseconds("inter_key_timeout_ms", 0, 10000)) {
        scanner.interKeyTimeout = *value;
    }
    if (auto value = reader.boolean("grab")) {
        scanner.grab = *value;
    }
    scanner.vendorId = reader.usbId("vendor_id");
    scanner.productId = reader.usbId("product_id");
    if (auto value = reader.string("usb_serial")) {
        scanner.usbSerial = *value;
    }
    if (auto value = reader.milliseconds("reopen_max_ms", 100, 600000)) {
        scanner.reopenMaxDelay = *value;
    }
    if (auto value = reader.choice("transport", {"hidraw", "libusb"})) {
        scanner.hidTransport = static_cast<HidTransport>(*value);
    }

    switch (scanner.kind) {
        case ScannerKind::Serial:
            if (scanner.device.empty() && !scanner.vendorId) {
                reader.fail(table, "device",
                            "a serial scanner needs device = \"/dev/serial/by-id/...\" or "
                            "vendor_id/product_id");
            }
            break;
        case ScannerKind::Tcp:
            if (scanner.port == 0) {
                reader.fail(table, "port", "a tcp scanner needs a port");
            }
            if (!scanner.listen && scanner.host.empty()) {
                reader.fail(table, "host",
                            "a tcp scanner that connects out needs a host; set listen = true "
                            "to accept connections instead");
            }
            if (scanner.listen && scanner.host.empty()) {
                scanner.host = "127.0.0.1";
            }
            break;
        case ScannerKind::Evdev:
        case ScannerKind::HidPos:
            if (scanner.hidTransport == HidTransport::Libusb && !scanner.vendorId) {
                reader.fail(table, "transport",
                            "transport = \"libusb\" finds the scanner by its USB identity; set "
                            "vendor_id and product_id");
            }
            if (scanner.device.empty() && !scanner.vendorId) {
                reader.fail(table, "device",
                            "needs device = \"/dev/input/by-id/...\" or vendor_id/product_id");
            }
            break;
        case ScannerKind::Stdin:
            break;
    }
    reader.rejectUnknownKeys();
    return scanner;
}

void applyStateDir(StationConfig& config) {
    if (config.storePath.empty()) {
        config.storePath = "station.db";
    }
    config.storePath = resolveAgainst(config.stateDir, config.storePath);
    if (config.printer.spoolDir.empty()) {
        config.printer.spoolDir = "labels";
    }
    config.printer.spoolDir = resolveAgainst(config.stateDir, config.printer.spoolDir);
    if (config.orders.dropDir.empty()) {
        config.orders.dropDir = "orders";
    }
    config.orders.dropDir = resolveAgainst(config.stateDir, config.orders.dropDir);
}

std::filesystem::path defaultStateDir(const Environment& environment) {
    if (!environment.stateDirectory.empty()) {
        return environment.stateDirectory;
    }
    return environment.workingDirectory / "var";
}

}  // namespace

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& problem)
    : std::runtime_error(fmt::format("{}:{}: {}: {}", file, line, key, problem)),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

Environment processEnvironment() {
    Environment environment;
    if (const char* stateDirectory = std::getenv("STATE_DIRECTORY")) {
        std::string first(stateDirectory);
        environment.stateDirectory = first.substr(0, first.find(':'));
    }
    environment.workingDirectory = std::filesystem::current_path();
    environment.stdinIsTerminal = isatty(STDIN_FILENO) == 1;
    return environment;
}

StationConfig defaultConfig(const Environment& environment) {
    StationConfig config;
    config.stateDir = defaultStateDir(environment);
    if (environment.stdinIsTerminal) {
        ScannerConfig scanner;
        scanner.name = "stdin";
        scanner.kind = ScannerKind::Stdin;
        scanner.suffix = Suffix::Lf;
        config.scanners.push_back(std::move(scanner));
    }
    applyStateDir(config);
    return config;
}

StationConfig loadConfig(const std::filesystem::path& file, const Environment& environment) {
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error& error) {
        const toml::source_region& where = error.source();
        std::string problem(error.description());
        if (where.begin.line == 0) {
            throw ConfigError(file.string(), 0, "(file)",
                              fmt::format("cannot be read: {}", problem));
        }
        throw ConfigError(file.string(), static_cast<int>(where.begin.line), "(syntax)", problem);
    }

    StationConfig config;
    config.sourceFile = file;
    config.stateDir = defaultStateDir(environment);
    const std::filesystem::path configDir = std::filesystem::absolute(file).parent_path();

    TableReader top(root, "", file.string());
    if (const toml::table* table = top.subtable("station")) {
        TableReader reader(*table, "station", file.string());
        readStation(reader, configDir, config);
    }
    if (const toml::table* table = top.subtable("store")) {
        TableReader reader(*table, "store", file.string());
        readStore(reader, config);
    }
    if (const toml::table* table = top.subtable("orders")) {
        TableReader reader(*table, "orders", file.string());
        readOrders(reader, *table, config);
    }
    if (const toml::table* table = top.subtable("label")) {
        TableReader reader(*table, "label", file.string());
        readLabel(reader, configDir, config);
    }
    if (const toml::table* table = top.subtable("printer")) {
        TableReader reader(*table, "printer", file.string());
        readPrinter(reader, *table, config);
    }
    if (const toml::table* table = top.subtable("api")) {
        TableReader reader(*table, "api", file.string());
        readApi(reader, config);
    }
    if (const toml::array* scanners = top.array("scanner")) {
        std::set<std::string> names;
        std::size_t index = 0;
        for (const toml::node& node : *scanners) {
            std::string key = fmt::format("scanner[{}]", index++);
            if (!node.is_table()) {
                top.fail(node, key, "expected a [[scanner]] table");
            }
            TableReader reader(*node.as_table(), key, file.string());
            ScannerConfig scanner = readScanner(reader, *node.as_table(), file.string());
            if (!names.insert(scanner.name).second) {
                reader.fail(node, "name",
                            fmt::format("\"{}\" is used by another scanner; names must be "
                                        "unique",
                                        scanner.name));
            }
            config.scanners.push_back(std::move(scanner));
        }
    }
    // Tables owned by other parts (such as [camera]) are validated by their own loaders.
    top.subtable("camera");
    top.rejectUnknownKeys();

    applyStateDir(config);
    return config;
}

std::string_view suffixName(Suffix suffix) {
    switch (suffix) {
        case Suffix::Cr:
            return "cr";
        case Suffix::Lf:
            return "lf";
        case Suffix::CrLf:
            return "crlf";
        case Suffix::Tab:
            return "tab";
    }
    return "?";
}

std::string_view scannerKindName(ScannerKind kind) {
    switch (kind) {
        case ScannerKind::Stdin:
            return "stdin";
        case ScannerKind::Serial:
            return "serial";
        case ScannerKind::Tcp:
            return "tcp";
        case ScannerKind::Evdev:
            return "evdev";
        case ScannerKind::HidPos:
            return "hidpos";
    }
    return "?";
}

std::string_view printerKindName(PrinterKind kind) {
    switch (kind) {
        case PrinterKind::Spool:
            return "spool";
        case PrinterKind::Tcp:
            return "tcp";
        case PrinterKind::UsbLp:
            return "usblp";
        case PrinterKind::Cups:
            return "cups";
        case PrinterKind::Libusb:
            return "libusb";
    }
    return "?";
}

}  // namespace station::config
