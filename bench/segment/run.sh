#!/usr/bin/env bash
# Word segmentation: ykien against underthesea and pyvi, side by side in one run.
#
#   bench/segment/run.sh            (from the repository root or anywhere)
#
# Environment: YKIEN_DATA (default ../shared/data next to the repository), BENCH_CPU (core
# for taskset, default 0), CARGO_TARGET_DIR (default target/). Creates bench/.venv with
# underthesea and pyvi from PyPI on first use. Inputs and results go to bench/out/segment/
# (gitignored): UD-VTB dev sentences as raw lines (with and without diacritics) for word F1,
# and ~5 MB of VNTC news paragraphs for throughput (one process per tool, pinned to one
# core, under /usr/bin/time -v for peak RSS). The table is written to results.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${YKIEN_DATA:-$ROOT/../shared/data}"
OUT="$ROOT/bench/out/segment"
VENV="$ROOT/bench/.venv"
CPU="${BENCH_CPU:-0}"
DRV="$ROOT/bench/segment/bench.py"
CONLLU="$DATA/words/ud-vi-vtb/vi_vtb-ud-dev.conllu"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import underthesea, pyvi" 2>/dev/null; then
  "$VENV/bin/pip" install -q underthesea pyvi
fi
PY="$VENV/bin/python"

(cd "$ROOT" && cargo build -q --release -p ykien-text --example segment_speed)
YK="$CARGO_TARGET_DIR/release/examples/segment_speed"

"$PY" "$DRV" prepare "$DATA" "$OUT" > "$OUT/prepare.json"

segment() { # tool input output
  if [ "$1" = ykien ]; then "$YK" "$2" --out "$3"; else "$PY" "$DRV" segment "$1" "$2" "$3"; fi
}

for tool in ykien underthesea pyvi; do
  echo "== $tool" >&2
  segment "$tool" "$OUT/dev_raw.txt" "$OUT/dev_raw.$tool.txt" > /dev/null 2>"$OUT/log_$tool.txt"
  segment "$tool" "$OUT/dev_raw_nodiac.txt" "$OUT/dev_raw_nodiac.$tool.txt" > /dev/null 2>>"$OUT/log_$tool.txt"
  "$PY" "$DRV" f1 "$CONLLU" "$OUT/dev_raw.$tool.txt" > "$OUT/f1_$tool.json"
  "$PY" "$DRV" f1 "$CONLLU" "$OUT/dev_raw_nodiac.$tool.txt" --strip > "$OUT/f1nd_$tool.json"
  if [ "$tool" = ykien ]; then cmd=("$YK"); else cmd=("$PY" "$DRV" segment "$tool"); fi
  /usr/bin/time -v -o "$OUT/time_$tool.txt" taskset -c "$CPU" \
    "${cmd[@]}" "$OUT/news.txt" --out "$OUT/news.$tool.txt" > "$OUT/speed_$tool.json" 2>>"$OUT/log_$tool.txt"
  cat "$OUT/f1_$tool.json" "$OUT/f1nd_$tool.json" "$OUT/speed_$tool.json" >&2
done

{
  echo "# Word segmentation, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Versions: $("$PY" -c 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ["underthesea", "underthesea_core", "pyvi"]))')."
  echo "F1: UD-VTB dev ($(grep -c '^# sent_id' "$CONLLU") sentences), word spans over non-space characters; without diacritics = same sentences stripped, gold stripped alike."
  echo "Speed: $(wc -c < "$OUT/news.txt") bytes of VNTC news paragraphs, one line at a time, taskset -c $CPU; peak RSS from /usr/bin/time -v of that run (the whole input is held in memory by every tool)."
  echo
  "$PY" "$DRV" report "$OUT"
} > "$OUT/results.md"
cat "$OUT/results.md"
