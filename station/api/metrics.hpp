#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace station::api {

// Label pairs of one series, such as {{"outcome", "rejected"}, {"reason", "wrong_item"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// The station's counters and gauges, served as Prometheus text at /metrics. The format is a few
// lines of text, so it is written here rather than pulling in a client library that Debian 12
// does not package. Used on the event loop's thread only.
class Metrics {
public:
    enum class Type { Counter, Gauge, Summary };

    // Declares a metric family. Every name used in add() or set() must be declared first.
    void describe(const std::string& name, Type type, std::string help);

    // Adds to a counter series, creating it at zero.
    void add(std::string_view name, const MetricLabels& labels = {}, double delta = 1);
    // Adds one observation to a summary: its NAME_sum and NAME_count series.
    void observe(std::string_view name, const MetricLabels& labels, double value);
    // Sets a gauge series.
    void set(std::string_view name, const MetricLabels& labels, double value);
    // Reads a series; 0 when it does not exist.
    double value(std::string_view name, const MetricLabels& labels = {}) const;

    // Runs before each render, to refresh gauges read from elsewhere (queue lengths, camera
    // counters).
    void onCollect(std::function<void(Metrics&)> collector);

    // The text exposition format, version 0.0.4.
    std::string render();

private:
    struct Family {
        Type type = Type::Counter;
        std::string help;
        // Rendered label set, after "_sum" or "_count" for a summary, to value.
        std::map<std::string, double> series;
    };

    Family& family(std::string_view name);

    std::map<std::string, Family, std::less<>> families_;
    std::vector<std::function<void(Metrics&)>> collectors_;
};

}  // namespace station::api
