-- The organization's topic taxonomy, edited by its city-level administrators and leaders.
-- Every save is a new version (the source text in the taxonomy format that
-- ykien_text::topics::Taxonomy::parse reads), kept for good: items keep the topic ids of the
-- version that analysed them, and a retired topic's name is read from the older versions.
-- At most one version is active; none active means the taxonomy shipped with ykien.
CREATE TABLE taxonomies (
    version    INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX taxonomies_active ON taxonomies (active) WHERE active;
