#!/usr/bin/env bash
# Replaces the RustSec advisory database snapshot in .ci/advisory-db/ with the current
# database (needs access to its git host; CI machines have none, see .ci/advisory-db.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q --depth 1 https://github.com/rustsec/advisory-db "$tmp/db"
rm -rf .ci/advisory-db
mkdir -p .ci/advisory-db
git -C "$tmp/db" archive HEAD crates rust LICENSE.txt LICENSES README.md | tar -x -C .ci/advisory-db
git -C "$tmp/db" log -1 --format='%H %cI' >.ci/advisory-db/SNAPSHOT
echo "snapshot: $(cat .ci/advisory-db/SNAPSHOT)"
