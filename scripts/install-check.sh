#!/usr/bin/env bash
# Does `cargo install` give a casefile that works from any folder, with nothing of this
# repository beside it? Installs into a temporary CARGO_INSTALL_ROOT, then, from an empty
# temporary folder, starts a site with the installed binary and checks and builds it.
#
#   scripts/install-check.sh            # cargo install --locked --path <this repository>
#   scripts/install-check.sh GIT_URL    # cargo install --locked --git GIT_URL
#
# A release build from scratch: about 7 minutes on 2 cores. It reuses this repository's
# target/ for --path. Exit status: 0 when every step worked, else the failing step's.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_INSTALL_ROOT="$work/install"

if [ $# -ge 1 ]; then
    # The repository also holds the casefile-fuzz package: name the one to install.
    cargo install --locked --quiet --git "$1" casefile
else
    cargo install --locked --quiet --path "$repo"
fi
bin="$CARGO_INSTALL_ROOT/bin/casefile"

mkdir "$work/elsewhere"
cd "$work/elsewhere"
"$bin" --version
"$bin" init site
cd site
# Nothing of the repository is here: no themes/, no copy of its content.
test ! -e themes
"$bin" check
"$bin" build --quiet
test -f public/index.html
test -f public/claims/contract-claim/index.html
"$bin" theme copy
test -f themes/default/templates/base.html
"$bin" build --quiet
echo "install-check: the installed casefile works from $work/elsewhere"
