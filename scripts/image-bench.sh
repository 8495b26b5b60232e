#!/usr/bin/env bash
# Pictures and share cards: a rebuild of a site of N people with a photo each
# (examples/gen-photos.rs; N = 100 unless PHOTOS says otherwise), with an empty cache
# (every file encoded) against a full cache (every file read back), side by side in one
# run: cold, warm, cold, warm... RUNS pairs (5 unless RUNS says otherwise), after one
# warm-up pair. Prints each build's wall time, the medians, and the ratio cold / warm per
# pair and its median (docs/performance.md, "Pictures").
#
#   scripts/image-bench.sh
#   PHOTOS=300 RUNS=3 scripts/image-bench.sh
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$REPO/target/image-bench}
PHOTOS=${PHOTOS:-100}
RUNS=${RUNS:-5}
cd "$REPO"
cargo build --release --quiet --bin casefile --example gen-photos
CASEFILE="$REPO/target/release/casefile"
SITE="$WORK/site"
mkdir -p "$WORK"
"$REPO/target/release/examples/gen-photos" "$PHOTOS" "$SITE"

# One build: its wall time in seconds, and its summary line in $WORK/last.txt.
build() {
  local start end
  start=$EPOCHREALTIME
  "$CASEFILE" build --color never --root "$SITE" --output "$WORK/public" >"$WORK/last.txt"
  end=$EPOCHREALTIME
  echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }'
}
cold() { rm -rf "$SITE/.casefile-cache"; build; }
warm() { build; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

cold >/dev/null; warm >/dev/null
colds=(); warms=(); ratios=()
for i in $(seq "$RUNS"); do
  c=$(cold); cold_summary=$(cat "$WORK/last.txt")
  w=$(warm); warm_summary=$(cat "$WORK/last.txt")
  colds+=("$c"); warms+=("$w")
  ratios+=("$(awk -v c="$c" -v w="$w" 'BEGIN { printf "%.1f", c / w }')")
  echo "pair $i: cold ${c} s, warm ${w} s, ratio ${ratios[-1]}x"
done
echo "cold:  $cold_summary"
echo "warm:  $warm_summary"
echo "median cold $(printf '%s\n' "${colds[@]}" | median) s, median warm $(printf '%s\n' "${warms[@]}" | median) s, median ratio cold/warm $(printf '%s\n' "${ratios[@]}" | median)x ($PHOTOS photos, $RUNS pairs, $(nproc) CPUs)"
