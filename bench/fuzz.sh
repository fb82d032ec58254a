#!/usr/bin/env bash
# Runs every ykien-text fuzz target for N seconds (default 30), one after the other.
#
#   bench/fuzz.sh               # 30 s per target
#   bench/fuzz.sh 120           # 2 min per target
#   bench/fuzz.sh 60 pii spam   # only these targets
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). There is no nightly toolchain here:
# RUSTC_BOOTSTRAP=1 lets stable rustc accept the -Z flags cargo-fuzz passes (sanitizer).
# FUZZ_SANITIZER=none if AddressSanitizer does not link; FUZZ_NO_BUILD=1 to reuse the last
# build; FUZZ_FLAGS for more libFuzzer flags (e.g. "-len_control=0" to try long inputs at
# once). The targets are built once and then run directly, so that edits to the sources
# during the run do not trigger rebuilds. New corpus entries go to a scratch directory
# (FUZZ_WORK), keeping the seeds in fuzz/corpus/ small; crashes land in
# fuzz/artifacts/<target>/ and make the script exit 1.
set -uo pipefail

secs="${1:-30}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ykien-target-fuzz}"
sanitizer="${FUZZ_SANITIZER:-address}"
work="${FUZZ_WORK:-${TMPDIR:-/tmp}/ykien-fuzz-corpus}"
host="$(rustc -vV | sed -n 's/^host: //p')"
bin="$CARGO_TARGET_DIR/$host/release"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
    # -O -a: optimized, with debug assertions and overflow checks (overflow is a finding)
    cargo fuzz build -O -a --sanitizer "$sanitizer" || exit 2
fi

failed=()
for t in "${targets[@]}"; do
    mkdir -p "$work/$t" "artifacts/$t"
    echo "== $t: ${secs}s"
    "$bin/$t" -artifact_prefix="artifacts/$t/" -max_total_time="$secs" -max_len=4096 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ${FUZZ_FLAGS:-} "$work/$t" "corpus/$t" \
        >"$work/$t.log" 2>&1
    status=$?
    grep -E 'DONE|number_of_executed_units|panicked at|SUMMARY|Test unit written' "$work/$t.log"
    if [ "$status" -ne 0 ]; then
        grep -A2 'panicked at' "$work/$t.log" | head -3
        failed+=("$t")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "crashes in: ${failed[*]} (inputs in fuzz/artifacts/, logs in $work/)"
    exit 1
fi
echo "no crash in ${#targets[@]} targets, ${secs}s each"
