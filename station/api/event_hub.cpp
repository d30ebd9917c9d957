#include "station/api/event_hub.hpp"

#include <chrono>

#include "station/timestamp.hpp"

namespace station::api {

nlohmann::json StationEvent::toJson() const {
    return {{"seq", sequence}, {"type", type}, {"at", at}, {"data", data}};
}

StationEvent EventHub::publish(std::string type, nlohmann::json data) {
    StationEvent event{.sequence = nextSequence_++,
                       .type = std::move(type),
                       .at = formatTimestamp(std::chrono::system_clock::now()),
                       .data = std::move(data)};
    recent_.push_back(event);
    if (recent_.size() > keep_) {
        recent_.pop_front();
    }
    // A subscriber may unsubscribe itself while being called, so walk a copy of the ids.
    std::vector<int> ids;
    ids.reserve(subscribers_.size());
    for (const auto& [id, subscriber] : subscribers_) {
        ids.push_back(id);
    }
    for (int id : ids) {
        if (auto found = subscribers_.find(id); found != subscribers_.end()) {
            found->second(event);
        }
    }
    return event;
}

int EventHub::subscribe(Subscriber subscriber) {
    const int id = nextId_++;
    subscribers_.emplace(id, std::move(subscriber));
    return id;
}

void EventHub::unsubscribe(int id) {
    subscribers_.erase(id);
}

std::vector<StationEvent> EventHub::since(std::uint64_t after) const {
    std::vector<StationEvent> events;
    for (const StationEvent& event : recent_) {
        if (event.sequence > after) {
            events.push_back(event);
        }
    }
    return events;
}

}  // namespace station::api
