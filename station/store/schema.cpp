#include "station/store/schema.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <string>

namespace station::store {
namespace {

// Version 1: orders, lines, scans, links with voids, holds, returns, the journal and print
// jobs. Links, voids and the journal are append-only; triggers enforce it.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE orders (
    order_number  TEXT PRIMARY KEY,
    customer_ref  TEXT NOT NULL DEFAULT '',
    has_lines     INTEGER NOT NULL CHECK (has_lines IN (0, 1)),
    source        TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'open'
                  CHECK (state IN ('open', 'complete', 'closed_short', 'cancelled')),
    imported_at   TEXT NOT NULL,
    closed_at     TEXT,
    close_reason  TEXT
);

CREATE TABLE order_lines (
    order_number         TEXT NOT NULL REFERENCES orders (order_number) ON DELETE CASCADE,
    line_no              INTEGER NOT NULL,
    gtin                 TEXT NOT NULL DEFAULT '',
    sku                  TEXT NOT NULL DEFAULT '',
    quantity             INTEGER NOT NULL CHECK (quantity > 0),
    serial_required      INTEGER NOT NULL DEFAULT 0,
    lot_required         INTEGER NOT NULL DEFAULT 0,
    expiry_required      INTEGER NOT NULL DEFAULT 0,
    min_shelf_life_days  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_number, line_no),
    CHECK (gtin <> '' OR sku <> '')
);

CREATE TABLE scans (
    scan_id       TEXT PRIMARY KEY,
    device        TEXT NOT NULL,
    symbology     TEXT NOT NULL DEFAULT '',
    read_at       TEXT NOT NULL,
    raw           BLOB NOT NULL,
    outcome       TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    message       TEXT NOT NULL DEFAULT '',
    order_number  TEXT
);

CREATE TABLE links (
    link_id       INTEGER PRIMARY KEY,
    scan_id       TEXT NOT NULL UNIQUE REFERENCES scans (scan_id) DEFERRABLE INITIALLY DEFERRED,
    order_number  TEXT NOT NULL REFERENCES orders (order_number),
    line_no       INTEGER,
    gtin          TEXT NOT NULL DEFAULT '',
    sku           TEXT NOT NULL DEFAULT '',
    serial        TEXT NOT NULL DEFAULT '',
    lot           TEXT NOT NULL DEFAULT '',
    expiry        TEXT,
    station       TEXT NOT NULL,
    operator      TEXT NOT NULL,
    device        TEXT NOT NULL,
    scanned_at    TEXT NOT NULL,
    linked_at     TEXT NOT NULL,
    raw_scan      BLOB NOT NULL
);
CREATE INDEX links_by_serial ON links (serial, gtin) WHERE serial <> '';
CREATE INDEX links_by_lot ON links (lot, gtin) WHERE lot <> '';
CREATE INDEX links_by_order ON links (order_number);
CREATE INDEX links_by_time ON links (scanned_at);

CREATE TABLE link_voids (
    link_id    INTEGER PRIMARY KEY REFERENCES links (link_id),
    voided_at  TEXT NOT NULL,
    voided_by  TEXT NOT NULL,
    reason     TEXT NOT NULL
);

CREATE TABLE holds (
    hold_id         INTEGER PRIMARY KEY,
    gtin            TEXT NOT NULL DEFAULT '',
    lot             TEXT NOT NULL DEFAULT '',
    serial          TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    released_by     TEXT,
    released_at     TEXT,
    release_reason  TEXT,
    CHECK (lot <> '' OR serial <> '')
);

CREATE TABLE returns (
    return_id     INTEGER PRIMARY KEY,
    gtin          TEXT NOT NULL DEFAULT '',
    sku           TEXT NOT NULL DEFAULT '',
    serial        TEXT NOT NULL,
    order_number  TEXT,
    returned_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    reason        TEXT NOT NULL
);

CREATE TABLE print_jobs (
    job_id        INTEGER PRIMARY KEY,
    order_number  TEXT,
    template      TEXT NOT NULL,
    printer       TEXT NOT NULL,
    zpl           BLOB NOT NULL,
    fields        TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'sending', 'delivered', 'failed', 'uncertain',
                                   'cancelled')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    reprint_of    INTEGER REFERENCES print_jobs (job_id),
    reason        TEXT NOT NULL DEFAULT '',
    requested_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX print_jobs_pending ON print_jobs (state) WHERE state IN ('queued', 'sending');

CREATE TABLE journal (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    station       TEXT NOT NULL,
    actor         TEXT NOT NULL,
    event         TEXT NOT NULL,
    scan_id       TEXT,
    order_number  TEXT,
    detail        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX journal_by_order ON journal (order_number) WHERE order_number IS NOT NULL;

CREATE TRIGGER journal_is_append_only_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_is_append_only_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER links_are_append_only_update BEFORE UPDATE ON links
BEGIN SELECT RAISE(ABORT, 'links are never updated; void them instead'); END;
CREATE TRIGGER links_are_append_only_delete BEFORE DELETE ON links
BEGIN SELECT RAISE(ABORT, 'links are never deleted; void them instead'); END;
)sql";

// Version 2: leads who may authorise overrides, voids, holds and reprints (PINs stored as
// yescrypt hashes), and the stock snapshot that the FEFO check reads.
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE leads (
    name         TEXT PRIMARY KEY,
    pin_hash     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    disabled_at  TEXT
);

CREATE TABLE stock_lots (
    gtin        TEXT NOT NULL,
    lot         TEXT NOT NULL,
    expiry      TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity >= 0),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (gtin, lot)
);
)sql";

// Version 3: the serial and lot indexes cover every row. SQLite 3.40 does not use a partial
// index (WHERE serial <> '') for "serial = ?" with a bound parameter, so recall and the
// duplicate-serial check scanned the whole links table.
constexpr std::string_view kVersion3 = R"sql(
DROP INDEX links_by_serial;
DROP INDEX links_by_lot;
CREATE INDEX links_by_serial ON links (serial, gtin);
CREATE INDEX links_by_lot ON links (lot, gtin);
)sql";

constexpr std::array<std::string_view, 3> kMigrations = {kVersion1, kVersion2, kVersion3};

}  // namespace

std::span<const std::string_view> migrations() {
    return kMigrations;
}

int schemaVersion(Database& db) {
    Statement statement = db.prepare("PRAGMA user_version");
    statement.step();
    return static_cast<int>(statement.integer(0));
}

void migrate(Database& db) {
    migrate(db, static_cast<int>(kMigrations.size()));
}

void migrate(Database& db, int latest) {
    const int current = schemaVersion(db);
    if (current > static_cast<int>(kMigrations.size())) {
        throw StoreError(fmt::format("Store {} has schema version {}, newer than this build's {}; "
                                     "run a newer stationd or restore a backup",
                                     db.path().string(), current, kMigrations.size()),
                         0);
    }
    for (int version = current + 1; version <= latest; ++version) {
        Transaction transaction(db);
        db.execute(kMigrations[static_cast<std::size_t>(version - 1)]);
        db.execute(fmt::format("PRAGMA user_version = {}", version));
        transaction.commit();
        spdlog::info("Store {} migrated to schema version {}", db.path().string(), version);
    }
}

}  // namespace station::store
