#!/usr/bin/env bash
# Search recall and bytes per query, casefile against Pagefind 1.6, in headless Chromium
# (docs/performance.md, "Search"). Builds the bundled site with the release binary, runs
# the Pagefind CLI (npm `pagefind`, installed into target/search-bench/) over a copy of
# it, and prints a Markdown table: per query the pages each finds, the recall of each
# against the pages whose text has every query word in some form, and the bytes
# downloaded (gzip) for the first page of results.
#
#   scripts/search-recall.sh                 # the bundled site
#   CORPUS=10000 scripts/search-recall.sh    # also: bytes of the first query on a
#                                            # 10,000-entry corpus (examples/gen-corpus.rs)
#   BASELINE_BIN=old/casefile BASELINE_ROOT=old/checkout scripts/search-recall.sh
#                                            # also: an older casefile's search, same queries
#
# Needs what the browser tests need (bash tests/browser/setup.sh) and npm.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK="$REPO/target/search-bench"
PAGEFIND_VERSION=1.6.0
mkdir -p "$WORK"
cd "$REPO"

bash tests/browser/setup.sh >/dev/null
if [ "$("$WORK/node_modules/.bin/pagefind" --version 2>/dev/null)" != "pagefind $PAGEFIND_VERSION" ]; then
  npm install --no-audit --no-fund --prefix "$WORK" "pagefind@$PAGEFIND_VERSION" >/dev/null
fi
cargo build --release --quiet --bin casefile ${CORPUS:+--example gen-corpus}
CASEFILE="$REPO/target/release/casefile"

rm -rf "$WORK/casefile" "$WORK/pagefind"
"$CASEFILE" build --quiet --output "$WORK/casefile" --base-url http://127.0.0.1/explainer/
cp -r "$WORK/casefile" "$WORK/pagefind"
# The documents casefile indexes, and in each the region it indexes (the page's own
# article, not the backlink cards): Pagefind gets the same pages and the same region.
GLOB=$(node -e '
  const fs = require("fs"), path = require("path");
  const dir = path.join(process.argv[1], "search", "docs");
  const paths = fs.readdirSync(dir).flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f))))
    .map((r) => r[1].replace(/^\/explainer\//, "") + "index.html");
  console.log("{" + paths.join(",") + "}");' "$WORK/casefile")
"$WORK/node_modules/.bin/pagefind" --site "$WORK/pagefind" --glob "$GLOB" \
  --root-selector article --exclude-selectors .connections --quiet
echo "casefile index: $(du -sb "$WORK/casefile/search" | cut -f1) bytes; Pagefind index: $(du -sb "$WORK/pagefind/pagefind" | cut -f1) bytes"
if [ -n "${BASELINE_BIN:-}" ]; then
  rm -rf "$WORK/baseline"
  "$BASELINE_BIN" build --quiet --root "${BASELINE_ROOT:?set BASELINE_ROOT with BASELINE_BIN}" \
    --output "$WORK/baseline" --base-url http://127.0.0.1/explainer/
  export BASELINE="$WORK/baseline"
fi
node scripts/bench/search-recall.mjs "$WORK/casefile" "$WORK/pagefind" scripts/bench/search-queries.json

if [ -n "${CORPUS:-}" ]; then
  rm -rf "$WORK/corpus" "$WORK/corpus-out"
  "$REPO/target/release/examples/gen-corpus" "$CORPUS" "$WORK/corpus" --repo "$REPO" >/dev/null
  "$CASEFILE" build --quiet --root "$WORK/corpus" --output "$WORK/corpus-out" --base-url http://127.0.0.1/explainer/
  echo
  echo "First query on the $CORPUS-entry corpus (casefile only):"
  node scripts/bench/search-recall.mjs --casefile-only "$WORK/corpus-out" scripts/bench/corpus-queries.json
fi
