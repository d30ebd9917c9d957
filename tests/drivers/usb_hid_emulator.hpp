#pragma once

#include <glib-object.h>
#include <linux/usbdevice_fs.h>
#include <umockdev.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "tests/drivers/testbed.hpp"

namespace station::drivers::test_support {

// Emulates the usbfs side of a HID POS scanner for libusb under an umockdev testbed: it completes
// the URBs libusb submits and reaps on /dev/bus/usb/BBB/DDD. It returns a report descriptor with
// the barcode scanner usage page, hands queued input reports to reads of endpoint 0x81, and
// records output reports, sent on endpoint 0x02 or as SET_REPORT. umockdev calls the handler on
// its own thread; the testbed runs in this process, so URB buffers are the client's memory.
class UsbHidEmulator {
public:
    static constexpr std::uint8_t kInEndpoint = 0x81;
    static constexpr std::uint8_t kOutEndpoint = 0x02;

    UsbHidEmulator(Testbed& bed, const std::string& devnode) : handler_(umockdev_ioctl_base_new()) {
        g_signal_connect_after(handler_, "handle-ioctl", G_CALLBACK(&UsbHidEmulator::onIoctl),
                               this);
        bed.attachIoctl(devnode, handler_);
    }
    ~UsbHidEmulator() {
        g_signal_handlers_disconnect_by_data(handler_, this);
        g_object_unref(handler_);
        for (Completion& completion : completions_) {
            umockdev_ioctl_data_unref(completion.urb);
        }
        for (UMockdevIoctlData* urb : discarded_) {
            umockdev_ioctl_data_unref(urb);
        }
        if (pendingRead_ != nullptr) {
            umockdev_ioctl_data_unref(pendingRead_);
        }
    }
    UsbHidEmulator(const UsbHidEmulator&) = delete;
    UsbHidEmulator& operator=(const UsbHidEmulator&) = delete;

    // Queues input reports for the next reads of the interrupt IN endpoint.
    template <typename Report>
    void queueReports(const std::vector<Report>& reports) {
        const std::lock_guard lock(mutex_);
        for (const Report& report : reports) {
            inputReports_.emplace_back(report.begin(), report.end());
        }
    }

    std::vector<std::string> outputReports() const {
        const std::lock_guard lock(mutex_);
        return outputReports_;
    }

    unsigned reportDescriptorRequests() const {
        const std::lock_guard lock(mutex_);
        return reportDescriptorRequests_;
    }

private:
    // A submitted URB that the next reap returns: its bytes are copied to its buffer at offset.
    struct Completion {
        UMockdevIoctlData* urb;
        std::string bytes;
        std::size_t offset;
        int status;
    };

    static gboolean onIoctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
        auto* emulator = static_cast<UsbHidEmulator*>(self);
        const std::lock_guard lock(emulator->mutex_);
        return emulator->handle(client) ? TRUE : FALSE;
    }

    bool handle(UMockdevIoctlClient* client) {
        UMockdevIoctlData* argument = umockdev_ioctl_client_get_arg(client);
        switch (umockdev_ioctl_client_get_request(client)) {
            case USBDEVFS_CLAIMINTERFACE:
            case USBDEVFS_RELEASEINTERFACE:
                umockdev_ioctl_client_complete(client, 0, 0);
                return true;
            case USBDEVFS_SUBMITURB:
                submit(client, argument);
                return true;
            case USBDEVFS_REAPURB:
            case USBDEVFS_REAPURBNDELAY:
                reap(client, argument);
                return true;
            case USBDEVFS_DISCARDURB:
                discard(client, argument);
                return true;
            default:
                return false;  // umockdev's default handling
        }
    }

    void submit(UMockdevIoctlClient* client, UMockdevIoctlData* argument) {
        UMockdevIoctlData* urbData =
            umockdev_ioctl_data_resolve(argument, 0, sizeof(usbdevfs_urb), nullptr);
        const auto* urb = reinterpret_cast<const usbdevfs_urb*>(urbData->data);
        const auto* buffer = static_cast<const char*>(urb->buffer);  // same process
        const auto length = static_cast<std::size_t>(urb->buffer_length);

        if (urb->type == USBDEVFS_URB_TYPE_CONTROL && length >= 8) {
            const auto* setup = reinterpret_cast<const std::uint8_t*>(buffer);
            if (setup[0] == 0x81 && setup[1] == 0x06 && setup[3] == 0x22) {
                ++reportDescriptorRequests_;
                completions_.push_back({urbData, reportDescriptor(), 8, 0});
            } else if (setup[0] == 0x21 && setup[1] == 0x09) {
                outputReports_.emplace_back(buffer + 8, length - 8);
                completions_.push_back({urbData, std::string(length - 8, '\0'), 8, 0});
            } else {
                completions_.push_back({urbData, {}, 8, -EPIPE});  // a stalled request
            }
        } else if (urb->type == USBDEVFS_URB_TYPE_INTERRUPT && urb->endpoint == kInEndpoint) {
            if (pendingRead_ != nullptr) {
                umockdev_ioctl_data_unref(pendingRead_);
            }
            pendingRead_ = urbData;
        } else if (urb->type == USBDEVFS_URB_TYPE_INTERRUPT && urb->endpoint == kOutEndpoint) {
            outputReports_.emplace_back(buffer, length);
            completions_.push_back({urbData, std::string(buffer, length), 0, 0});
        } else {
            umockdev_ioctl_data_unref(urbData);
            umockdev_ioctl_client_complete(client, -1, EINVAL);
            return;
        }
        umockdev_ioctl_client_complete(client, 0, 0);
    }

    void reap(UMockdevIoctlClient* client, UMockdevIoctlData* argument) {
        Completion completion{};
        if (!discarded_.empty()) {
            completion = Completion{discarded_.front(), {}, 0, -ENOENT};
            discarded_.pop_front();
        } else if (!completions_.empty()) {
            completion = completions_.front();
            completions_.pop_front();
        } else if (pendingRead_ != nullptr && !inputReports_.empty()) {
            completion = Completion{pendingRead_, inputReports_.front(), 0, 0};
            inputReports_.pop_front();
            pendingRead_ = nullptr;
        } else {
            umockdev_ioctl_client_complete(client, -1, EAGAIN);
            return;
        }

        auto* urb = reinterpret_cast<usbdevfs_urb*>(completion.urb->data);
        std::memcpy(static_cast<char*>(urb->buffer) + completion.offset, completion.bytes.data(),
                    completion.bytes.size());
        urb->actual_length = static_cast<int>(completion.bytes.size());
        urb->status = completion.status;
        UMockdevIoctlData* pointer =
            umockdev_ioctl_data_resolve(argument, 0, sizeof(void*), nullptr);
        umockdev_ioctl_data_set_ptr(pointer, 0, completion.urb);
        umockdev_ioctl_client_complete(client, 0, 0);
        umockdev_ioctl_data_unref(pointer);
        umockdev_ioctl_data_unref(completion.urb);
    }

    void discard(UMockdevIoctlClient* client, UMockdevIoctlData* argument) {
        const auto address = *reinterpret_cast<const gulong*>(argument->data);
        if (pendingRead_ != nullptr && pendingRead_->client_addr == address) {
            discarded_.push_back(pendingRead_);
            pendingRead_ = nullptr;
            umockdev_ioctl_client_complete(client, 0, 0);
            return;
        }
        umockdev_ioctl_client_complete(client, -1, EINVAL);
    }

    // A report descriptor that declares the barcode scanner usage page 0x8C, with an application
    // collection holding a 63-byte input report 2 and a 1-byte output report 4.
    static std::string reportDescriptor() {
        static constexpr std::uint8_t kDescriptor[] = {
            0x06, 0x8C, 0x00, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02, 0x15, 0x00,
            0x26, 0xFF, 0x00, 0x75, 0x08, 0x95, 0x3F, 0x09, 0xFB, 0x81, 0x02,
            0x85, 0x04, 0x95, 0x01, 0x09, 0x14, 0x91, 0x02, 0xC0};
        return std::string(reinterpret_cast<const char*>(kDescriptor), sizeof kDescriptor);
    }

    UMockdevIoctlBase* handler_;
    mutable std::mutex mutex_;
    std::deque<std::string> inputReports_;
    std::vector<std::string> outputReports_;
    std::deque<Completion> completions_;
    std::deque<UMockdevIoctlData*> discarded_;
    UMockdevIoctlData* pendingRead_ = nullptr;
    unsigned reportDescriptorRequests_ = 0;
};

}  // namespace station::drivers::test_support
