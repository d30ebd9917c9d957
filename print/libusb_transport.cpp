#include "print/libusb_transport.hpp"

#include <fmt/format.h>
#include <libusb.h>

#include <chrono>

#include "print/blocking_worker.hpp"

namespace station::print {

namespace {

constexpr std::uint8_t kPrinterClass = 7;

struct ContextDeleter {
    void operator()(libusb_context* context) const { libusb_exit(context); }
};
struct ListDeleter {
    void operator()(libusb_device** list) const { libusb_free_device_list(list, 1); }
};
struct ConfigDeleter {
    void operator()(libusb_config_descriptor* config) const {
        libusb_free_config_descriptor(config);
    }
};
using ContextPtr = std::unique_ptr<libusb_context, ContextDeleter>;
using ListPtr = std::unique_ptr<libusb_device*, ListDeleter>;
using ConfigPtr = std::unique_ptr<libusb_config_descriptor, ConfigDeleter>;

std::string portPath(libusb_device* device) {
    std::uint8_t ports[8];
    const int count = libusb_get_port_numbers(device, ports, sizeof ports);
    std::string path = std::to_string(libusb_get_bus_number(device));
    for (int i = 0; i < count; ++i) {
        path += (i == 0 ? "-" : ".") + std::to_string(ports[i]);
    }
    return path;
}

// Fills the printer interface and its bulk endpoints from the active configuration.
bool findPrinterInterface(libusb_device* device, UsbPrinterInfo& info) {
    libusb_config_descriptor* raw = nullptr;
    if (libusb_get_active_config_descriptor(device, &raw) != 0 &&
        libusb_get_config_descriptor(device, 0, &raw) != 0) {
        return false;
    }
    ConfigPtr config(raw);
    for (int i = 0; i < config->bNumInterfaces; ++i) {
        const libusb_interface& interface = config->interface[i];
        for (int a = 0; a < interface.num_altsetting; ++a) {
            const libusb_interface_descriptor& setting = interface.altsetting[a];
            if (setting.bInterfaceClass != kPrinterClass) {
                continue;
            }
            info.interfaceNumber = setting.bInterfaceNumber;
            for (int e = 0; e < setting.bNumEndpoints; ++e) {
                const libusb_endpoint_descriptor& endpoint = setting.endpoint[e];
                if ((endpoint.bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) !=
                    LIBUSB_TRANSFER_TYPE_BULK) {
                    continue;
                }
                if (endpoint.bEndpointAddress & LIBUSB_ENDPOINT_IN) {
                    info.bulkIn = endpoint.bEndpointAddress;
                } else {
                    info.bulkOut = endpoint.bEndpointAddress;
                }
            }
            if (info.bulkOut != 0) {
                return true;
            }
        }
    }
    return false;
}

std::vector<UsbPrinterInfo> listPrinters(libusb_context* context, std::uint16_t vendorId,
                                         std::optional<std::uint16_t> productId,
                                         std::vector<libusb_device*>* devices) {
    libusb_device** raw = nullptr;
    const ssize_t count = libusb_get_device_list(context, &raw);
    ListPtr list(raw);
    std::vector<UsbPrinterInfo> printers;
    for (ssize_t i = 0; i < count; ++i) {
        libusb_device_descriptor descriptor{};
        if (libusb_get_device_descriptor(list.get()[i], &descriptor) != 0 ||
            descriptor.idVendor != vendorId || (productId && descriptor.idProduct != *productId)) {
            continue;
        }
        UsbPrinterInfo info;
        info.vendorId = descriptor.idVendor;
        info.productId = descriptor.idProduct;
        info.path = portPath(list.get()[i]);
        if (!findPrinterInterface(list.get()[i], info)) {
            continue;
        }
        printers.push_back(info);
        if (devices != nullptr) {
            devices->push_back(libusb_ref_device(list.get()[i]));
        }
    }
    return printers;
}

// An opened, claimed printer interface, released and closed on destruction.
class ClaimedPrinter {
public:
    ~ClaimedPrinter() {
        if (handle_ != nullptr) {
            libusb_release_interface(handle_, info_.interfaceNumber);
            if (detached_) {
                libusb_attach_kernel_driver(handle_, info_.interfaceNumber);
            }
            libusb_close(handle_);
        }
        for (libusb_device* device : devices_) {
            libusb_unref_device(device);
        }
    }

    // Opens the first matching printer. Returns an empty string or the reason it failed.
    std::string open(const config::PrinterConfig& config) {
        libusb_context* raw = nullptr;
        if (const int result = libusb_init(&raw); result != 0) {
            return fmt::format("failed to start libusb: {}", libusb_strerror(result));
        }
        context_.reset(raw);

        const std::uint16_t vendorId = config.vendorId.value_or(kZebraVendorId);
        const auto printers = listPrinters(context_.get(), vendorId, config.productId, &devices_);
        if (printers.empty()) {
            return fmt::format(
                "no USB printer with vendor id {:04x}{} found; check the cable "
                "and the configured ids",
                vendorId,
                config.productId ? fmt::format(" and product id {:04x}", *config.productId)
                                 : std::string());
        }
        info_ = printers.front();
        const std::string identity =
            fmt::format("{:04x}:{:04x} at {}", info_.vendorId, info_.productId, info_.path);

        if (const int result = libusb_open(devices_.front(), &handle_); result != 0) {
            handle_ = nullptr;
            return fmt::format("failed to open {}: {}", identity, libusb_strerror(result));
        }
        // The usblp driver binds printer interfaces. It is detached only when it is bound, and
        // bound again on release, so /dev/usb/lpN comes back after the station lets go.
        if (libusb_kernel_driver_active(handle_, info_.interfaceNumber) == 1) {
            if (const int result = libusb_detach_kernel_driver(handle_, info_.interfaceNumber);
                result != 0) {
                return fmt::format(
                    "failed to detach the kernel driver from interface {} of {}: "
                    "{}",
                    info_.interfaceNumber, identity, libusb_strerror(result));
            }
            detached_ = true;
        }
        if (const int result = libusb_claim_interface(handle_, info_.interfaceNumber);
            result != 0) {
            libusb_close(handle_);
            handle_ = nullptr;
            return fmt::format("failed to claim interface {} of {}: {}", info_.interfaceNumber,
                               identity, libusb_strerror(result));
        }
        return {};
    }

    // Writes data on bulk OUT. Returns the bytes transferred; error is empty on success.
    std::size_t write(std::string_view data, std::chrono::milliseconds timeout,
                      std::string& error) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const int chunk = static_cast<int>(std::min<std::size_t>(data.size() - sent, 16384));
            int transferred = 0;
            const int result = libusb_bulk_transfer(
                handle_, info_.bulkOut,
                reinterpret_cast<unsigned char*>(const_cast<char*>(data.data() + sent)), chunk,
                &transferred, static_cast<unsigned>(timeout.count()));
            sent += static_cast<std::size_t>(transferred);
            if (result != 0) {
                error = libusb_strerror(result);
                return sent;
            }
        }
        return sent;
    }

    // Reads from bulk IN until complete(answer) returns true or the timeout passes.
    template <typename Complete>
    void read(std::string& answer, std::chrono::milliseconds timeout, Complete complete) {
        if (info_.bulkIn == 0) {
            return;
        }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        unsigned char buffer[512];
        while (!complete(answer) && std::chrono::steady_clock::now() < deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            int transferred = 0;
            const int result =
                libusb_bulk_transfer(handle_, info_.bulkIn, buffer, sizeof buffer, &transferred,
                                     static_cast<unsigned>(std::max<long>(1, left.count())));
            answer.append(reinterpret_cast<char*>(buffer), static_cast<std::size_t>(transferred));
            if (result != 0 && result != LIBUSB_ERROR_TIMEOUT) {
                return;
            }
        }
    }

private:
    ContextPtr context_;
    std::vector<libusb_device*> devices_;
    libusb_device_handle* handle_ = nullptr;
    UsbPrinterInfo info_;
    bool detached_ = false;
};

SendResult sendLabel(const config::PrinterConfig& config, const std::string& description,
                     const std::string& zpl) {
    ClaimedPrinter printer;
    if (std::string error = printer.open(config); !error.empty()) {
        return {SendResult::Outcome::FailedBeforeSend, 0,
                fmt::format("{}: {}", description, error)};
    }
    std::string error;
    const std::size_t sent = printer.write(zpl, config.writeTimeout, error);
    if (sent == zpl.size()) {
        return {SendResult::Outcome::Delivered, sent, {}};
    }
    return {sent == 0 ? SendResult::Outcome::FailedBeforeSend : SendResult::Outcome::Uncertain,
            sent,
            fmt::format("{}: bulk transfer failed after {} of {} bytes: {}", description, sent,
                        zpl.size(), error)};
}

PrinterStatus askStatus(const config::PrinterConfig& config, const std::string& description,
                        StatusRequest request) {
    ClaimedPrinter printer;
    if (std::string error = printer.open(config); !error.empty()) {
        return PrinterStatus::notReady(PrinterStatus::Problem::Unreachable,
                                       fmt::format("{}: {}", description, error));
    }
    const std::string command = request == StatusRequest::HostStatus ? "~HS" : "~HQES";
    std::string error;
    if (printer.write(command, config.statusTimeout, error) != command.size()) {
        return PrinterStatus::notReady(
            PrinterStatus::Problem::NoAnswer,
            fmt::format("{}: failed to send {}: {}", description, command, error));
    }
    std::string answer;
    std::optional<PrinterStatus> status;
    printer.read(answer, config.statusTimeout, [&](const std::string& text) {
        status = request == StatusRequest::HostStatus ? parseHostStatus(text)
                                                      : parseExtendedStatus(text);
        return status.has_value();
    });
    if (!status) {
        return PrinterStatus::notReady(
            PrinterStatus::Problem::NoAnswer,
            fmt::format("{}: no complete answer to {} within {} ms; received '{}'", description,
                        command, config.statusTimeout.count(), escapeForLog(answer)));
    }
    return *status;
}

}  // namespace

std::vector<UsbPrinterInfo> findUsbPrinters(std::uint16_t vendorId,
                                            std::optional<std::uint16_t> productId,
                                            std::string& error) {
    libusb_context* raw = nullptr;
    if (const int result = libusb_init(&raw); result != 0) {
        error = fmt::format("failed to start libusb: {}", libusb_strerror(result));
        return {};
    }
    ContextPtr context(raw);
    return listPrinters(context.get(), vendorId, productId, nullptr);
}

std::string tryClaimUsbPrinter(const config::PrinterConfig& config) {
    ClaimedPrinter printer;
    return printer.open(config);
}

LibusbTransport::LibusbTransport(boost::asio::io_context& io, const config::PrinterConfig& config)
    : io_(io),
      config_(config),
      description_(fmt::format(
          "printer {} (usb {:04x}:{})", config.name, config.vendorId.value_or(kZebraVendorId),
          config.productId ? fmt::format("{:04x}", *config.productId) : std::string("any"))),
      worker_(std::make_unique<BlockingWorker>(io)) {}

LibusbTransport::~LibusbTransport() = default;

void LibusbTransport::send(std::string zpl, std::function<void(SendResult)> done) {
    if (*busy_) {
        boost::asio::post(io_, [description = description_, done = std::move(done)] {
            done({SendResult::Outcome::FailedBeforeSend, 0,
                  description + ": another label is still being sent"});
        });
        return;
    }
    *busy_ = true;
    worker_->run<SendResult>([config = config_, description = description_,
                              zpl = std::move(zpl)] { return sendLabel(config, description, zpl); },
                             [busy = busy_, done = std::move(done)](SendResult result) {
                                 *busy = false;
                                 done(std::move(result));
                             });
}

void LibusbTransport::queryStatus(StatusRequest request, std::function<void(PrinterStatus)> done) {
    worker_->run<PrinterStatus>([config = config_, description = description_,
                                 request] { return askStatus(config, description, request); },
                                std::move(done));
}

}  // namespace station::print
