#!/usr/bin/env bash
# Profiles one casefile build of SITE (e.g. a gen-corpus folder), as in docs/performance.md.
#
#   scripts/bench/profile.sh SITE          # perf: CPU share per build stage, top symbols
#   scripts/bench/profile.sh SITE massif   # valgrind massif: heap at its peak, by function
#
# Uses target/release/casefile (CASEFILE= to override), which keeps line tables
# (`debug = "line-tables-only"`). The VM has no hardware counters, so perf samples
# cpu-clock. Output goes to a temporary folder (tmpfs if possible), removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
SITE=${1:?usage: profile.sh SITE [perf|massif]}
MODE=${2:-perf}
CASEFILE=${CASEFILE:-target/release/casefile}
TMP=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d) # tmpfs when there is one
trap 'rm -rf "$TMP"' EXIT
case $MODE in
    perf)
        perf record -q -e cpu-clock -F 999 -g --call-graph dwarf,65528 -o "$TMP/perf.data" \
            "$CASEFILE" build --quiet --root "$SITE" --output "$TMP/out" 2>/dev/null
        perf script -i "$TMP/perf.data" -F comm,tid,time,ip,sym 2>/dev/null >"$TMP/stacks.txt"
        python3 scripts/bench/perf-categories.py "$TMP/stacks.txt"
        echo
        perf report -i "$TMP/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
            grep -v '^#' | grep -v '^$' | head -20
        ;;
    massif)
        valgrind -q --tool=massif --threshold=0.2 --depth=100 --massif-out-file="$TMP/massif.out" \
            "$CASEFILE" build --quiet --root "$SITE" --output "$TMP/out"
        python3 scripts/bench/massif-peak.py "$TMP/massif.out" | head -20
        ;;
    *) echo "profile.sh: unknown mode $MODE (perf or massif)" >&2; exit 2 ;;
esac
