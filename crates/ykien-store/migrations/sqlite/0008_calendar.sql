-- Working calendar: the days the Government moves each year (bridging days off, weekend days
-- worked in exchange). Statutory holidays are computed (ykien_core::calendar), not stored.
CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    name       TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
