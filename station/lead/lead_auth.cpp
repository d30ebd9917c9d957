#include "station/lead/lead_auth.hpp"

#include <crypt.h>
#include <fmt/format.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "station/timestamp.hpp"

namespace station::lead {
namespace {

// Hashes a PIN with yescrypt ("$y$"), the default method of libxcrypt 4.4.
std::string hashPin(const std::string& pin) {
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting) == nullptr) {
        throw std::runtime_error(
            fmt::format("Failed to create a PIN salt: {}", std::strerror(errno)));
    }
    crypt_data data{};
    const char* hash = crypt_rn(pin.c_str(), setting, &data, sizeof data);
    if (hash == nullptr || hash[0] == '*') {
        throw std::runtime_error("Failed to hash the PIN");
    }
    return hash;
}

bool pinMatches(const std::string& pin, const std::string& storedHash) {
    crypt_data data{};
    const char* hash = crypt_rn(pin.c_str(), storedHash.c_str(), &data, sizeof data);
    if (hash == nullptr || hash[0] == '*') {
        return false;
    }
    // Compare every byte, so the time taken reveals nothing about where they differ.
    std::size_t length = std::strlen(hash);
    if (length != storedHash.size()) {
        return false;
    }
    unsigned char difference = 0;
    for (std::size_t i = 0; i < length; ++i) {
        difference |= static_cast<unsigned char>(hash[i] ^ storedHash[i]);
    }
    return difference == 0;
}

}  // namespace

void setLeadPin(store::Store& store, const std::string& name, const std::string& pin,
                const std::string& actor) {
    if (name.empty()) {
        throw AuthorizationError("A lead needs a name");
    }
    if (pin.size() < 4) {
        throw AuthorizationError(
            fmt::format("The PIN for lead {} is too short; use at least 4 characters", name));
    }
    const std::string now = formatTimestamp(std::chrono::system_clock::now());
    store::Transaction transaction = store.begin();
    store::Statement upsert = store.database().prepare(
        "INSERT INTO leads (name, pin_hash, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET pin_hash = excluded.pin_hash, disabled_at = NULL");
    upsert.bind(1, name).bind(2, hashPin(pin)).bind(3, now);
    upsert.run();
    store.appendJournal({.at = now,
                         .station = "",
                         .actor = actor,
                         .event = "lead_pin_set",
                         .detailJson = nlohmann::json{{"lead", name}}.dump()});
    transaction.commit();
}

void authenticateLead(store::Store& store, const std::string& name, const std::string& pin) {
    store::Statement select = store.database().prepare(
        "SELECT pin_hash FROM leads WHERE name = ? AND disabled_at IS NULL");
    select.bind(1, name);
    if (!select.step() || !pinMatches(pin, select.text(0))) {
        throw AuthorizationError(fmt::format(
            "Lead authentication failed for \"{}\"; check the name and PIN (stationctl lead "
            "set-pin NAME sets one)",
            name));
    }
}

}  // namespace station::lead
