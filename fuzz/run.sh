#!/usr/bin/env bash
# Runs each fuzz target for the given number of seconds (default 60), one after the
# other: `fuzz/run.sh 300` or `fuzz/run.sh 300 markdown site`.
#
# cargo-fuzz needs nightly features; this machine has only a stable toolchain, so the
# build runs with RUSTC_BOOTSTRAP=1. Install the tool once with `cargo install cargo-fuzz`.
# Builds go to fuzz/target (its own workspace, so the main build's lock is not held).
# The seed corpus in fuzz/corpus/<target>/ is read, never written: new inputs go to
# fuzz/target/corpus/<target>/, crashes to fuzz/artifacts/<target>/ (both git-ignored).
# Environment: SANITIZER (default `none`; `address` works too), JOBS (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(front_matter markdown site)
fi
export RUSTC_BOOTSTRAP=1
sanitizer="${SANITIZER:-none}"
jobs="${JOBS:-1}"

failed=0
for target in "${targets[@]}"; do
    work="fuzz/target/corpus/$target"
    mkdir -p "$work" "fuzz/artifacts/$target"
    echo "== $target: ${seconds}s"
    parallel=()
    if [ "$jobs" -gt 1 ]; then
        parallel=(-jobs="$jobs" -workers="$jobs")
    fi
    if ! cargo fuzz run --fuzz-dir fuzz -s "$sanitizer" --debug-assertions "$target" \
        "$work" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 "${parallel[@]}"; then
        echo "== $target: FAILED (see fuzz/artifacts/$target/)"
        failed=1
    fi
done
exit "$failed"
