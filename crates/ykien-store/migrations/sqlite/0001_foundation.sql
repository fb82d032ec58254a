-- Foundation schema: units, member organizations, accounts, tokens, sessions, audit log.
-- Timestamps are Unix seconds (INTEGER); dates are ISO text.

CREATE TABLE units (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    short      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune', 'area')),
    generation TEXT NOT NULL CHECK (generation IN ('current', 'legacy')),
    parent_id  TEXT REFERENCES units (id),
    path       TEXT NOT NULL UNIQUE,
    valid_from TEXT,
    valid_to   TEXT,
    lat        REAL,
    lon        REAL,
    area_km2   REAL
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_code ON units (code);

CREATE TABLE unit_successions (
    old_id TEXT NOT NULL REFERENCES units (id),
    new_id TEXT NOT NULL REFERENCES units (id),
    share  TEXT NOT NULL CHECK (share IN ('full', 'partial')),
    PRIMARY KEY (old_id, new_id)
);
CREATE INDEX unit_successions_new ON unit_successions (new_id);

CREATE TABLE member_organizations (
    id       TEXT PRIMARY KEY,
    name_vi  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    position INTEGER NOT NULL
);
INSERT INTO member_organizations (id, name_vi, name_en, position) VALUES
    ('mttq', 'Mặt trận Tổ quốc Việt Nam', 'Vietnam Fatherland Front', 1),
    ('congdoan', 'Công đoàn Việt Nam', 'Vietnam Trade Union', 2),
    ('doanthanhnien', 'Đoàn Thanh niên Cộng sản Hồ Chí Minh', 'Ho Chi Minh Communist Youth Union', 3),
    ('phunu', 'Hội Liên hiệp Phụ nữ Việt Nam', 'Vietnam Women''s Union', 4),
    ('nongdan', 'Hội Nông dân Việt Nam', 'Vietnam Farmers'' Union', 5),
    ('cuuchienbinh', 'Hội Cựu chiến binh Việt Nam', 'Vietnam Veterans'' Association', 6);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    email         TEXT UNIQUE,
    phone         TEXT UNIQUE,
    password_hash TEXT,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'officer', 'editor', 'collaborator', 'viewer')),
    unit_id       TEXT NOT NULL REFERENCES units (id),
    member_org_id TEXT REFERENCES member_organizations (id),
    created_at    INTEGER NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    label        TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    action        TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    unit_path     TEXT,
    details       TEXT NOT NULL
);
CREATE INDEX audit_log_unit ON audit_log (unit_path);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
