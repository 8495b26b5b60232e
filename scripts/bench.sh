#!/usr/bin/env bash
# Side-by-side build benchmark: casefile against Hugo on the same generated corpus.
#
#   scripts/bench.sh                    # N = 1,000 and 10,000 (both tools), 50,000 (casefile)
#   RUNS=3 SIZES="1000" BIG= scripts/bench.sh   # a quick look
#
# For each N it generates three sites with examples/gen-corpus.rs (seed 1):
#   casefile          the default build, search index included
#   casefile-nosearch the same site with `search: false` (Hugo builds no search index)
#   casefile-cold     casefile with its share-card/image cache (.casefile-cache/) removed first;
#                     plain `casefile` runs keep the cache warm, as a CI that keeps it would
#   hugo              the same corpus and equivalent layouts for Hugo
#   zola              the same corpus as a Zola site (when ZOLA names a binary; Zola is not
#                     packaged: build it from its repository); Zola draws no share cards
#   hugo+pagefind     Hugo, then the Pagefind CLI over its output (when PAGEFIND is found):
#                     what a Hugo site with the same search costs
# then, after one untimed warm-up each, runs every tool RUNS times, alternating them, with
# output on tmpfs, and RUNS more times with output on disk (DISK). Each run starts from an
# empty output folder. Wall time and peak RSS come from /usr/bin/time; the table shows
# medians, the output size (apparent bytes) and casefile/Hugo ratios.
#
# Environment:
#   RUNS=5              timed runs per tool, size and output place
#   SIZES="1000 10000"  sizes built with every tool
#   BIG=50000           casefile only, for linearity (empty to skip); BIG_RUNS=3
#   WORK=/dev/shm/casefile-bench   corpora and tmpfs outputs (each removed when done)
#   DISK=/var/tmp/casefile-bench   disk outputs (empty to skip the disk runs)
#   CASEFILE, GEN       prebuilt binaries; by default `cargo build --release` builds both
#   LABEL               what CASEFILE was built from, for the header (default: git describe)
#   HUGO=hugo           the Hugo binary
#   ZOLA=path           the Zola binary (Zola is skipped, saying so, when unset or missing)
#   PAGEFIND            the Pagefind CLI (default: `pagefind` on PATH, else none)
#   RESULTS=target/bench/results-<date>.tsv   every run, one line each
#   KEEP=1              keep the copied binaries in WORK/bin
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
SIZES=${SIZES:-1000 10000}
BIG=${BIG-50000}
BIG_RUNS=${BIG_RUNS:-3}
WORK=${WORK:-/dev/shm/casefile-bench}
DISK=${DISK-/var/tmp/casefile-bench}
HUGO=${HUGO:-hugo}
PAGEFIND=${PAGEFIND-$(command -v pagefind || true)}
if [ -n "${ZOLA:-}" ] && [ -x "$ZOLA" ]; then
    ZOLA_TOOL=zola
else
    echo "# Zola skipped: set ZOLA=/path/to/zola to compare with it" >&2
    ZOLA=
    ZOLA_TOOL=
fi
TOOLS="casefile casefile-cold casefile-nosearch hugo${PAGEFIND:+ hugo+pagefind}${ZOLA_TOOL:+ zola}"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=${RESULTS:-$ROOT/target/bench/results-$STAMP.tsv}
TIME=/usr/bin/time

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$TIME" ] || die "/usr/bin/time is missing (apt-get install -y time)"
command -v "$HUGO" >/dev/null || die "hugo is missing (apt-get install -y hugo)"

if [ -z "${CASEFILE:-}" ] || [ -z "${GEN:-}" ]; then
    cargo build --release --quiet --bin casefile --example gen-corpus
fi
CASEFILE=${CASEFILE:-$ROOT/target/release/casefile}
GEN=${GEN:-$ROOT/target/release/examples/gen-corpus}
# Copy the binaries so that a concurrent `cargo build` cannot swap them mid-benchmark.
mkdir -p "$WORK/bin" "$(dirname "$RESULTS")"
cp "$CASEFILE" "$WORK/bin/casefile"
cp "$GEN" "$WORK/bin/gen-corpus"
CASEFILE=$WORK/bin/casefile
GEN=$WORK/bin/gen-corpus

echo "# casefile benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
LABEL=${LABEL:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' with uncommitted changes')}
echo "# casefile $LABEL, Hugo $("$HUGO" version | cut -d' ' -f2)${PAGEFIND:+, Pagefind $("$PAGEFIND" --version | awk '{print $NF}')}"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), nproc $(nproc), $(free -h | awk '/^Mem:/ {print $2 " RAM, " $7 " available"}')"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'n\ttool\tplace\trun\twall_s\tpeak_kb\tuser_s\tsys_s\tout_bytes\tout_files\n' >"$RESULTS"

# run TOOL SITE OUT: one build, prints "wall peak_kb user sys".
run() {
    local tool=$1 site=$2 out=$3 log
    rm -rf "$out"
    sync
    log=$(mktemp)
    case $tool in
        casefile-cold)
            rm -rf "$site/.casefile-cache"
            "$TIME" -o "$log" -f '%e %M %U %S' "$CASEFILE" build --quiet --root "$site" --output "$out" ;;
        zola) (cd "$site" && "$TIME" -o "$log" -f '%e %M %U %S' "$ZOLA" build --output-dir "$out" --force >/dev/null) ;;
        casefile*) "$TIME" -o "$log" -f '%e %M %U %S' "$CASEFILE" build --quiet --root "$site" --output "$out" ;;
        hugo) "$TIME" -o "$log" -f '%e %M %U %S' "$HUGO" --quiet --source "$site" --destination "$out" ;;
        # Peak RSS is the largest of the two processes (getrusage of waited-for children).
        hugo+pagefind) "$TIME" -o "$log" -f '%e %M %U %S' sh -c \
            '"$1" --quiet --source "$2" --destination "$3" && "$4" --site "$3" --silent' \
            sh "$HUGO" "$site" "$out" "$PAGEFIND" ;;
    esac
    tail -1 "$log"
    rm -f "$log"
}

# measure N TOOL SITE PLACE OUTDIR COUNT: COUNT timed runs appended to RESULTS.
measure() {
    local n=$1 tool=$2 site=$3 place=$4 out=$5 count=$6 r stats bytes files
    for r in $(seq 1 "$count"); do
        stats=$(run "$tool" "$site" "$out")
        bytes=$(find "$out" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
        files=$(find "$out" -type f | wc -l)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$place" "$r" \
            $stats "$bytes" "$files" >>"$RESULTS"
    done
}

site_of() {
    case $1 in
        hugo+pagefind) echo hugo ;;
        casefile-cold) echo casefile ;;
        *) echo "$1" ;;
    esac
}

generate() {
    local n=$1
    "$GEN" "$n" "$WORK/casefile-$n"
    "$GEN" "$n" "$WORK/casefile-nosearch-$n" --no-search
    "$GEN" "$n" "$WORK/hugo-$n" --format hugo
    [ -z "$ZOLA" ] || "$GEN" "$n" "$WORK/zola-$n" --format zola
}

for n in $SIZES; do
    echo "# N = $n: generating" >&2
    generate "$n"
    for tool in $TOOLS; do
        run "$tool" "$WORK/$(site_of "$tool")-$n" "$WORK/out-$tool" >/dev/null # warm-up, not counted
    done
    for r in $(seq 1 "$RUNS"); do
        echo "# N = $n: round $r of $RUNS" >&2
        for tool in $TOOLS; do
            measure "$n" "$tool" "$WORK/$(site_of "$tool")-$n" tmpfs "$WORK/out-$tool" 1
            if [ -n "$DISK" ]; then
                mkdir -p "$DISK"
                measure "$n" "$tool" "$WORK/$(site_of "$tool")-$n" disk "$DISK/out-$tool" 1
            fi
        done
    done
    # The copy floor: what copying casefile's output (tmpfs to tmpfs) costs.
    for r in $(seq 1 "$RUNS"); do
        rm -rf "$WORK/copy"
        sync
        stats=$("$TIME" -f '%e %M %U %S' cp -r "$WORK/out-casefile-nosearch" "$WORK/copy" 2>&1 | tail -1)
        printf '%s\tcp-r\ttmpfs\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$r" $stats \
            "$(find "$WORK/copy" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')" "$(find "$WORK/copy" -type f | wc -l)" >>"$RESULTS"
    done
    rm -rf "$WORK/copy" "$WORK/hugo-$n" "$WORK/zola-$n" "$WORK"/out-* ${DISK:+"$DISK"/out-*}
    rm -rf "$WORK/casefile-$n" "$WORK/casefile-nosearch-$n"
done

if [ -n "$BIG" ]; then
    n=$BIG
    echo "# N = $n: generating (casefile only)" >&2
    "$GEN" "$n" "$WORK/casefile-$n"
    "$GEN" "$n" "$WORK/casefile-nosearch-$n" --no-search
    for tool in casefile casefile-nosearch; do
        run "$tool" "$WORK/$tool-$n" "$WORK/out-$tool" >/dev/null
    done
    for r in $(seq 1 "$BIG_RUNS"); do
        echo "# N = $n: round $r of $BIG_RUNS" >&2
        for tool in casefile casefile-nosearch; do
            measure "$n" "$tool" "$WORK/$tool-$n" tmpfs "$WORK/out-$tool" 1
            if [ -n "$DISK" ]; then
                measure "$n" "$tool" "$WORK/$tool-$n" disk "$DISK/out-$tool" 1
            fi
        done
    done
    rm -rf "$WORK/casefile-$n" "$WORK/casefile-nosearch-$n" "$WORK"/out-* ${DISK:+"$DISK"/out-*}
fi

echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# every run: $RESULTS"
echo

# The table: medians per (n, tool, place), and ratios against Hugo at the same n and place.
awk -F'\t' '
function median(key,    n, i, j, t, a) {
    n = split(vals[key], a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
NR == 1 { next }
{
    k = $1 SUBSEP $2 SUBSEP $3
    if (!(k in seen)) { seen[k] = 1; order[++count] = k }
    vals[k SUBSEP "wall"] = vals[k SUBSEP "wall"] " " $5
    vals[k SUBSEP "mem"] = vals[k SUBSEP "mem"] " " $6
    vals[k SUBSEP "cpu"] = vals[k SUBSEP "cpu"] " " ($7 + $8)
    runs[k]++; bytes[k] = $9; files[k] = $10
    if (!(k SUBSEP "min" in mins) || $5 + 0 < mins[k SUBSEP "min"]) mins[k SUBSEP "min"] = $5 + 0
}
END {
    print "| N | tool | output | runs | wall (median) | wall (min) | CPU user+sys | peak RSS | output | files | wall / memory vs Hugo | vs Hugo+Pagefind | vs Zola |"
    print "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= count; i++) {
        k = order[i]; split(k, p, SUBSEP)
        w = median(k SUBSEP "wall"); m = median(k SUBSEP "mem"); c = median(k SUBSEP "cpu")
        r1 = r2 = r3 = ""
        h = p[1] SUBSEP "zola" SUBSEP p[3]
        if ((h SUBSEP "wall") in vals && p[2] ~ /^casefile/)
            r3 = sprintf("%.2fx / %.2fx", w / median(h SUBSEP "wall"), m / median(h SUBSEP "mem"))
        h = p[1] SUBSEP "hugo" SUBSEP p[3]
        if ((h SUBSEP "wall") in vals && p[2] ~ /^casefile/)
            r1 = sprintf("%.2fx / %.2fx", w / median(h SUBSEP "wall"), m / median(h SUBSEP "mem"))
        h = p[1] SUBSEP "hugo+pagefind" SUBSEP p[3]
        if ((h SUBSEP "wall") in vals && p[2] == "casefile")
            r2 = sprintf("%.2fx / %.2fx", w / median(h SUBSEP "wall"), m / median(h SUBSEP "mem"))
        printf "| %s | %s | %s | %d | %.2f s | %.2f s | %.2f s | %.0f MB | %.1f MB | %d | %s | %s | %s |\n", \
            p[1], p[2], p[3], runs[k], w, mins[k SUBSEP "min"], c, m / 1024, bytes[k] / 1e6, files[k], r1, r2, r3
    }
}' "$RESULTS"

# Remove only what this script made (corpora and outputs went after each size).
if [ -z "${KEEP:-}" ]; then
    rm -rf "$WORK/bin"
    rmdir "$WORK" 2>/dev/null || true
    if [ -n "$DISK" ]; then rmdir "$DISK" 2>/dev/null || true; fi
fi
