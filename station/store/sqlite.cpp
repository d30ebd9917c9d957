#include "station/store/sqlite.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace station::store {
namespace {

[[noreturn]] void raise(sqlite3* db, int code, std::string_view operation) {
    throw StoreError(fmt::format("{} failed: {}", operation,
                                 db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code)),
                     code);
}

}  // namespace

Database::Database(const std::filesystem::path& path, Mode mode) : path_(path) {
    int flags =
        mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int code = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (code != SQLITE_OK) {
        std::string message =
            fmt::format("Failed to open store {}: {}", path.string(),
                        db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code));
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError(message, code);
    }
    sqlite3_extended_result_codes(db_, 1);
    // Another process (stationctl) may hold the write lock for a moment.
    sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
    for (auto& [sql, cached] : cache_) {
        sqlite3_finalize(cached.statement);
    }
    if (sqlite3_close(db_) != SQLITE_OK) {
        spdlog::warn("Failed to close store {}: {}", path_.string(), sqlite3_errmsg(db_));
    }
}

void Database::execute(std::string_view sql) {
    std::string statement(sql);
    char* error = nullptr;
    int code = sqlite3_exec(db_, statement.c_str(), nullptr, nullptr, &error);
    if (code != SQLITE_OK) {
        std::string message = fmt::format("SQL failed: {}", error != nullptr ? error : "?");
        sqlite3_free(error);
        throw StoreError(message, code);
    }
}

Statement Database::prepare(std::string_view sql) {
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
        sqlite3_stmt* statement = nullptr;
        int code = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
        if (code != SQLITE_OK) {
            raise(db_, code, fmt::format("Preparing \"{}\"", sql));
        }
        found = cache_.emplace(std::string(sql), CachedStatement{statement, false}).first;
    }
    if (found->second.inUse) {
        // The same SQL is already running (nested use): give the caller its own statement.
        return Statement(db_, sql);
    }
    found->second.inUse = true;
    return Statement(db_, found->second.statement, &found->second.inUse);
}

std::int64_t Database::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
    return sqlite3_changes(db_);
}

std::int64_t Database::totalChanges() const {
    return sqlite3_total_changes64(db_);
}

std::int64_t Database::dataVersion() {
    Statement version = prepare("PRAGMA data_version");
    version.step();
    return version.integer(0);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
    int code =
        sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement_, nullptr);
    if (code != SQLITE_OK) {
        raise(db, code, fmt::format("Preparing \"{}\"", sql));
    }
}

Statement::Statement(sqlite3* db, sqlite3_stmt* statement, bool* inUse)
    : db_(db), statement_(statement), inUse_(inUse) {}

Statement::~Statement() {
    if (inUse_ == nullptr) {
        sqlite3_finalize(statement_);
        return;
    }
    // Resetting ends the statement's read of the database, so a cached statement never keeps
    // a WAL snapshot open between calls.
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    *inUse_ = false;
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      statement_(std::exchange(other.statement_, nullptr)),
      inUse_(std::exchange(other.inUse_, nullptr)) {}

Statement& Statement::bind(int index, std::string_view text) {
    int code = sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                                 SQLITE_TRANSIENT);
    if (code != SQLITE_OK) {
        raise(db_, code, "Binding a parameter");
    }
    return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
    int code = sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                                 SQLITE_TRANSIENT);
    if (code != SQLITE_OK) {
        raise(db_, code, "Binding a parameter");
    }
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    int code = sqlite3_bind_int64(statement_, index, value);
    if (code != SQLITE_OK) {
        raise(db_, code, "Binding a parameter");
    }
    return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
    int code = sqlite3_bind_null(statement_, index);
    if (code != SQLITE_OK) {
        raise(db_, code, "Binding a parameter");
    }
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view(*text)) : bind(index, std::nullopt);
}

bool Statement::step() {
    int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) {
        return true;
    }
    if (code == SQLITE_DONE) {
        return false;
    }
    raise(db_, code, fmt::format("Running \"{}\"", sqlite3_sql(statement_)));
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

std::string Statement::text(int column) const {
    const unsigned char* value = sqlite3_column_text(statement_, column);
    int size = sqlite3_column_bytes(statement_, column);
    return value != nullptr
               ? std::string(reinterpret_cast<const char*>(value), static_cast<std::size_t>(size))
               : std::string();
}

std::string Statement::blob(int column) const {
    const void* value = sqlite3_column_blob(statement_, column);
    int size = sqlite3_column_bytes(statement_, column);
    return value != nullptr
               ? std::string(static_cast<const char*>(value), static_cast<std::size_t>(size))
               : std::string();
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

// Transactions use cached statements because sqlite3_exec would parse the SQL on every scan.
Transaction::Transaction(Database& db) : db_(db) {
    db_.prepare("BEGIN IMMEDIATE").run();
}

Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.prepare("ROLLBACK").run();
        } catch (const StoreError& error) {
            spdlog::error("Rollback failed on {}: {}", db_.path().string(), error.what());
        }
    }
}

void Transaction::rollback() {
    if (!done_) {
        done_ = true;
        db_.prepare("ROLLBACK").run();
    }
}

void Transaction::commit() {
    db_.prepare("COMMIT").run();
    done_ = true;
}

}  // namespace station::store
