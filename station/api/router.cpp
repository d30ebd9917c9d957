#include "station/api/router.hpp"

#include <fmt/format.h>

namespace station::api {

std::optional<std::string> Request::header(const std::string& lowerCaseName) const {
    auto found = headers.find(lowerCaseName);
    return found == headers.end() ? std::nullopt : std::optional(found->second);
}

std::optional<std::string> Request::queryValue(const std::string& name) const {
    auto found = query.find(name);
    return found == query.end() ? std::nullopt : std::optional(found->second);
}

Response Response::json(unsigned status, const nlohmann::json& body) {
    Response response;
    response.status = status;
    // Replacement characters keep invalid UTF-8 from a scan out of the JSON text.
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
}

Response Response::error(unsigned status, std::string code, std::string message) {
    return json(status, {{"error", std::move(code)}, {"message", std::move(message)}});
}

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) {
            end = path.size();
        }
        if (end > start) {
            segments.push_back(path.substr(start, end - start));
        }
        start = end + 1;
    }
    return segments;
}

void Router::add(std::string method, const std::string& pattern, Handler handler) {
    routes_.push_back({std::move(method), splitPath(pattern), std::move(handler)});
}

void Router::dispatch(Request request, Respond respond) const {
    const std::vector<std::string> segments = splitPath(request.path);
    std::vector<std::string> allowed;
    for (const Route& route : routes_) {
        if (route.segments.size() != segments.size()) {
            continue;
        }
        std::map<std::string, std::string> parameters;
        bool matches = true;
        for (std::size_t i = 0; i < segments.size() && matches; ++i) {
            const std::string& expected = route.segments[i];
            if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}') {
                parameters[expected.substr(1, expected.size() - 2)] = segments[i];
            } else {
                matches = expected == segments[i];
            }
        }
        if (!matches) {
            continue;
        }
        if (route.method != request.method) {
            allowed.push_back(route.method);
            continue;
        }
        request.parameters = std::move(parameters);
        route.handler(request, std::move(respond));
        return;
    }
    if (!allowed.empty()) {
        Response response = Response::error(
            405, "method_not_allowed",
            fmt::format("{} is not supported on {}; use {}", request.method, request.path,
                        fmt::join(allowed, " or ")));
        response.headers.emplace_back("Allow", fmt::format("{}", fmt::join(allowed, ", ")));
        respond(std::move(response));
        return;
    }
    respond(Response::error(404, "not_found",
                            fmt::format("{} does not exist; the API is described in docs/api.md",
                                        request.path)));
}

}  // namespace station::api
