#include "drivers/libusb_hid_device.hpp"

#include <libusb.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "drivers/device_matcher.hpp"
#include "drivers/hid_pos_report.hpp"
#include "drivers/scanner_log.hpp"

namespace station::drivers {

namespace {

constexpr std::uint8_t kHidClass = 3;
// bmRequestType of the requests sent here: a standard request to an interface with data in, and
// a class request to an interface with data out.
constexpr std::uint8_t kStandardInterfaceIn = 0x81;
constexpr std::uint8_t kClassInterfaceOut = 0x21;
constexpr std::uint8_t kReportDescriptorType = 0x22;
constexpr std::uint8_t kSetReport = 0x09;
constexpr std::uint16_t kOutputReportType = 0x02;
constexpr unsigned kDescriptorTimeoutMs = 200;
constexpr unsigned kWriteTimeoutMs = 1000;
// How long closing waits for the kernel to hand back a cancelled read.
constexpr auto kCancelWait = std::chrono::milliseconds(500);

std::string usbError(int code) {
    return libusb_strerror(static_cast<libusb_error>(code));
}

struct Candidate {
    int interface = -1;
    std::uint8_t inEndpoint = 0;
    std::uint8_t outEndpoint = 0;
    std::uint16_t inPacketSize = 64;
};

// Lists the HID interfaces (first alternate setting) that have an interrupt IN endpoint.
std::vector<Candidate> hidInterfaces(const libusb_config_descriptor& config) {
    std::vector<Candidate> candidates;
    for (int i = 0; i < config.bNumInterfaces; ++i) {
        if (config.interface[i].num_altsetting < 1) {
            continue;
        }
        const libusb_interface_descriptor& setting = config.interface[i].altsetting[0];
        if (setting.bInterfaceClass != kHidClass) {
            continue;
        }
        Candidate candidate;
        candidate.interface = setting.bInterfaceNumber;
        for (int e = 0; e < setting.bNumEndpoints; ++e) {
            const libusb_endpoint_descriptor& endpoint = setting.endpoint[e];
            if ((endpoint.bmAttributes & 0x03) != LIBUSB_TRANSFER_TYPE_INTERRUPT) {
                continue;
            }
            if ((endpoint.bEndpointAddress & LIBUSB_ENDPOINT_IN) != 0) {
                candidate.inEndpoint = endpoint.bEndpointAddress;
                candidate.inPacketSize = endpoint.wMaxPacketSize;
            } else {
                candidate.outEndpoint = endpoint.bEndpointAddress;
            }
        }
        if (candidate.inEndpoint != 0) {
            candidates.push_back(candidate);
        }
    }
    return candidates;
}

// Reads the interface's HID report descriptor; returns nothing and sets error when it fails.
std::optional<std::vector<std::uint8_t>> reportDescriptor(libusb_device_handle* handle,
                                                          int interface, std::string& error) {
    std::vector<std::uint8_t> descriptor(4096);
    const int length = libusb_control_transfer(
        handle, kStandardInterfaceIn, LIBUSB_REQUEST_GET_DESCRIPTOR,
        static_cast<std::uint16_t>(kReportDescriptorType << 8),
        static_cast<std::uint16_t>(interface), descriptor.data(),
        static_cast<std::uint16_t>(descriptor.size()), kDescriptorTimeoutMs);
    if (length < 0) {
        error = usbError(length);
        return std::nullopt;
    }
    descriptor.resize(static_cast<std::size_t>(length));
    return descriptor;
}

// Picks the interface that declares the barcode scanner usage page. When no report descriptor
// can be read, a device with a single HID interface is taken to be the scanner.
std::optional<Candidate> chooseInterface(libusb_device_handle* handle,
                                         const std::vector<Candidate>& candidates,
                                         const std::string& device, std::string& error) {
    std::string readError;
    bool anyRead = false;
    for (const Candidate& candidate : candidates) {
        const auto descriptor = reportDescriptor(handle, candidate.interface, readError);
        if (!descriptor) {
            continue;
        }
        anyRead = true;
        if (declaresUsagePage(*descriptor, kBarcodeScannerUsagePage)) {
            return candidate;
        }
    }

    if (!anyRead && candidates.size() == 1) {
        scannerLogger()->warn(
            "{}: Failed to read the HID report descriptor of interface {}: {}; taking it for the "
            "HID POS interface because it is the only HID interface",
            device, candidates[0].interface, readError);
        return candidates[0];
    }
    error = candidates.empty() ? "has no HID interface with an interrupt IN endpoint"
                               : "has no HID interface with the barcode scanner usage page 0x8C";
    error += "; set the scanner to USB HID POS mode (see its manual)";
    return std::nullopt;
}

}  // namespace

std::unique_ptr<LibusbHidDevice> LibusbHidDevice::open(int busNumber, int address,
                                                       std::string& error) {
    std::unique_ptr<LibusbHidDevice> device(new LibusbHidDevice());
    const std::string where = fmt::format("USB device at bus {} address {}", busNumber, address);
    int rc = libusb_init(&device->context_);
    if (rc < 0) {
        device->context_ = nullptr;
        error = fmt::format("Failed to start libusb: {}; check that /dev/bus/usb is mounted",
                            usbError(rc));
        return nullptr;
    }

    libusb_device** list = nullptr;
    const ssize_t count = libusb_get_device_list(device->context_, &list);
    libusb_device* found = nullptr;
    for (ssize_t i = 0; i < count; ++i) {
        if (libusb_get_bus_number(list[i]) == busNumber &&
            libusb_get_device_address(list[i]) == address) {
            found = list[i];
        }
    }
    rc = found == nullptr ? LIBUSB_ERROR_NOT_FOUND : libusb_open(found, &device->handle_);
    if (count >= 0) {
        libusb_free_device_list(list, 1);
    }
    if (rc < 0) {
        device->handle_ = nullptr;
        error =
            fmt::format("Failed to open the {}: {}; {}", where, usbError(rc),
                        rc == LIBUSB_ERROR_ACCESS ? "install the scanner udev rules" : "retrying");
        return nullptr;
    }

    libusb_device_descriptor descriptor{};
    libusb_get_device_descriptor(libusb_get_device(device->handle_), &descriptor);
    libusb_config_descriptor* config = nullptr;
    rc = libusb_get_active_config_descriptor(libusb_get_device(device->handle_), &config);
    if (rc < 0) {
        error = fmt::format("Failed to read the configuration of the {}: {}; retrying", where,
                            usbError(rc));
        return nullptr;
    }
    const std::string identity = hex4(descriptor.idVendor) + ":" + hex4(descriptor.idProduct);
    const std::vector<Candidate> candidates = hidInterfaces(*config);
    libusb_free_config_descriptor(config);

    std::string problem;
    const std::optional<Candidate> chosen =
        chooseInterface(device->handle_, candidates, identity + " " + where, problem);
    if (!chosen) {
        error = fmt::format("The {} ({}) {}", where, identity, problem);
        return nullptr;
    }

    if (libusb_kernel_driver_active(device->handle_, chosen->interface) == 1) {
        error = fmt::format(
            "Interface {} of the {} ({}) is bound to a kernel driver; read the scanner through "
            "its hidraw node (transport = \"hidraw\") instead",
            chosen->interface, where, identity);
        return nullptr;
    }
    rc = libusb_claim_interface(device->handle_, chosen->interface);
    if (rc < 0) {
        error = fmt::format(
            "Failed to claim interface {} of the {} ({}): {}; {}", chosen->interface, where,
            identity, usbError(rc),
            rc == LIBUSB_ERROR_BUSY ? "check that no other program uses it" : "retrying");
        return nullptr;
    }

    device->interface_ = chosen->interface;
    device->inEndpoint_ = chosen->inEndpoint;
    device->outEndpoint_ = chosen->outEndpoint;
    device->inPacketSize_ = std::max<std::uint16_t>(chosen->inPacketSize, 8);
    device->description_ = fmt::format("{} interface {} at bus {} address {}", identity,
                                       chosen->interface, busNumber, address);
    return device;
}

LibusbHidDevice::~LibusbHidDevice() {
    stopping_ = true;
    if (thread_.joinable()) {
        if (reading_) {
            libusb_cancel_transfer(readTransfer_);
        }
        libusb_interrupt_event_handler(context_);
        thread_.join();
    }
    if (readTransfer_ != nullptr && !reading_) {
        libusb_free_transfer(readTransfer_);
    }
    // NOTE: a read the kernel never handed back after cancelling stays allocated: freeing a
    // submitted transfer is undefined in libusb, and a small leak is the safe side.
    if (handle_ != nullptr) {
        if (interface_ >= 0) {
            libusb_release_interface(handle_, interface_);
        }
        libusb_close(handle_);
    }
    if (context_ != nullptr) {
        libusb_exit(context_);
    }
}

void LibusbHidDevice::startReading(Callbacks callbacks) {
    callbacks_ = std::move(callbacks);
    readBuffer_.assign(inPacketSize_, 0);
    readTransfer_ = libusb_alloc_transfer(0);
    submitRead();
    thread_ = std::thread([this] { run(); });
}

void LibusbHidDevice::submitRead() {
    libusb_fill_interrupt_transfer(readTransfer_, handle_, inEndpoint_, readBuffer_.data(),
                                   static_cast<int>(readBuffer_.size()), &onReadDone, this, 0);
    const int rc = libusb_submit_transfer(readTransfer_);
    reading_ = rc == 0;
    if (rc < 0 && callbacks_.onError) {
        callbacks_.onError("Failed to start reading: " + usbError(rc));
    }
}

void LibusbHidDevice::run() {
    std::optional<std::chrono::steady_clock::time_point> giveUpAt;
    while (reading_ || !stopping_) {
        if (stopping_) {
            const auto now = std::chrono::steady_clock::now();
            giveUpAt = giveUpAt.value_or(now + kCancelWait);
            if (now >= *giveUpAt) {
                break;
            }
        }
        timeval timeout{0, 100000};
        const int rc = libusb_handle_events_timeout_completed(context_, &timeout, nullptr);
        if (rc < 0 && rc != LIBUSB_ERROR_INTERRUPTED) {
            if (!stopping_ && callbacks_.onError) {
                callbacks_.onError("Failed to handle USB events: " + usbError(rc));
            }
            return;
        }
        if (!reading_ && !stopping_) {
            return;  // the read failed and onError was called
        }
    }
}

void LibusbHidDevice::onReadDone(libusb_transfer* transfer) {
    auto* self = static_cast<LibusbHidDevice*>(transfer->user_data);
    switch (transfer->status) {
        case LIBUSB_TRANSFER_COMPLETED:
            if (self->stopping_) {
                self->reading_ = false;
                return;
            }
            if (self->callbacks_.onReport) {
                self->callbacks_.onReport(std::vector<std::uint8_t>(
                    transfer->buffer, transfer->buffer + transfer->actual_length));
            }
            self->submitRead();
            return;
        case LIBUSB_TRANSFER_CANCELLED:
            self->reading_ = false;
            return;
        case LIBUSB_TRANSFER_NO_DEVICE:
            self->reading_ = false;
            if (!self->stopping_ && self->callbacks_.onError) {
                self->callbacks_.onError("the device is gone");
            }
            return;
        default:
            self->reading_ = false;
            if (!self->stopping_ && self->callbacks_.onError) {
                self->callbacks_.onError(std::string("reading the interrupt endpoint failed: ") +
                                         libusb_error_name(transfer->status));
            }
            return;
    }
}

void LibusbHidDevice::sendOutputReport(std::span<const std::uint8_t> report) {
    if (report.empty()) {
        return;
    }
    libusb_transfer* transfer = libusb_alloc_transfer(0);
    const bool control = outEndpoint_ == 0;
    const std::size_t setupSize = control ? LIBUSB_CONTROL_SETUP_SIZE : 0;
    // libusb frees the buffer with free() (LIBUSB_TRANSFER_FREE_BUFFER).
    auto* buffer = static_cast<unsigned char*>(std::malloc(setupSize + report.size()));
    std::memcpy(buffer + setupSize, report.data(), report.size());
    if (control) {
        // HID class request SET_REPORT: wValue is the report type (output) and report ID.
        libusb_fill_control_setup(buffer, kClassInterfaceOut, kSetReport,
                                  static_cast<std::uint16_t>((kOutputReportType << 8) | report[0]),
                                  static_cast<std::uint16_t>(interface_),
                                  static_cast<std::uint16_t>(report.size()));
        libusb_fill_control_transfer(transfer, handle_, buffer, &onWriteDone, nullptr,
                                     kWriteTimeoutMs);
    } else {
        libusb_fill_interrupt_transfer(transfer, handle_, outEndpoint_, buffer,
                                       static_cast<int>(report.size()), &onWriteDone, nullptr,
                                       kWriteTimeoutMs);
    }
    transfer->flags = LIBUSB_TRANSFER_FREE_BUFFER | LIBUSB_TRANSFER_FREE_TRANSFER;
    const int rc = libusb_submit_transfer(transfer);
    if (rc < 0) {
        libusb_free_transfer(transfer);  // frees the buffer too
        scannerLogger()->warn("{}: Failed to send the output report: {}", description_,
                              usbError(rc));
    }
}

void LibusbHidDevice::onWriteDone(libusb_transfer* transfer) {
    if (transfer->status != LIBUSB_TRANSFER_COMPLETED &&
        transfer->status != LIBUSB_TRANSFER_CANCELLED) {
        scannerLogger()->warn("Failed to send an output report to a HID POS scanner: {}",
                              libusb_error_name(transfer->status));
    }
}

}  // namespace station::drivers
