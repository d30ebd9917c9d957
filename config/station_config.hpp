#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace station::config {

// The end-of-scan marker a scanner sends.
enum class Suffix { Cr, Lf, CrLf, Tab };

enum class ScannerKind { Stdin, Serial, Tcp, Evdev, HidPos };

// The path a HID POS scanner is read through: the kernel's hidraw node, or libusb when no
// kernel driver is bound to its interface.
enum class HidTransport { Hidraw, Libusb };

enum class Parity { None, Odd, Even };
enum class FlowControl { None, Software, Hardware };

struct ScannerConfig {
    std::string name;
    ScannerKind kind = ScannerKind::Stdin;
    Suffix suffix = Suffix::Cr;
    // Scans longer than this many bytes are rejected whole, never truncated.
    std::size_t maxLength = 4096;
    // A character the scanner sends in place of GS (0x1D), for keyboard wedges that cannot send
    // GS itself.
    std::optional<char> gsSubstitute;
    // Prefix the scanner sends before every scan, removed before parsing (e.g. "]" AIM prefix is
    // kept; this is for vendor prefixes).
    std::string prefix;

    // Serial scanners.
    std::string device;  // a stable path such as /dev/serial/by-id/usb-...
    unsigned baud = 9600;
    unsigned dataBits = 8;
    unsigned stopBits = 1;
    Parity parity = Parity::None;
    FlowControl flowControl = FlowControl::None;
    // Bytes sent to the scanner after an accepted or a rejected scan (beep/LED commands).
    std::string goodReadCommand;
    std::string badReadCommand;

    // Network readers.
    std::string host;
    std::uint16_t port = 0;
    bool listen = false;  // true: the station accepts connections; false: it connects out
    // Network readers: 0 frames scans by the suffix; 2 or 4 reads a big-endian length first.
    unsigned lengthPrefixBytes = 0;

    // Keyboard wedge (evdev).
    std::string layout = "us";
    std::chrono::milliseconds interKeyTimeout{0};  // 0 disables gap framing
    bool grab = true;

    // HID POS, evdev and serial matching by USB identity.
    std::optional<std::uint16_t> vendorId;
    std::optional<std::uint16_t> productId;
    std::string usbSerial;

    // USB scanners (evdev, HID POS, serial): the longest wait between attempts to reopen a
    // missing device. A device that udev reports plugged in is opened at once regardless.
    std::chrono::milliseconds reopenMaxDelay{1000};

    // HID POS scanners.
    HidTransport hidTransport = HidTransport::Hidraw;

    std::string sourceFile;  // where this entry was defined, for messages
    int sourceLine = 0;
};

enum class PrinterKind { Spool, Tcp, UsbLp, Cups, Libusb };

// The status request the print spooler sends ([printer] status_command).
enum class PrinterStatusCommand {
    HostStatus,  // "hs": ~HS, which every ZPL printer supports
    Extended,    // "hqes": ~HQES, on newer firmware; no response counts as not ready
    Auto,        // "auto": ~HQES, then ~HS for good once a printer responds to ~HS but not ~HQES
};

struct PrinterConfig {
    std::string name = "label";
    PrinterKind kind = PrinterKind::Spool;
    std::filesystem::path spoolDir;  // resolved against the state directory
    std::string host = "127.0.0.1";
    std::uint16_t port = 9100;
    std::string device;  // /dev/usb/lp0 for UsbLp
    std::string cupsQueue;
    std::optional<std::uint16_t> vendorId;
    std::optional<std::uint16_t> productId;
    std::chrono::milliseconds connectTimeout{3000};
    std::chrono::milliseconds writeTimeout{5000};
    std::chrono::milliseconds statusTimeout{2000};
    bool queryStatus = false;  // ask the printer's status before and after each job
    PrinterStatusCommand statusCommand = PrinterStatusCommand::Auto;
    unsigned dpi = 203;
    unsigned labelWidthDots = 812;    // 4 in at 203 dpi
    unsigned labelHeightDots = 1218;  // 6 in at 203 dpi
};

struct SerialPatternConfig {
    std::string sku;
    std::string regex;
};

struct OrdersConfig {
    std::filesystem::path dropDir;  // resolved against the state directory
    // ECMAScript regular expression matched against the whole scan; a match opens that order.
    std::string numberPattern = "(SO|ORD)-?[0-9A-Z]{3,20}";
    std::string closeCode = "CLOSE";
    // Scanning this removes the last unit linked to the open order at this station.
    std::string undoCode = "UNDO";
    std::vector<SerialPatternConfig> serialPatterns;
};

struct LabelConfig {
    // Empty means the carton template built into the binary.
    std::filesystem::path cartonTemplate;
};

// The local HTTP and WebSocket API and the operator page.
struct ApiConfig {
    bool enabled = true;
    // Loopback by default; another address exposes the API to the network and is logged.
    std::string listenAddress = "127.0.0.1";
    std::uint16_t port = 8470;  // 0 picks a free port, named in the log
    // When set, integrator requests (POST /api/v1/orders) must carry
    // "Authorization: Bearer TOKEN". Lead actions always need a lead's name and PIN.
    std::string token;
    std::size_t maxBodyBytes = 1 << 20;
};

struct StationConfig {
    // The file this configuration came from; empty for the built-in defaults. Parts with
    // their own loaders (the [camera] table) read their table from it.
    std::filesystem::path sourceFile;
    std::string stationId = "station-1";
    std::string operatorName = "packer";
    std::filesystem::path stateDir;   // $STATE_DIRECTORY, else ./var
    std::filesystem::path storePath;  // resolved against stateDir
    std::string logLevel = "info";

    std::vector<ScannerConfig> scanners;
    PrinterConfig printer;
    OrdersConfig orders;
    LabelConfig label;
    ApiConfig api;
};

// A configuration error with its location. what() reads "FILE:LINE: KEY: problem".
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, int line, std::string key, const std::string& problem);

    const std::string& file() const { return file_; }
    int line() const { return line_; }
    const std::string& key() const { return key_; }

private:
    std::string file_;
    int line_;
    std::string key_;
};

// Options that shape the defaults, taken from the process environment by the caller.
struct Environment {
    std::filesystem::path stateDirectory;  // $STATE_DIRECTORY or empty
    std::filesystem::path workingDirectory;
    bool stdinIsTerminal = false;
};

// Reads the environment of this process: $STATE_DIRECTORY (the first of systemd's
// colon-separated folders), the working directory, and whether standard input is a terminal.
Environment processEnvironment();

// Builds the configuration used when no file is given: store and spool under the state
// directory, one scanner on standard input when it is a terminal.
StationConfig defaultConfig(const Environment& environment);

// Reads and validates a TOML file. Throws ConfigError naming the file, line and key on the first
// problem; unknown keys are errors, so a misspelt key never passes silently.
StationConfig loadConfig(const std::filesystem::path& file, const Environment& environment);

// Returns the name used in files and messages ("cr", "serial", ...).
std::string_view suffixName(Suffix suffix);
std::string_view scannerKindName(ScannerKind kind);
std::string_view printerKindName(PrinterKind kind);

}  // namespace station::config
