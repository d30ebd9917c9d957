#pragma once

#include <stdexcept>
#include <string>

#include "station/store/store.hpp"

namespace station::lead {

// A lead action that was not authorised: unknown lead, wrong PIN, disabled lead, or a missing
// reason.
class AuthorizationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Adds a lead, or replaces the PIN of an existing one. The PIN is stored as a yescrypt hash
// (libcrypt), never in clear. PINs must be at least 4 characters.
void setLeadPin(store::Store& store, const std::string& name, const std::string& pin,
                const std::string& actor);

// Checks a lead's PIN. Throws AuthorizationError naming the lead when it does not match; the
// message never says whether the name or the PIN was wrong.
void authenticateLead(store::Store& store, const std::string& name, const std::string& pin);

}  // namespace station::lead
