#!/usr/bin/env bash
# Do two casefile binaries write the same bytes? For a change that must not alter output
# (a refactoring, a speed-up), build the same sites with both and compare the trees.
#
#   scripts/same-output.sh OLD_BIN NEW_BIN [N]
#
# Generates the N-entry corpus (default 10000) with examples/gen-corpus.rs, builds it
# with each binary into its own folder on /dev/shm, then does the same for the bundled
# site of this repository, and compares each pair of output trees: the file lists and
# every file's bytes. Prints the first differing files with a diff excerpt.
#
# Exit status: 0 when every pair is identical, 1 when any differs (or only one binary
# manages to build a site), 2 for a usage error or a failure of the script itself.
#
# Environment:
#   SEED=1          gen-corpus seed
#   BASE_URL=https://example.org/same-output/   passed to both builds
#   SHOWN=10        differing files listed per comparison, with diffs of the first 3
#   LINES=40        lines of each diff excerpt
#   WORK=/dev/shm/casefile-same-output.<pid>    corpus and outputs (removed at the end)
#   KEEP=1          keep WORK for a closer look
#   GEN             a prebuilt gen-corpus; by default `cargo build --release` builds it
#
# Getting two binaries, for example:
#   git stash && cargo build --release && cp target/release/casefile /tmp/casefile-old
#   git stash pop && cargo build --release
#   scripts/same-output.sh /tmp/casefile-old target/release/casefile
set -Eeuo pipefail
trap 'echo "same-output: failed at line $LINENO" >&2; exit 2' ERR

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
case "${3:-10000}" in '' | *[!0-9]*) echo "same-output: N must be a number" >&2; exit 2 ;; esac

absolute() { (cd "$(dirname "$1")" && echo "$PWD/$(basename "$1")"); }
for bin in "$1" "$2"; do
    if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
        echo "same-output: $bin is not an executable file" >&2
        exit 2
    fi
done
OLD=$(absolute "$1")
NEW=$(absolute "$2")
N=${3:-10000}
SEED=${SEED:-1}
BASE_URL=${BASE_URL:-https://example.org/same-output/}
SHOWN=${SHOWN:-10}
LINES=${LINES:-40}
WORK=${WORK:-/dev/shm/casefile-same-output.$$}

cd "$(dirname "$0")/.."
ROOT=$PWD

if [ -e "$WORK" ]; then
    echo "same-output: $WORK exists; remove it or set WORK" >&2
    exit 2
fi
mkdir -p "$WORK/bin"
# shellcheck disable=SC2317 # called by the trap
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "same-output: kept $WORK"; fi; }
trap cleanup EXIT

# Copies, so that a cargo build running meanwhile cannot swap a binary mid-run.
cp "$OLD" "$WORK/bin/old"
cp "$NEW" "$WORK/bin/new"
if [ -z "${GEN:-}" ]; then
    cargo build --release --quiet --example gen-corpus
    GEN=$ROOT/target/release/examples/gen-corpus
fi

# build NAME SITE: builds SITE with both binaries into $WORK/NAME/{old,new}; the exit
# code and stderr of each go beside the output.
build() {
    local name=$1 site=$2 which
    mkdir -p "$WORK/$name"
    for which in old new; do
        local code=0
        (cd "$WORK/$name" && "$WORK/bin/$which" build --root "$site" --output "$which" \
            --base-url "$BASE_URL" --quiet --color never) \
            >"$WORK/$name/$which.stdout" 2>"$WORK/$name/$which.stderr" || code=$?
        echo "$code" >"$WORK/$name/$which.code"
    done
}

# compare NAME WHAT: prints whether $WORK/NAME/old and $WORK/NAME/new are the same;
# returns 1 when they are not.
compare() {
    local name=$1 what=$2
    local dir=$WORK/$name
    local old_code new_code
    old_code=$(cat "$dir/old.code")
    new_code=$(cat "$dir/new.code")
    if [ "$old_code" != 0 ] || [ "$new_code" != 0 ]; then
        echo "same-output: $what: DIFFERENT: the builds exited with $old_code (old) and $new_code (new)"
        for which in old new; do
            echo "--- stderr of the $which binary (first $LINES lines):"
            head -n "$LINES" "$dir/$which.stderr"
        done
        return 1
    fi
    local files
    files=$(cd "$dir/old" && find . -type f | wc -l)
    local report=$dir/diff-rq
    if diff -rq "$dir/old" "$dir/new" >"$report"; then
        echo "same-output: $what: identical ($files files)"
        return 0
    fi
    local differ only_old only_new
    differ=$(grep -c '^Files .* differ$' "$report" || true)
    only_old=$(grep -c "^Only in $dir/old" "$report" || true)
    only_new=$(grep -c "^Only in $dir/new" "$report" || true)
    echo "same-output: $what: DIFFERENT: $differ files differ, $only_old paths only in old," \
        "$only_new only in new (old has $files files)"
    sed -e "s|$dir/old/\{0,1\}|old:|g; s|$dir/new/\{0,1\}|new:|g" "$report" | head -n "$SHOWN" |
        sed 's/^/  /'
    [ "$(wc -l <"$report")" -le "$SHOWN" ] || echo "  ... and $(($(wc -l <"$report") - SHOWN)) more"
    { grep '^Files .* differ$' "$report" || true; } | head -n 3 | while read -r _ a _ b _; do
        local rel=${a#"$dir/old/"}
        # The exact place first, since long lines (minified JSON) are cut below.
        local at
        at=$({ cmp "$a" "$b" || true; } | sed -n 's/.* differ: \(byte\|char\) \([0-9]*\),.*/\2/p')
        if [ -n "$at" ]; then
            local from=$((at > 80 ? at - 80 : 1))
            echo "$rel: first difference at byte $at; bytes $from to $((from + 199)):"
            for side in "$a" "$b"; do
                printf '  %s: %s\n' "${side:${#dir}+1:3}" \
                    "$(tail -c +"$from" "$side" | head -c 200 | tr '\n\t' '  ')"
            done
        else
            echo "$rel: one file is a prefix of the other ($(wc -c <"$a") and $(wc -c <"$b") bytes)"
        fi
        echo "diff of $rel (first $LINES lines, cut to 200 columns):"
        { diff -u --label "old:$rel" --label "new:$rel" "$a" "$b" || true; } |
            head -n "$LINES" | cut -c1-200
    done
    return 1
}

status=0

echo "same-output: generating the corpus (N=$N, seed $SEED)"
"$GEN" "$N" "$WORK/corpus-site" --seed "$SEED" >/dev/null
build corpus "$WORK/corpus-site"
compare corpus "corpus N=$N seed=$SEED" || status=1
# The corpus and its outputs are large; free them before the next build.
[ -n "${KEEP:-}" ] || rm -rf "$WORK/corpus-site" "$WORK/corpus"

mkdir -p "$WORK/bundled-site"
cp "$ROOT/site.yaml" "$WORK/bundled-site/"
for folder in content themes templates static; do
    [ ! -d "$ROOT/$folder" ] || cp -R "$ROOT/$folder" "$WORK/bundled-site/"
done
build bundled "$WORK/bundled-site"
compare bundled "bundled site" || status=1

exit $status
