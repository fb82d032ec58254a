#!/usr/bin/env bash
# Intake through the API on SQLite: items/s sustained with the analysis pipeline keeping up,
# and the time from acceptance to being searchable (p50/p99), under load from a second process.
#
#   bench/intake/run.sh                 (from anywhere; results in bench/out/intake/)
#
# Environment:
#   YKIEN_BIN       the release binary (default $CARGO_TARGET_DIR/release/ykien; build it first
#                   with `cargo build --release -p ykien`)
#   YKIEN_DATA      shared data (default ../shared/data next to the repository): VNTC news
#   BENCH_DIR       scratch space for texts and the database (default /tmp/ykien-bench)
#   DURATION        seconds of load per phase (default 30)
#   CONNS           wrk connections for single items (default 16); BATCH_CONNS (default 4)
#   BATCH           items per batch request (default 100)
#   RATE            items/s of the paced phase (default 1000)
#
# Phases: (1) POST /api/v1/items, one item per request, as fast as wrk can (closed loop);
# (2) POST /api/v1/items/batch, as fast as wrk can; (3) a fixed RATE of items/s in batches of
# 50 (open loop, paced.py): the "sustained with the pipeline keeping up" test. During each,
# probe.py files marked items one after another and times their appearance in the full-text
# index, and samples the job queue; when the load stops it times the queue's drain. Load
# generators run on the same 2 cores, on loopback. Texts: VNTC sentences (texts.py), measured
# only, never stored in the repository.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/intake"
DATA="${YKIEN_DATA:-$ROOT/../shared/data}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${YKIEN_BIN:-$CARGO_TARGET_DIR/release/ykien}"
SCRATCH="${BENCH_DIR:-/tmp/ykien-bench}"
DURATION="${DURATION:-30}"
CONNS="${CONNS:-16}"
BATCH_CONNS="${BATCH_CONNS:-4}"
BATCH="${BATCH:-100}"
PORT="${PORT:-18080}"
OUT="$ROOT/bench/out/intake"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
REPORT="$OUT/results-$STAMP.txt"
mkdir -p "$OUT" "$SCRATCH"

[ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release -p ykien" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }

TEXTS="$SCRATCH/texts.jsonl"
if [ ! -s "$TEXTS" ]; then
  python3 "$HERE/texts.py" "$DATA/topics/vntc/train_full.jsonl.gz" "$TEXTS" 1000000
fi
# wrk reads its texts in every thread before it starts: a smaller file starts it at once.
WRK_TEXTS="$SCRATCH/texts-wrk.jsonl"
[ -s "$WRK_TEXTS" ] || head -n 400000 "$TEXTS" >"$WRK_TEXTS"
RATE="${RATE:-1000}"

DIR="$SCRATCH/intake-$STAMP"
mkdir -p "$DIR"
export YKIEN_DATA_DIR="$DIR" YKIEN_LISTEN="127.0.0.1:$PORT" YKIEN_LOG="${YKIEN_LOG:-warn}"
unset YKIEN_DATABASE_URL
"$BIN" serve >"$DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null
"$BIN" user add --unit 01 --role officer --name "Bench" --email bench@example.org >/dev/null 2>&1
TOKEN="$("$BIN" token create --user bench@example.org --label bench 2>/dev/null)"
DB="$DIR/ykien.db"
[ -f "$DB" ] || DB="$(ls "$DIR"/*.db | head -n1)"

{
  echo "# intake benchmark $STAMP"
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "binary: $BIN ($("$BIN" --version))"
  echo "database: SQLite $DB"
  echo "load before: $(uptime)"
} | tee "$REPORT"

phase() { # name conns batch
  local name=$1 conns=$2 batch=$3
  local stop="$DIR/stop-$name"
  python3 "$HERE/probe.py" "http://127.0.0.1:$PORT" "$TOKEN" "$DB" "$TEXTS" "$stop" \
    "$OUT/probe-$name-$STAMP.json" >"$DIR/probe-$name.out" 2>&1 &
  local probe=$!
  local before
  before=$(sqlite3 "$DB" "SELECT COUNT(*) FROM items" 2>/dev/null || echo "?")
  if [ "$name" = paced ]; then
    echo "## $name: $RATE items/s for ${DURATION}s in batches of 50; items before: $before" | tee -a "$REPORT"
    python3 "$HERE/paced.py" "http://127.0.0.1:$PORT" "$TOKEN" "$TEXTS" "$RATE" "$DURATION" 50 \
      "$name$STAMP" | tee -a "$REPORT"
  else
    echo "## $name: wrk -t2 -c$conns -d${DURATION}s (batch $batch); items before: $before" | tee -a "$REPORT"
    WRK_THREADS=2 wrk -t2 -c"$conns" -d"${DURATION}s" --latency -s "$HERE/items.lua" \
      "http://127.0.0.1:$PORT" -- "$WRK_TEXTS" "$TOKEN" "$batch" "$name$STAMP" \
      | tee "$DIR/wrk-$name.out" | grep -E "RESULT|Requests/sec|Latency" | tee -a "$REPORT"
  fi
  touch "$stop"
  wait $probe || true
  grep PROBE "$DIR/probe-$name.out" | tee -a "$REPORT"
  echo "load after $name: $(uptime)" | tee -a "$REPORT"
  sqlite3 "$DB" "SELECT 'items: ' || COUNT(*) || ', analyzed: ' || SUM(status='analyzed') || ', pending: ' || SUM(status='pending') FROM items" | tee -a "$REPORT"
}

phase single "$CONNS" 1
phase batch "$BATCH_CONNS" "$BATCH"
phase paced 0 50
echo "report: $REPORT"
