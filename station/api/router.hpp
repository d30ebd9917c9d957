#pragma once

#include <string>
#include <vector>

#include "station/api/http_types.hpp"

namespace station::api {

// Maps a method and a path to a handler. Patterns are literal segments and {name}
// placeholders: "/api/v1/jobs/{id}/reprint". The first matching route wins.
class Router {
public:
    void add(std::string method, const std::string& pattern, Handler handler);

    // Runs the matching handler. An unknown path gets a 404 response; a known path with
    // another method gets a 405 response naming the allowed methods.
    void dispatch(Request request, Respond respond) const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
    };

    std::vector<Route> routes_;
};

// Splits "/a/b/c" into {"a", "b", "c"}.
std::vector<std::string> splitPath(const std::string& path);

}  // namespace station::api
