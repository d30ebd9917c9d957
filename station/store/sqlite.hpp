#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace station::store {

// A failed SQLite call. what() names the operation and SQLite's own message.
class StoreError : public std::runtime_error {
public:
    StoreError(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

class Statement;

// One SQLite connection. Not thread-safe: the daemon uses it from a single thread.
class Database {
public:
    enum class Mode { ReadWrite, ReadOnly };

    Database(const std::filesystem::path& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one or more statements that return no rows.
    void execute(std::string_view sql);
    // Returns a prepared statement for `sql`. Statements are cached per SQL text and reused
    // once the previous Statement for the same text is gone, because preparing costs more than
    // running most of the store's queries.
    Statement prepare(std::string_view sql);

    std::int64_t lastInsertRowId() const;
    int changes() const;
    // Rows inserted, updated or deleted through this connection since it opened.
    std::int64_t totalChanges() const;
    // PRAGMA data_version: changes when another connection commits to the file. Together with
    // totalChanges() it shows a caller whether anything changed since it last looked.
    std::int64_t dataVersion();
    const std::filesystem::path& path() const { return path_; }
    sqlite3* handle() const { return db_; }

private:
    friend class Statement;

    // One cached statement; `inUse` is set while a Statement borrows it.
    struct CachedStatement {
        sqlite3_stmt* statement = nullptr;
        bool inUse = false;
    };

    // Hashes std::string and std::string_view alike, so a lookup needs no string copy.
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const {
            return std::hash<std::string_view>{}(sql);
        }
    };

    sqlite3* db_ = nullptr;
    std::filesystem::path path_;
    std::unordered_map<std::string, CachedStatement, SqlHash, std::equal_to<>> cache_;
};

// A prepared statement; columns and parameters are 0-based and 1-based as in SQLite.
class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    // Borrows a cached statement; the destructor resets it and hands it back.
    Statement(sqlite3* db, sqlite3_stmt* statement, bool* inUse);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const std::string& text) {
        return bind(index, std::string_view(text));
    }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bindBlob(int index, std::string_view bytes);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, std::nullopt_t);
    Statement& bind(int index, const std::optional<std::string>& text);

    // Advances to the next row; returns false when the statement is done.
    bool step();
    // Steps a statement that returns no rows.
    void run();
    void reset();

    std::string text(int column) const;
    std::string blob(int column) const;
    std::int64_t integer(int column) const;
    bool isNull(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
    bool* inUse_ = nullptr;  // set when the statement is borrowed from the cache
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless committed.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();
    // Rolls back now instead of at destruction.
    void rollback();

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace station::store
