-- Intake: photos attached to items, and bulk imports started from the web UI.
--
-- An attachment's bytes live in the data directory under their SHA-256 (content-addressed,
-- written atomically); this table says which item holds which file, its sniffed media type
-- and its size. `position` is the 1-based number shown in URLs.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id       INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    media_type    TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    original_name TEXT,
    created_by    INTEGER REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    UNIQUE (item_id, position),
    UNIQUE (item_id, sha256)
);

-- A bulk import: the uploaded file (in the data directory), and how far the background
-- runner has got. `row_cursor` is the number of parsed rows already taken; it is committed with
-- each chunk, so a runner killed mid-import resumes there (rows re-read after the cursor
-- are recognised by their id or content and add nothing).
CREATE TABLE imports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        TEXT NOT NULL REFERENCES units (id),
    source         TEXT NOT NULL,
    format         TEXT NOT NULL CHECK (format IN ('jsonl', 'csv', 'xlsx')),
    file_name      TEXT NOT NULL,
    original_name  TEXT,
    file_sha256    TEXT NOT NULL,
    file_size      INTEGER NOT NULL,
    state          TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    rows_total     INTEGER,
    rows_done      INTEGER NOT NULL DEFAULT 0,
    rows_added     INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    rows_failed    INTEGER NOT NULL DEFAULT 0,
    errors         TEXT NOT NULL DEFAULT '[]',
    row_cursor       INTEGER NOT NULL DEFAULT 0,
    failure        TEXT,
    actor_user_id  INTEGER REFERENCES users (id),
    locked_by      TEXT,
    locked_until   INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    finished_at    INTEGER
);
CREATE INDEX imports_state ON imports (state, locked_until);
CREATE INDEX imports_unit ON imports (unit_id, created_at);
