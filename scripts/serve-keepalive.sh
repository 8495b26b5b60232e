#!/usr/bin/env bash
# Keep-alive timing of `casefile serve`: one curl process fetches an 8 KB static file N
# times over ONE connection (curl reuses it for every URL on its command line) and prints
# the median and the worst time per fetch. With a second binary, both run side by side.
#
#   scripts/serve-keepalive.sh                       # the release build of this checkout
#   BEFORE=/tmp/casefile-old scripts/serve-keepalive.sh   # ... against an older binary
#
# Environment: N=200 fetches; CASEFILE (default target/release/casefile, built if absent);
# BEFORE (another binary, optional). Only 127.0.0.1 is contacted; the servers are stopped
# when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200}
CASEFILE=${CASEFILE:-target/release/casefile}
[ -x "$CASEFILE" ] || cargo build --release --bin casefile
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

cp -r tests/fixtures/serve-site "$work/site"
head -c 8192 /dev/urandom | base64 -w 0 | head -c 8192 >"$work/site/static/asset-8k.txt"

# Starts `$1 serve` on a free port; prints the port.
start() {
    local log="$work/log-$RANDOM"
    "$1" serve --port 0 --root "$work/site" --quiet >"$log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 1 200); do
        if grep -q '^serving http://127.0.0.1:' "$log"; then
            sed -n 's|^serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log" | head -1
            return
        fi
        sleep 0.05
    done
    echo "the server did not start: $(cat "$log")" >&2
    exit 1
}

# Fetches the asset N times on one connection; prints "median worst connections" in ms.
measure() {
    local port=$1 urls=()
    for _ in $(seq 1 "$N"); do urls+=(-o /dev/null "http://127.0.0.1:$port/asset-8k.txt"); done
    curl -s -w "%{time_total} %{num_connects} %{http_code} %{size_download}\n" "${urls[@]}" >"$work/times"
    if awk '$3 != 200 || $4 != 8192 { bad = 1 } END { exit !bad }' "$work/times"; then
        echo "a fetch did not return the 8 KB file: $(sort -u -k3 "$work/times" | head -3)" >&2
        exit 1
    fi
    local connections
    connections=$(awk '{ c += $2 } END { print c }' "$work/times")
    awk '{ printf "%.3f\n", $1 * 1000 }' "$work/times" | sort -n |
        awk -v c="$connections" '{ t[NR] = $1 } END { printf "%s %s %d\n", t[int((NR + 1) / 2)], t[NR], c }'
}

report() {
    local name=$1 bin=$2 port
    port=$(start "$bin")
    curl -s -o /dev/null "http://127.0.0.1:$port/asset-8k.txt" # warm-up
    read -r median worst connections < <(measure "$port")
    printf '%-10s %-40s median %6.2f ms   worst %6.2f ms   (%d fetches, %d connection(s))\n' \
        "$name" "$bin" "$median" "$worst" "$N" "$connections"
}

report now "$CASEFILE"
if [ -n "${BEFORE:-}" ]; then report before "$BEFORE"; fi
