-- Act: cases (vụ việc) group items about one matter and carry them through the workflow
-- new → verifying → forwarded → answered → closed (reopen: back to verifying), with an
-- assignee, a due date in working hours, comments; their history is the audit log.

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id          TEXT NOT NULL REFERENCES units (id),
    title            TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'verifying', 'forwarded', 'answered', 'closed')),
    severity         TEXT NOT NULL CHECK (severity IN ('urgent', 'normal')),
    assignee_user_id INTEGER REFERENCES users (id),
    due_at           INTEGER NOT NULL,
    forwarded_kind   TEXT CHECK (forwarded_kind IN ('unit', 'member_org', 'outside')),
    forwarded_to     TEXT,
    forward_ref      TEXT,
    created_by       INTEGER REFERENCES users (id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    closed_at        INTEGER
);
CREATE INDEX cases_unit ON cases (unit_id, status);
CREATE INDEX cases_due ON cases (status, due_at);

-- An item belongs to at most one case: merging and splitting move it.
CREATE TABLE case_items (
    case_id  INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    item_id  INTEGER NOT NULL UNIQUE REFERENCES items (id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, item_id)
);

CREATE TABLE case_comments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id        INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_user_id INTEGER REFERENCES users (id),
    body           TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX case_comments_case ON case_comments (case_id, id);
