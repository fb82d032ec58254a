#!/usr/bin/env bash
# Copies the items of a search-benchmark SQLite database into an empty ykien PostgreSQL
# database, so that both backends are timed on exactly the same analyzed items.
#
#   bench/search/copy_to_pg.sh SQLITE_DB PG_URL
#
# Why: building a million items through the pipeline on PostgreSQL takes hours on a 2-core
# machine, and what is timed here is the search, not the build (the pipeline's own speed on
# PostgreSQL is measured at 100k items by run.sh). The PostgreSQL schema is created by ykien
# itself (its migrations), and the full-text column (search_tsv) is computed by PostgreSQL from
# the copied search_text, exactly as when the worker writes it.
set -euo pipefail
SRC="$1"
PG="$2"
BIN="${YKIEN_BIN:?YKIEN_BIN must name the ykien binary}"
# Opening the database applies the migrations and loads the units.
YKIEN_DATABASE_URL="$PG" "$BIN" user list >/dev/null
COLS="id, unit_id, source, channel, external_id, content_hash, author_user_id, author_contact,
  received_at, occurred_at, text, title, topic_hint, locality, population, intensity, trend,
  heard, quotes, proposed_handling, confidentiality, status, status_reason, analysis,
  analyzed_at, language, spam_label, spam_score, sentiment, topic, is_hidden, text_masked,
  search_text"
COLS="$(echo $COLS)"
echo "copying items: $(sqlite3 "$SRC" "SELECT COUNT(*) FROM items") rows"
sqlite3 -csv "$SRC" "SELECT $COLS FROM items ORDER BY id" |
  psql "$PG" -qc "\\copy items ($COLS) FROM STDIN WITH (FORMAT csv)"
sqlite3 -csv "$SRC" "SELECT item_id, unit_id, span_start, span_end FROM item_places" |
  psql "$PG" -qc "\\copy item_places (item_id, unit_id, span_start, span_end) FROM STDIN WITH (FORMAT csv)"
psql "$PG" -qc "SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT MAX(id) FROM items))" >/dev/null
psql "$PG" -qc "VACUUM ANALYZE"
echo "copied: $(psql "$PG" -tAc "SELECT COUNT(*) FROM items") items, $(psql "$PG" -tAc "SELECT COUNT(*) FROM item_places") places"
