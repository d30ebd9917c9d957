#include "print/zpl_geometry.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <vector>

namespace station::print {

namespace {

bool isPrefix(char c) {
    return c == '^' || c == '~';
}

std::vector<std::string_view> splitParameters(std::string_view parameters) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = parameters.find(',', start);
        parts.push_back(parameters.substr(start, comma - start));
        if (comma == std::string_view::npos) {
            return parts;
        }
        start = comma + 1;
    }
}

// Which parameters of a command are distances in dots, and which are y positions.
struct Rule {
    std::string_view command;
    std::initializer_list<int> distances;
    int yIndex = -1;
};

// Parameter positions follow the ZPL II Programming Guide for each command. For ^A the font
// name is part of the command, so index 0 is the orientation.
constexpr Rule kRules[] = {
    {"FO", {0, 1}, 1}, {"FT", {0, 1}, 1}, {"LH", {0, 1}},    {"A", {1, 2}},     {"CF", {1, 2}},
    {"GB", {0, 1, 2}}, {"GC", {0, 1}},    {"GD", {0, 1, 2}}, {"GE", {0, 1, 2}}, {"BY", {0, 2}},
    {"BC", {1}},       {"B3", {2}},       {"FB", {0, 2, 4}}, {"LS", {0}},       {"LT", {0}},
};

const Rule* findRule(std::string_view command) {
    for (const auto& rule : kRules) {
        if (rule.command == command) {
            return &rule;
        }
    }
    return nullptr;
}

std::string rewriteParameters(std::string_view parameters, const Rule& rule,
                              const Geometry& geometry) {
    std::vector<std::string_view> parts = splitParameters(parameters);
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            out.push_back(',');
        }
        int value = 0;
        const auto [end, error] =
            std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), value);
        const bool numeric =
            error == std::errc() && end == parts[i].data() + parts[i].size() && !parts[i].empty();
        bool isDistance = false;
        for (int index : rule.distances) {
            isDistance = isDistance || static_cast<std::size_t>(index) == i;
        }
        if (!numeric || !isDistance) {
            out.append(parts[i]);
            continue;
        }
        if (static_cast<int>(i) == rule.yIndex) {
            value += geometry.yOffsetDots;
        }
        out += std::to_string(geometry.scale(value));
    }
    return out;
}

}  // namespace

int Geometry::scale(int dots) const {
    if (fromDpi == toDpi || dots == 0) {
        return dots;
    }
    const long scaled = std::lround(static_cast<double>(dots) * toDpi / fromDpi);
    return scaled == 0 ? (dots > 0 ? 1 : -1) : static_cast<int>(scaled);
}

std::string transformCommands(std::string_view zpl, const Geometry& geometry) {
    if (geometry.isIdentity()) {
        return std::string(zpl);
    }

    std::string out;
    out.reserve(zpl.size() + 16);
    std::size_t pos = 0;
    while (pos < zpl.size()) {
        if (!isPrefix(zpl[pos]) || pos + 2 >= zpl.size()) {
            out.push_back(zpl[pos++]);
            continue;
        }

        // ^A takes its font name as the second character of the command.
        const bool isFont = zpl[pos + 1] == 'A' && zpl[pos + 2] != '@';
        const std::size_t nameLength = isFont ? 1 : 2;
        const std::size_t nameEnd = pos + 1 + nameLength;
        const std::size_t parametersStart = isFont ? nameEnd + 1 : nameEnd;
        std::size_t next = parametersStart;
        while (next < zpl.size() && !isPrefix(zpl[next])) {
            ++next;
        }

        const Rule* rule = findRule(zpl.substr(pos + 1, nameLength));
        if (rule == nullptr || parametersStart > zpl.size()) {
            out.append(zpl.substr(pos, next - pos));
            pos = next;
            continue;
        }
        out.append(zpl.substr(pos, parametersStart - pos));
        out +=
            rewriteParameters(zpl.substr(parametersStart, next - parametersStart), *rule, geometry);
        pos = next;
    }
    return out;
}

}  // namespace station::print
