-- Reports (issue 7): drafts and issued reports, the numbering register, and the reporting
-- cycles of the public-opinion collaborators.

-- A report's body is the document as JSON text, opaque to the database. An issued report is
-- frozen (the store refuses changes); its number lives in report_numbers.
CREATE TABLE reports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    kind       TEXT NOT NULL CHECK (kind IN ('week', 'month', 'quarter', 'custom', 'flash')),
    from_at    INTEGER NOT NULL,
    to_at      INTEGER NOT NULL,
    case_id    INTEGER REFERENCES cases (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    type_code  TEXT,
    number     INTEGER,
    symbol     TEXT,
    issued_at  INTEGER,
    issued_by  INTEGER REFERENCES users (id),
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX reports_unit ON reports (unit_id, created_at);

-- The last number given per issuing unit, year (Hà Nội time) and type code: taking a number
-- is one upsert that locks this row, so concurrent issues queue instead of colliding.
CREATE TABLE report_counters (
    unit_id   TEXT NOT NULL REFERENCES units (id),
    year      INTEGER NOT NULL,
    type_code TEXT NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, type_code)
);

-- The numbering register (sổ đăng ký văn bản): a number is given once, never reused.
CREATE TABLE report_numbers (
    unit_id   TEXT NOT NULL REFERENCES units (id),
    year      INTEGER NOT NULL,
    type_code TEXT NOT NULL,
    number    INTEGER NOT NULL,
    symbol    TEXT NOT NULL,
    report_id INTEGER UNIQUE REFERENCES reports (id),
    issued_at INTEGER NOT NULL,
    issued_by INTEGER REFERENCES users (id),
    PRIMARY KEY (unit_id, year, type_code, number)
);

-- A collaborator's "nothing notable this period" (không có gì đáng chú ý), per month "2026-11".
CREATE TABLE cycle_declarations (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    period      TEXT NOT NULL,
    declared_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, period)
);

-- Items their authors marked as flash reports (báo cáo nhanh).
CREATE TABLE flash_reports (
    item_id   INTEGER PRIMARY KEY REFERENCES items (id),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    marked_at INTEGER NOT NULL
);

-- Reminders: booked once per (user, period, stage, channel), so that each goes once; an
-- e-mail one is then claimed by a sender and marked sent (or failed, to be tried again).
CREATE TABLE cycle_reminders (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    period       TEXT NOT NULL,
    stage        TEXT NOT NULL,
    channel      TEXT NOT NULL,
    booked_at    INTEGER NOT NULL,
    claimed_at   INTEGER,
    sent_at      INTEGER,
    error        TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    requested_by INTEGER REFERENCES users (id),
    UNIQUE (user_id, period, stage, channel)
);
CREATE INDEX cycle_reminders_unsent ON cycle_reminders (channel, id) WHERE sent_at IS NULL;
