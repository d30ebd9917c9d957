#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

struct libusb_context;
struct libusb_device_handle;
struct libusb_transfer;

namespace station::drivers {

// A USB HID POS scanner opened through libusb, for a scanner that no kernel driver is bound to
// (so it has no hidraw node). It claims the HID interface whose report descriptor declares the
// barcode scanner usage page 0x8C and reads its interrupt IN endpoint with libusb's asynchronous
// API on a thread of its own, so that no caller ever waits for a report.
class LibusbHidDevice {
public:
    struct Callbacks {
        // An input report, as the endpoint delivered it (report ID first when the device uses
        // report IDs).
        std::function<void(std::vector<std::uint8_t>)> onReport;
        // Reading failed or the device is gone; no more reports follow.
        std::function<void(const std::string&)> onError;
    };

    // Opens the device at that bus number and address and claims its HID POS interface. Returns
    // null and sets error to a message naming the device, the reason and what to do.
    //
    // NOTE: reading the report descriptor is a control transfer that waits for the device on
    // the caller's thread, for up to 200 ms. A scanner normally replies within milliseconds.
    static std::unique_ptr<LibusbHidDevice> open(int busNumber, int address, std::string& error);

    ~LibusbHidDevice();
    LibusbHidDevice(const LibusbHidDevice&) = delete;
    LibusbHidDevice& operator=(const LibusbHidDevice&) = delete;

    // Starts reading input reports. The callbacks run on the reading thread.
    void startReading(Callbacks callbacks);

    // Sends an output report (report ID first) without waiting: through the interrupt OUT
    // endpoint when the interface has one, else as a HID SET_REPORT control request. Failures
    // are logged.
    void sendOutputReport(std::span<const std::uint8_t> report);

    int interfaceNumber() const { return interface_; }
    // What the log shows about the device: "0c2e:0b8f interface 0 at bus 1 address 11".
    const std::string& description() const { return description_; }

private:
    LibusbHidDevice() = default;
    void run();
    void submitRead();
    static void onReadDone(libusb_transfer* transfer);
    static void onWriteDone(libusb_transfer* transfer);

    libusb_context* context_ = nullptr;
    libusb_device_handle* handle_ = nullptr;
    int interface_ = -1;
    std::uint8_t inEndpoint_ = 0;
    std::uint8_t outEndpoint_ = 0;  // 0 when the interface has none
    std::uint16_t inPacketSize_ = 64;
    std::string description_;

    Callbacks callbacks_;
    libusb_transfer* readTransfer_ = nullptr;
    std::vector<std::uint8_t> readBuffer_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    // Set by the reading thread: a read is submitted and has not completed.
    std::atomic<bool> reading_{false};
};

}  // namespace station::drivers
