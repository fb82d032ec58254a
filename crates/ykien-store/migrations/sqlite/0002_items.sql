-- Listen: items heard (reports, feedback, imports, feeds), the places they name, the durable
-- job queue of the analysis pipeline, and the full-text index (FTS5) over the search text
-- the pipeline computes (normalized, segmented, folded by ykien-text).

CREATE TABLE items (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id           TEXT NOT NULL REFERENCES units (id),
    source            TEXT NOT NULL,
    channel           TEXT NOT NULL CHECK (channel IN ('form', 'citizen', 'api', 'import', 'feed', 'email', 'other')),
    external_id       TEXT,
    content_hash      TEXT NOT NULL,
    author_user_id    INTEGER REFERENCES users (id),
    author_contact    TEXT,
    received_at       INTEGER NOT NULL,
    occurred_at       INTEGER,
    text              TEXT NOT NULL,
    title             TEXT,
    topic_hint        TEXT,
    locality          TEXT,
    population        TEXT,
    intensity         TEXT,
    trend             TEXT,
    heard             TEXT CHECK (heard IN ('in_person', 'online')),
    quotes            TEXT,
    proposed_handling TEXT,
    confidentiality   TEXT NOT NULL DEFAULT 'normal' CHECK (confidentiality IN ('normal', 'restricted')),
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'analyzed', 'failed')),
    status_reason     TEXT,
    analysis          TEXT,
    analyzed_at       INTEGER,
    language          TEXT,
    spam_label        TEXT,
    spam_score        REAL,
    sentiment         TEXT,
    topic             TEXT,
    is_hidden         BOOLEAN NOT NULL DEFAULT FALSE,
    text_masked       TEXT,
    search_text       TEXT NOT NULL DEFAULT '',
    UNIQUE (source, external_id),
    UNIQUE (source, content_hash)
);
CREATE INDEX items_unit ON items (unit_id, received_at);
CREATE INDEX items_received ON items (received_at);
CREATE INDEX items_author ON items (author_user_id);

CREATE TABLE item_places (
    item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    PRIMARY KEY (item_id, unit_id, span_start)
);
CREATE INDEX item_places_unit ON item_places (unit_id);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    item_id      INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    state        TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_at       INTEGER NOT NULL,
    locked_until INTEGER,
    locked_by    TEXT,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_item ON jobs (item_id);

-- External-content FTS5 over items.search_text. "_" is a token character so that a
-- segmented word ("thuy_phuong") is one token next to its single syllables; the text is
-- already folded, so the tokenizer removes no diacritics of its own.
CREATE VIRTUAL TABLE items_fts USING fts5 (
    search_text,
    content = 'items',
    content_rowid = 'id',
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);
CREATE TRIGGER items_fts_insert AFTER INSERT ON items
BEGIN
    INSERT INTO items_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items
BEGIN
    INSERT INTO items_fts (items_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER items_fts_update AFTER UPDATE OF search_text ON items
BEGIN
    INSERT INTO items_fts (items_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO items_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
