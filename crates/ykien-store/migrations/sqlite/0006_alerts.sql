-- Act: alerts. Rules (topic × unit subtree × count within a window) and keyword watches set by
-- officers, the alerts raised by them, by burst detection and by the own-site integrity watch,
-- the items each alert lists, where alerts go (webhook, e-mail) and every delivery attempt.

CREATE TABLE alert_rules (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id       TEXT NOT NULL REFERENCES units (id),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('threshold', 'keyword')),
    topic         TEXT,
    terms         TEXT NOT NULL DEFAULT '[]',
    threshold     INTEGER NOT NULL DEFAULT 1,
    window_secs   INTEGER NOT NULL DEFAULT 3600,
    negative_only BOOLEAN NOT NULL DEFAULT FALSE,
    severity      TEXT NOT NULL DEFAULT 'normal' CHECK (severity IN ('normal', 'urgent')),
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    created_by    INTEGER REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX alert_rules_unit ON alert_rules (unit_id);

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id         TEXT NOT NULL REFERENCES units (id),
    kind            TEXT NOT NULL CHECK (kind IN ('rule', 'keyword', 'burst', 'integrity')),
    severity        TEXT NOT NULL CHECK (severity IN ('normal', 'urgent')),
    title           TEXT NOT NULL,
    details         TEXT NOT NULL DEFAULT '{}',
    dedup_key       TEXT NOT NULL,
    rule_id         INTEGER REFERENCES alert_rules (id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'closed')),
    raised_at       INTEGER NOT NULL,
    acknowledged_by INTEGER REFERENCES users (id),
    acknowledged_at INTEGER,
    closed_by       INTEGER REFERENCES users (id),
    closed_at       INTEGER,
    fanned_out      BOOLEAN NOT NULL DEFAULT FALSE
);
-- One open alert per key: a burst that goes on is one alert, not one per evaluation.
CREATE UNIQUE INDEX alerts_open_key ON alerts (dedup_key) WHERE status = 'open';
CREATE INDEX alerts_key ON alerts (dedup_key, raised_at);
CREATE INDEX alerts_unit ON alerts (unit_id, raised_at);
CREATE INDEX alerts_fanout ON alerts (fanned_out, id);

CREATE TABLE alert_items (
    alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    PRIMARY KEY (alert_id, item_id)
);

-- Recipients: alerts filed in the channel's unit subtree (and, with rule_id, raised by that
-- rule only) are delivered to the webhook URL or e-mail address.
CREATE TABLE alert_channels (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    rule_id      INTEGER REFERENCES alert_rules (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('webhook', 'email')),
    target       TEXT NOT NULL,
    secret       TEXT,
    min_severity TEXT NOT NULL DEFAULT 'normal' CHECK (min_severity IN ('normal', 'urgent')),
    enabled      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by   INTEGER REFERENCES users (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX alert_channels_unit ON alert_channels (unit_id);

CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id     INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    channel_id   INTEGER NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    locked_until INTEGER,
    last_status  INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    done_at      INTEGER,
    UNIQUE (alert_id, channel_id)
);
CREATE INDEX deliveries_due ON deliveries (state, next_at);

CREATE TABLE delivery_attempts (
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    ok          BOOLEAN NOT NULL,
    status      INTEGER,
    error       TEXT,
    PRIMARY KEY (delivery_id, attempt)
);

-- Leases and cursors of the background loops (evaluator, delivery), shared by all processes.
CREATE TABLE alert_leases (
    name      TEXT PRIMARY KEY,
    holder    TEXT,
    until     INTEGER NOT NULL DEFAULT 0,
    cursor_at INTEGER NOT NULL DEFAULT 0,
    cursor_id INTEGER NOT NULL DEFAULT 0
);

-- The evaluator reads newly analysed items past its cursor.
CREATE INDEX items_analyzed ON items (analyzed_at, id);
