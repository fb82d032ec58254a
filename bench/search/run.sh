#!/usr/bin/env bash
# Search latency (p50/p99) on N items, on SQLite and on PostgreSQL.
#
#   bench/search/run.sh                     (SIZES="100000 300000 1000000" to choose)
#
# Environment:
#   YKIEN_BIN      the release binary (default $CARGO_TARGET_DIR/release/ykien)
#   YKIEN_DATA     shared data (default ../shared/data next to the repository): VNTC news
#   BENCH_DIR      scratch space (default /tmp/ykien-bench); databases stay there for reuse
#   SIZES          item counts (default "100000")
#   BACKENDS       "sqlite postgres" (default both)
#   PG_ADMIN_URL   PostgreSQL to create the benchmark databases in
#                  (default postgres://postgres@127.0.0.1:5432/postgres)
#   RUNS           timed runs per query (default 20)
#   PG_FROM_SQLITE 1: fill PostgreSQL by copying the SQLite database of the same size
#                  (copy_to_pg.sh) instead of running the pipeline again; the same items, and
#                  hours saved at a million items on 2 cores. SQLite must come first in BACKENDS.
#
# The database is built the way a deployment fills it: `ykien ingest --no-analyze` of a JSONL
# file (items from VNTC sentences spread over the wards of Hà Nội and Hồ Chí Minh City, see
# items.py), then `ykien worker --drain`, the real analysis pipeline, until the queue is
# empty, so the index holds exactly what the pipeline writes (both steps timed). A database already built for a size is
# reused. Then the query mix of crates/ykien-listen/examples/bench_search.rs runs against it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${YKIEN_DATA:-$ROOT/../shared/data}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${YKIEN_BIN:-$CARGO_TARGET_DIR/release/ykien}"
BENCH="${BENCH_SEARCH_BIN:-$CARGO_TARGET_DIR/release/examples/bench_search}"
SCRATCH="${BENCH_DIR:-/tmp/ykien-bench}"
SIZES="${SIZES:-100000}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
RUNS="${RUNS:-20}"
OUT="$ROOT/bench/out/search"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
REPORT="$OUT/results-$STAMP.md"
mkdir -p "$OUT" "$SCRATCH"

[ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release -p ykien" >&2; exit 1; }
if [ ! -x "$BENCH" ]; then
  (cd "$ROOT" && cargo build --release -p ykien-listen --example bench_search)
fi

TEXTS="$SCRATCH/texts.jsonl"
if [ ! -s "$TEXTS" ]; then
  python3 "$ROOT/bench/intake/texts.py" "$DATA/topics/vntc/train_full.jsonl.gz" "$TEXTS" 1000000
fi

{
  echo "# search benchmark $STAMP"
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "binary: $("$BIN" --version)"
} | tee "$REPORT"

for n in $SIZES; do
  ITEMS="$SCRATCH/search-items-$n.jsonl"
  [ -s "$ITEMS" ] || python3 "$ROOT/bench/search/items.py" "$TEXTS" \
    "$ROOT/crates/ykien-units/data/communes_2025.tsv" "$n" "$ITEMS"
  for backend in $BACKENDS; do
    unset YKIEN_DATABASE_URL
    DIR="$SCRATCH/search-$backend-$n"
    mkdir -p "$DIR"
    export YKIEN_DATA_DIR="$DIR" YKIEN_LOG=warn
    if [ "$backend" = postgres ]; then
      DBNAME="ykien_bench_$n"
      DB="${PG_ADMIN_URL%/*}/$DBNAME"
      export YKIEN_DATABASE_URL="$DB"
      if ! psql "$PG_ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'" | grep -q 1; then
        psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DBNAME"
        rm -f "$DIR/built"
      fi
      count() { psql "$DB" -tAc "$1"; }
    else
      DB="$DIR/ykien.db"
      count() { sqlite3 "$DB" "$1"; }
    fi
    if [ ! -f "$DIR/built" ] && [ "$backend" = postgres ] && [ "${PG_FROM_SQLITE:-0}" = 1 ] \
      && [ -f "$SCRATCH/search-sqlite-$n/built" ]; then
      echo "## copying the SQLite database of $n items into PostgreSQL: load $(uptime | sed 's/.*load average: //')" | tee -a "$REPORT"
      start=$(date +%s)
      YKIEN_BIN="$BIN" bash "$ROOT/bench/search/copy_to_pg.sh" "$SCRATCH/search-sqlite-$n/ykien.db" "$DB" | tee -a "$REPORT"
      echo "copied in $(( $(date +%s) - start )) s" | tee -a "$REPORT"
      touch "$DIR/built"
    fi
    if [ ! -f "$DIR/built" ]; then
      echo "## building $backend with $n items: load $(uptime | sed 's/.*load average: //')" | tee -a "$REPORT"
      start=$(date +%s)
      "$BIN" ingest "$ITEMS" --format jsonl --no-analyze 2>&1 | tail -n 2 | tee -a "$REPORT"
      mid=$(date +%s)
      "$BIN" worker --drain 2>&1 | tail -n 1 | tee -a "$REPORT"
      end=$(date +%s)
      echo "stored in $((mid - start)) s ($(( n / (mid - start + 1) )) items/s); analyzed by one worker in $((end - mid)) s ($(( n / (end - mid + 1) )) items/s); load $(uptime | sed 's/.*load average: //')" | tee -a "$REPORT"
      if [ "$backend" = postgres ]; then psql "$DB" -qc "VACUUM ANALYZE"; fi
      touch "$DIR/built"
    fi
    echo "## $backend, $(count "SELECT COUNT(*) FROM items") items ($(count "SELECT COUNT(*) FROM items WHERE status = 'analyzed'") analyzed); load before: $(uptime | sed 's/.*load average: //')" | tee -a "$REPORT"
    TOPICS=$(count "SELECT topic FROM items WHERE topic IS NOT NULL GROUP BY topic ORDER BY COUNT(*) DESC LIMIT 3" | paste -sd, -)
    "$BENCH" "$DB" "$RUNS" "$TOPICS" 01 00004 | tee -a "$REPORT"
    echo "load after: $(uptime | sed 's/.*load average: //')" | tee -a "$REPORT"
  done
done
echo "report: $REPORT"
