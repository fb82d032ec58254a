-- Feeds: sources polled on a schedule (RSS and Atom feeds, web pages whose main text becomes
-- an item, and watched pages of the organization's own site), and a record of every fetch.
-- A source is filed under a unit, which scopes who may see and manage it. Pollers in several
-- processes share the table: a due source is leased (locked_until, locked_by) by one of them.
-- Watched pages keep the text of their last fetch, against which the next change is judged.

CREATE TABLE sources (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id              TEXT NOT NULL REFERENCES units (id),
    kind                 TEXT NOT NULL CHECK (kind IN ('rss', 'atom', 'page', 'watch')),
    url                  TEXT NOT NULL,
    name                 TEXT NOT NULL UNIQUE,
    poll_interval_secs   INTEGER NOT NULL CHECK (poll_interval_secs > 0),
    enabled              BOOLEAN NOT NULL DEFAULT TRUE,
    etag                 TEXT,
    last_modified        TEXT,
    next_fetch_at        INTEGER NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_status          TEXT,
    last_fetched_at      INTEGER,
    locked_until         INTEGER,
    locked_by            TEXT,
    snapshot_text        TEXT,
    snapshot_hash        TEXT,
    created_by           INTEGER REFERENCES users (id),
    created_at           INTEGER NOT NULL,
    UNIQUE (unit_id, kind, url)
);
CREATE INDEX sources_due ON sources (enabled, next_fetch_at);
CREATE INDEX sources_unit ON sources (unit_id);

CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    started_at    INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL,
    http_status   INTEGER,
    bytes         INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'not_modified', 'error')),
    error_kind    TEXT,
    error_message TEXT,
    items_found   INTEGER NOT NULL DEFAULT 0,
    items_added   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetches_source ON fetches (source_id, id);
