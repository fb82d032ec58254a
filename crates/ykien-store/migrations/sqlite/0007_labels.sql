-- Learning from officers: every correction of an item's topic, sentiment, spam verdict or
-- places is kept as a label (who changed what from what to what, and when), and the models
-- trained on those labels are stored here, so that every worker process sharing the
-- database reads the same active model.

CREATE TABLE labels (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id       INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    field         TEXT NOT NULL CHECK (field IN ('topic', 'sentiment', 'spam', 'places')),
    old_value     TEXT,
    new_value     TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    at            INTEGER NOT NULL
);
CREATE INDEX labels_item ON labels (item_id, field, id);
CREATE INDEX labels_field ON labels (field, id);

CREATE TABLE models (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL CHECK (name IN ('topic', 'sentiment')),
    version     INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    trained_at  INTEGER NOT NULL,
    label_count INTEGER NOT NULL,
    -- The labels' newest id when the model was trained: "new labels since the last model".
    last_label  INTEGER NOT NULL DEFAULT 0,
    metrics     TEXT NOT NULL DEFAULT '{}',
    active      BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (name, version)
);
-- At most one active model of each kind.
CREATE UNIQUE INDEX models_active ON models (name) WHERE active;
