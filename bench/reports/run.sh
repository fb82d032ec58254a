#!/usr/bin/env bash
# How long `ykien report` takes (draft from the data + render) for the city and for one ward,
# in each format, on the demo data and on N items in one month.
#
#   bench/reports/run.sh          (env: YKIEN_BIN, YKIEN_DATA, BENCH_DIR, N (default 100000),
#                                  RUNS (hyperfine runs, default 5))
#
# The large database is built the way a deployment fills it: `ykien ingest --no-analyze` of a
# JSONL file (items.py: real VNTC sentences over Hà Nội's 126 units, two thirds in November
# 2026, one third in October; placement and dates synthetic), then `ykien worker --drain`.
# Each command is timed by hyperfine (Debian's package) as a whole process: opening the
# database, drafting, rendering and writing the file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${YKIEN_DATA:-$ROOT/../shared/data}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${YKIEN_BIN:-$CARGO_TARGET_DIR/release/ykien}"
SCRATCH="${BENCH_DIR:-/tmp/ykien-bench}"
N="${N:-100000}"
RUNS="${RUNS:-5}"
mkdir -p "$SCRATCH"
[ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release -p ykien" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 1; }
export YKIEN_LOG=warn
unset YKIEN_DATABASE_URL

echo "# report benchmark $(date -u +%FT%TZ)"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "binary: $("$BIN" --version)"

DEMO="$SCRATCH/reports-demo"
[ -f "$DEMO/ykien.db" ] || "$BIN" demo --no-serve --data-dir "$DEMO" >/dev/null 2>&1
MONTH="$(date -u +%Y-%m)"

BIG="$SCRATCH/reports-$N"
if [ ! -f "$BIG/built" ]; then
  TEXTS="$SCRATCH/texts.jsonl"
  [ -s "$TEXTS" ] || python3 "$ROOT/bench/intake/texts.py" "$DATA/topics/vntc/train_full.jsonl.gz" "$TEXTS" 1000000
  ITEMS="$SCRATCH/report-items-$N.jsonl"
  [ -s "$ITEMS" ] || python3 "$ROOT/bench/reports/items.py" "$TEXTS" \
    "$ROOT/crates/ykien-units/data/communes_2025.tsv" "$N" 2026 11 "$ITEMS"
  rm -rf "$BIG" && mkdir -p "$BIG"
  start=$(date +%s)
  YKIEN_DATA_DIR="$BIG" "$BIN" ingest "$ITEMS" --format jsonl --no-analyze 2>&1 | tail -n 1
  YKIEN_DATA_DIR="$BIG" "$BIN" worker --drain 2>&1 | tail -n 1
  echo "built $N items in $(( $(date +%s) - start )) s"
  touch "$BIG/built"
fi

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for set in "demo:$DEMO:$MONTH" "$N items:$BIG:2026-11"; do
  IFS=: read -r name dir period <<<"$set"
  echo "## $name ($(sqlite3 "$dir/ykien.db" "SELECT COUNT(*) FROM items") items), period $period; load $(uptime | sed 's/.*load average: //')"
  cmds=()
  for unit in 01 00004; do
    for f in html docx pdf; do
      cmds+=("$BIN report --data-dir $dir --unit $unit --period $period -o $OUT/r-$unit.$f")
    done
  done
  hyperfine --warmup 1 --runs "$RUNS" --style basic --export-markdown "$OUT/t.md" "${cmds[@]}" >/dev/null 2>&1
  sed "s|$BIN|ykien|g; s|--data-dir $dir ||g; s|$OUT/||g" "$OUT/t.md"
done
