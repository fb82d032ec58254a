#!/usr/bin/env bash
# Server time of the officers' workspace pages on the demo data (issue: each page under 200 ms).
#
#   bench/pages/run.sh            (env: YKIEN_BIN = release binary, RUNS = timed runs per page)
#
# `ykien demo --no-serve` prepares the demo installation (its synthetic reports, the Resolution
# excerpts and, when ../shared/data is present, 300 real VNTC articles), a city leader and a
# ward officer are added, 60 cases are opened from the ward's items over the API, then
# `ykien serve` (release build, SQLite) answers each page RUNS times after one untimed request.
# The time is the client's total on loopback (connect to last byte), so it bounds the server's.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${YKIEN_BIN:-$CARGO_TARGET_DIR/release/ykien}"
RUNS="${RUNS:-20}"
PORT="${PORT:-18120}"
DIR="$(mktemp -d /tmp/ykien-pages-XXXX)"
export YKIEN_DATA_DIR="$DIR" YKIEN_LOG=warn YKIEN_LISTEN="127.0.0.1:$PORT"
unset YKIEN_DATABASE_URL
"$BIN" demo --no-serve --data-dir "$DIR" >"$DIR/demo.log" 2>&1
echo "bench-pass-2026" | "$BIN" user add --unit 01 --role leader --name "Lãnh đạo" \
  --email leader@bench.test --password-stdin >/dev/null
echo "bench-pass-2026" | "$BIN" user add --unit 00004 --role officer --name "Cán bộ" \
  --email officer@bench.test --password-stdin >/dev/null
TOKEN="$("$BIN" token create --user officer@bench.test --label bench)"
"$BIN" serve >"$DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
python3 "$ROOT/bench/pages/pages.py" "http://127.0.0.1:$PORT" "$TOKEN" "$RUNS" "$DIR/ykien.db"
