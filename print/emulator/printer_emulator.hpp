#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

namespace station::print::emulator {

// Printer state reported in ~HS and ~HQES responses.
enum class PrinterState { Ready, PaperOut, HeadOpen, Paused, RibbonOut, Silent };

// Read behaviour for client connections.
enum class ReadMode {
    Normal,
    Stall,  // accepts connections but never reads from them
    Reset,  // reads resetAfterBytes bytes, then resets the connection (TCP RST)
    Slow,   // reads 64 bytes every 10 ms
};

std::optional<PrinterState> parsePrinterState(std::string_view name);
std::optional<ReadMode> parseReadMode(std::string_view name);

// A ZPL printer on a loopback TCP port, for tests and demos. Each complete label (^XA ... ^XZ)
// is stored as labels/NNNNNN.zpl under the output folder, written atomically, and every command
// received is appended to commands.log there, one per line.
class PrinterEmulator {
public:
    PrinterEmulator(boost::asio::io_context& io, std::uint16_t port,
                    std::filesystem::path outputFolder);

    std::uint16_t port() const;
    void setState(PrinterState state) { state_ = state; }
    // Runs out of paper (state PaperOut) once `labels` more labels are stored, as a roll that
    // ends on the last label of a job does.
    void setLabelsUntilPaperOut(std::size_t labels) { labelsUntilPaperOut_ = labels; }
    void setReadMode(ReadMode mode, std::size_t resetAfterBytes = 64) {
        mode_ = mode;
        resetAfterBytes_ = resetAfterBytes;
    }
    // Without ~HQES support the printer ignores that command, as firmware without it does.
    void setExtendedStatusSupported(bool supported) { extendedStatusSupported_ = supported; }
    std::size_t labelsStored() const { return labelsStored_; }

private:
    class Session;

    void accept();
    void storeLabel(const std::string& label);
    void logCommand(const std::string& command);
    std::string hostStatus() const;
    std::string extendedStatus() const;

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::filesystem::path outputFolder_;
    std::ofstream commandLog_;
    PrinterState state_ = PrinterState::Ready;
    ReadMode mode_ = ReadMode::Normal;
    std::size_t resetAfterBytes_ = 64;
    std::size_t labelsStored_ = 0;    // in this run
    std::size_t lastFileNumber_ = 0;  // of the newest NNNNNN.zpl in the output folder
    std::optional<std::size_t> labelsUntilPaperOut_;
    bool extendedStatusSupported_ = true;
};

}  // namespace station::print::emulator
