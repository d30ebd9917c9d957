#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace station::api {

// One HTTP request as passed to a route handler.
struct Request {
    std::string method;                              // "GET", "POST", ...
    std::string path;                                // without the query, percent-decoded
    std::map<std::string, std::string> query;        // decoded; a repeated key keeps the last
    std::map<std::string, std::string> parameters;   // from the route pattern, e.g. {id}
    std::map<std::string, std::string> headers;      // names in lower case
    std::string body;

    // A header's value, or nothing.
    std::optional<std::string> header(const std::string& lowerCaseName) const;
    // A query parameter's value, or nothing.
    std::optional<std::string> queryValue(const std::string& name) const;
};

struct Response {
    unsigned status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static Response json(unsigned status, const nlohmann::json& body);
    // {"error": CODE, "message": MESSAGE}; the message names what was wrong and what to do.
    static Response error(unsigned status, std::string code, std::string message);
};

// Delivers a handler's response. Call it exactly once, from any thread.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(const Request&, Respond)>;

}  // namespace station::api
