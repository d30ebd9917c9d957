#include "station/api/metrics.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace station::api {
namespace {

// Label values may hold any text; the format escapes backslash, double quote and newline.
std::string escapeLabelValue(std::string_view value) {
    std::string escaped;
    escaped.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\':
                escaped += "\\\\";
                break;
            case '"':
                escaped += "\\\"";
                break;
            case '\n':
                escaped += "\\n";
                break;
            default:
                escaped += c;
        }
    }
    return escaped;
}

std::string renderLabels(const MetricLabels& labels) {
    if (labels.empty()) {
        return {};
    }
    std::string text = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        text += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first,
                            escapeLabelValue(labels[i].second));
    }
    return text + "}";
}

}  // namespace

void Metrics::describe(const std::string& name, Type type, std::string help) {
    Family& described = families_[name];
    described.type = type;
    described.help = std::move(help);
}

Metrics::Family& Metrics::family(std::string_view name) {
    auto found = families_.find(name);
    if (found == families_.end()) {
        throw std::logic_error(fmt::format("metric {} was not described", name));
    }
    return found->second;
}

void Metrics::add(std::string_view name, const MetricLabels& labels, double delta) {
    family(name).series[renderLabels(labels)] += delta;
}

void Metrics::observe(std::string_view name, const MetricLabels& labels, double value) {
    Family& summary = family(name);
    const std::string rendered = renderLabels(labels);
    summary.series["_sum" + rendered] += value;
    summary.series["_count" + rendered] += 1;
}

void Metrics::set(std::string_view name, const MetricLabels& labels, double value) {
    family(name).series[renderLabels(labels)] = value;
}

double Metrics::value(std::string_view name, const MetricLabels& labels) const {
    auto found = families_.find(name);
    if (found == families_.end()) {
        return 0;
    }
    auto series = found->second.series.find(renderLabels(labels));
    return series == found->second.series.end() ? 0 : series->second;
}

void Metrics::onCollect(std::function<void(Metrics&)> collector) {
    collectors_.push_back(std::move(collector));
}

std::string Metrics::render() {
    for (const auto& collector : collectors_) {
        collector(*this);
    }
    std::string text;
    for (const auto& [name, described] : families_) {
        const char* type = described.type == Type::Counter ? "counter"
                           : described.type == Type::Gauge ? "gauge"
                                                           : "summary";
        text += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, described.help, name, type);
        // A counter or summary that never moved still shows as 0, so dashboards see it exists.
        if (described.series.empty() && described.type == Type::Counter) {
            text += fmt::format("{} 0\n", name);
        }
        if (described.series.empty() && described.type == Type::Summary) {
            text += fmt::format("{}_sum 0\n{}_count 0\n", name, name);
        }
        for (const auto& [labels, value] : described.series) {
            text += fmt::format("{}{} {}\n", name, labels, value);
        }
    }
    return text;
}

}  // namespace station::api
