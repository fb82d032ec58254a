#!/usr/bin/env bash
# VNTC topic classification: ykien vs scikit-learn on a dev split carved from VNTC's train
# split (the test split is withheld). One core each (taskset -c $CORE), one run each.
#
#   bash bench/classify/run.sh                    # from the repository root
#   YKIEN_DATA=/path/to/data CORE=1 bash bench/classify/run.sh
#   FORCE_SKLEARN=1 bash bench/classify/run.sh    # rerun scikit-learn too (~10 min)
#
# Writes bench/out/vntc_{train,dev}.jsonl (article text: never committed),
# bench/out/classify_{ykien,sklearn}.jsonl, and prints one table. scikit-learn's figures are
# kept between runs unless FORCE_SKLEARN=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${YKIEN_DATA:-../shared/data}"
OUT=bench/out
CORE="${CORE:-0}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
mkdir -p "$OUT"

# (a) deterministic stratified 80/20 split
if [[ ! -s $OUT/vntc_train.jsonl || ! -s $OUT/vntc_dev.jsonl ]]; then
  python3 bench/classify/split.py "$DATA/topics/vntc/train_full.jsonl.gz" "$OUT" 0.2 20261129
fi

# (b) ykien: the default topic model (SVM), and the logistic-regression variant
cargo build --release -q -p ykien-text --example classify_bench
BENCH="$CARGO_TARGET_DIR/release/examples/classify_bench"
: > "$OUT/classify_ykien.jsonl"
for extra in "" "--loss logistic --epochs 8 --lr 4 --l2 0"; do
  # shellcheck disable=SC2086
  taskset -c "$CORE" "$BENCH" --train $OUT/vntc_train.jsonl --dev $OUT/vntc_dev.jsonl $extra \
    2> >(grep -E '^(features|examples|mean)' >&2) | tee -a "$OUT/classify_ykien.jsonl"
done

# (c) scikit-learn in a virtualenv
if [[ -n "${FORCE_SKLEARN:-}" || ! -s $OUT/classify_sklearn.jsonl ]]; then
  if [[ ! -x bench/.venv/bin/python ]]; then
    python3 -m venv bench/.venv
  fi
  bench/.venv/bin/python -c 'import sklearn' 2>/dev/null || bench/.venv/bin/pip install -q scikit-learn
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    taskset -c "$CORE" bench/.venv/bin/python bench/classify/sklearn_bench.py \
    $OUT/vntc_train.jsonl $OUT/vntc_dev.jsonl ${SKLEARN_CHARS:+--chars} > "$OUT/classify_sklearn.jsonl.tmp"
  mv "$OUT/classify_sklearn.jsonl.tmp" "$OUT/classify_sklearn.jsonl"
fi

# (d) one table
cat "$OUT/classify_ykien.jsonl" "$OUT/classify_sklearn.jsonl" > "$OUT/classify_results.jsonl"
python3 bench/classify/table.py "$OUT/classify_results.jsonl"
