// station-decoder: the isolated decoder worker. The supervisor (DecoderProcess) starts it with
// a connected Unix stream socket as standard input and a shared memory file as descriptor 3.
// For every DecodeRequest it reads the frame from the shared memory, decodes it and writes a
// DecodeReplyHeader and the encoded FrameResult back. It exits when the socket closes.
//
// STATION_DECODER_FAULT=abort:N or hang:N makes the N-th request of the process abort or hang,
// so that tests can exercise the supervisor's recovery with a real dying process.

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <opencv2/core/mat.hpp>
#include <string>
#include <thread>

#include "vision/decoder_protocol.hpp"
#include "vision/frame_decoder.hpp"

namespace {

using namespace station::vision;

constexpr int kSocket = 0;
constexpr int kSharedMemory = 3;

bool readExact(int fd, void* data, size_t size) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
        ssize_t n = ::read(fd, bytes, size);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        bytes += n;
        size -= size_t(n);
    }
    return true;
}

bool writeExact(int fd, const void* data, size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t n = ::send(fd, bytes, size, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        bytes += n;
        size -= size_t(n);
    }
    return true;
}

struct Fault {
    std::string kind;
    unsigned long request = 0;
};

Fault faultFromEnvironment() {
    const char* value = std::getenv("STATION_DECODER_FAULT");
    if (value == nullptr) {
        return {};
    }
    std::string text(value);
    size_t colon = text.find(':');
    if (colon == std::string::npos) {
        return {};
    }
    return {text.substr(0, colon), std::strtoul(text.c_str() + colon + 1, nullptr, 10)};
}

void injectFault(const Fault& fault, unsigned long request) {
    if (fault.request != request) {
        return;
    }
    if (fault.kind == "abort") {
        std::abort();
    }
    if (fault.kind == "hang") {
        for (;;) {
            std::this_thread::sleep_for(std::chrono::hours(1));
        }
    }
}

FrameResult decodeRequest(const DecodeRequest& request, const cv::Mat& frame) {
    switch (request.mode) {
        case DecodeMode::Plain:
            return decodePlain(frame);
        case DecodeMode::NoRetry:
            return FrameDecoder({.retry = false}).decode(frame);
        case DecodeMode::Pipeline:
            break;
    }
    DecoderOptions options;
    options.retryBudget = std::chrono::milliseconds(request.retryBudgetMs);
    return FrameDecoder(options).decode(frame);
}

}  // namespace

int main() {
    Fault fault = faultFromEnvironment();
    unsigned long handled = 0;

    DecodeRequest request;
    while (readExact(kSocket, &request, sizeof request)) {
        if (request.magic != DecodeRequest::kMagic || request.width <= 0 || request.height <= 0) {
            return 2;
        }
        size_t size = size_t(request.width) * size_t(request.height);
        struct stat status {};
        if (::fstat(kSharedMemory, &status) != 0 || size_t(status.st_size) < size) {
            return 3;
        }
        void* pixels = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, kSharedMemory, 0);
        if (pixels == MAP_FAILED) {
            return 4;
        }

        injectFault(fault, ++handled);
        cv::Mat frame(request.height, request.width, CV_8UC1, pixels);
        std::string body = encodeFrameResult(decodeRequest(request, frame));
        ::munmap(pixels, size);

        DecodeReplyHeader reply;
        reply.sequence = request.sequence;
        reply.length = static_cast<std::uint32_t>(body.size());
        if (!writeExact(kSocket, &reply, sizeof reply) ||
            !writeExact(kSocket, body.data(), body.size())) {
            return 0;
        }
    }
    return 0;
}
