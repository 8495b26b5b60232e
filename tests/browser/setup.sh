#!/usr/bin/env bash
# Installs what the browser test suite (tests/browser/site.test.mjs) needs,
# and only what is missing, so it is cheap to run before every test run:
#   - Chromium at /usr/bin/chromium (Debian package `chromium`);
#   - a Java runtime for the Nu HTML Checker (Debian `default-jre-headless`);
#   - Node and npm (Debian `nodejs`, `npm`) if the machine has none;
#   - Python lxml and feedparser (Debian `python3-lxml`, `python3-feedparser`) for
#     tests/clients.rs;
#   - the pinned npm packages (`npm ci` when node_modules is missing or older
#     than package-lock.json).
# Needs root for apt-get (or passwordless sudo). Exits non-zero with a message
# naming what failed; it never skips.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail() {
    echo "tests/browser/setup.sh: ERROR: $*" >&2
    exit 1
}

# --- Debian packages ---------------------------------------------------------
packages=()
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# tests/clients.rs: the Atom and sitemap schemas (lxml) and a feed reader's parser.
/usr/bin/python3 -c 'import lxml' 2>/dev/null || packages+=(python3-lxml)
/usr/bin/python3 -c 'import feedparser' 2>/dev/null || packages+=(python3-feedparser)
# Screenshots need at least one font; chromium itself pulls in none.
[[ -n "$(find /usr/share/fonts \( -name '*.ttf' -o -name '*.otf' -o -name '*.ttc' \) -print -quit 2>/dev/null)" ]] ||
    packages+=(fonts-dejavu-core)

if ((${#packages[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        fail "missing ${packages[*]} and not root (no passwordless sudo) to apt-get install them"
    fi
    command -v apt-get >/dev/null 2>&1 ||
        fail "missing ${packages[*]} and apt-get is not available to install them"
    echo "setup.sh: installing ${packages[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    if ! "${sudo[@]}" apt-get update >"$log" 2>&1; then
        cat "$log" >&2
        fail "apt-get update failed (output above)"
    fi
    if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${packages[@]}" >"$log" 2>&1; then
        cat "$log" >&2
        fail "apt-get install ${packages[*]} failed (output above)"
    fi
fi

[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium is still missing after installing chromium"
command -v java >/dev/null 2>&1 || fail "java is still missing after installing default-jre-headless"
command -v node >/dev/null 2>&1 || fail "node is still missing after installing nodejs"
command -v npm >/dev/null 2>&1 || fail "npm is still missing after installing npm"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || fail "Node $(node --version) is too old: the suite needs Node 20 or newer"

# --- npm packages --------------------------------------------------------------
lock="$here/package-lock.json"
stamp="$here/node_modules/.package-lock.json" # written by npm on every install
[[ -f "$lock" ]] || fail "$lock is missing"
if [[ ! -f "$stamp" || "$stamp" -ot "$lock" || ! -f "$here/node_modules/vnu-jar/build/dist/vnu.jar" ]]; then
    echo "setup.sh: running npm ci in $here" >&2
    # --ignore-scripts: vnu-jar's postinstall would try to download a JDK.
    (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund >&2) ||
        fail "npm ci in $here failed"
    touch "$stamp"
fi

for f in playwright-core/package.json axe-core/axe.min.js vnu-jar/build/dist/vnu.jar parse5/package.json; do
    [[ -f "$here/node_modules/$f" ]] || fail "node_modules/$f is missing after npm ci"
done

echo "setup.sh: ready (chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '?'); java: $(java -version 2>&1 | head -n1); node: $(node --version))" >&2
