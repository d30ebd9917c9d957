#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace station::api {

struct Credentials {
    std::string user;
    std::string password;
};

// Reads "Basic BASE64(user:password)" from an Authorization header value (RFC 7617). Returns
// nothing when the value is not well-formed Basic credentials.
std::optional<Credentials> parseBasicAuthorization(std::string_view header);

}  // namespace station::api
