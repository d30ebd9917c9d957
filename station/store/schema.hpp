#pragma once

#include <span>
#include <string_view>

#include "station/store/sqlite.hpp"

namespace station::store {

// The schema migrations in order; migration N (1-based) brings PRAGMA user_version from N-1
// to N. Released migrations are never edited, only appended.
std::span<const std::string_view> migrations();

// Applies every migration newer than the store's user_version, each in its own transaction.
// Throws StoreError when the store is newer than this build understands.
void migrate(Database& db);

// Applies migrations up to `version` only; tests use it to build stores of earlier versions.
void migrate(Database& db, int version);

int schemaVersion(Database& db);

}  // namespace station::store
