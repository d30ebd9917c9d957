#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace station::api {

// One thing that happened at the station, as the operator page and integrators see it:
// a decision, a device or printer state change, a print job's progress, a verification.
struct StationEvent {
    std::uint64_t sequence = 0;  // increases by one per event, from 1 at daemon start
    std::string type;            // "decision", "device", "printer", "job", "order", "verification"
    std::string at;              // UTC timestamp
    nlohmann::json data;

    // {"seq": …, "type": …, "at": …, "data": {…}}
    nlohmann::json toJson() const;
};

// Fans events out to subscribers (WebSocket clients, metrics) and keeps the latest ones for
// clients that connect later. Used on the event loop's thread only.
class EventHub {
public:
    using Subscriber = std::function<void(const StationEvent&)>;

    explicit EventHub(std::size_t keep = 200) : keep_(keep) {}

    // Stamps the event with its sequence number and time and delivers it to every subscriber.
    StationEvent publish(std::string type, nlohmann::json data);

    int subscribe(Subscriber subscriber);
    void unsubscribe(int id);

    // The kept events with a sequence number above `after`, oldest first.
    std::vector<StationEvent> since(std::uint64_t after) const;
    // The sequence number of the latest event; 0 before the first.
    std::uint64_t lastSequence() const { return nextSequence_ - 1; }

private:
    std::size_t keep_;
    std::uint64_t nextSequence_ = 1;
    std::deque<StationEvent> recent_;
    std::map<int, Subscriber> subscribers_;
    int nextId_ = 1;
};

}  // namespace station::api
