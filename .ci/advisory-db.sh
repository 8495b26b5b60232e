#!/usr/bin/env bash
# Lays out the RustSec advisory database snapshot kept in .ci/advisory-db/ as the git
# checkout that `cargo deny --offline` reads. CI machines reach package registries only,
# not the database's git host, so the snapshot travels with the repository; refresh it
# with scripts/refresh-advisories.sh where that host is reachable.
#
# cargo-deny looks for <db-path>/advisory-db-<xxh64 of the lowercased URL> (db-path is
# set in deny.toml); the commit and HEAD carry the snapshot's date, so cargo-deny's
# `maximum-db-staleness` measures the snapshot's real age.
set -euo pipefail
cd "$(dirname "$0")/.."
read -r commit date <.ci/advisory-db/SNAPSHOT
db=target/advisory-dbs/advisory-db-3157b0e258782691 # https://github.com/rustsec/advisory-db
rm -rf "$db"
mkdir -p "$db"
cp -r .ci/advisory-db/. "$db/"
rm "$db/SNAPSHOT"
git -C "$db" init -q
git -C "$db" add -A
GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git -C "$db" \
    -c user.name=casefile-ci -c user.email=ci@localhost -c commit.gpgsign=false \
    commit -q -m "RustSec advisory-db $commit"
touch -d "$date" "$db/.git/HEAD"
age=$((($(date +%s) - $(date -d "$date" +%s)) / 86400))
echo "advisory database: snapshot of $commit, $age days old"
if [ "$age" -gt 90 ]; then
    echo "warning: the advisory snapshot is over 90 days old; run scripts/refresh-advisories.sh where GitHub is reachable" >&2
fi
