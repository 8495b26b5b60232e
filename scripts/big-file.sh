#!/usr/bin/env bash
# What one large content file costs: wall time and peak memory of `casefile build` on
#   code5   one entry holding five 189 KB Rust code blocks (each under the per-block cap);
#   mixed   one entry of about 7 MB of mixed Markdown: paragraphs with emphasis, links and
#           footnotes, lists, tables and a small code block in each section;
# each beside the small serve fixture, output on tmpfs. With BEFORE, the same runs for an
# older binary, alternating with this one; the last column is peak memory per MB of body.
#
#   scripts/big-file.sh                          # the release build of this checkout
#   BEFORE=/tmp/casefile-old RUNS=3 scripts/big-file.sh
#
# Environment: RUNS=3 runs per binary and file (the median is shown); CASEFILE (default
# target/release/casefile, built if absent); BEFORE (optional); WORK=/dev/shm/casefile-big.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
CASEFILE=${CASEFILE:-target/release/casefile}
WORK=${WORK:-/dev/shm/casefile-big}
[ -x "$CASEFILE" ] || cargo build --release --bin casefile
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" tests/fixtures/serve-site <<'PY'
import os, shutil, sys
work, fixture = sys.argv[1], sys.argv[2]

def site(name, body):
    root = os.path.join(work, name)
    shutil.copytree(fixture, root)
    path = os.path.join(root, "content/people/big.md")
    with open(path, "w") as f:
        f.write("---\ntitle: Big\nrole: Tester\n---\n")
        f.write(body)
    with open(os.path.join(work, name + ".bytes"), "w") as f:
        f.write(str(len(body.encode())))

line = "    let value_{i} = compute(\"text {i}\", {i}) * 2; // a comment about {i}\n"
block = "fn big() {\n"
i = 0
while len(block) < 189 * 1024:
    block += line.format(i=i)
    i += 1
block += "}\n"
site("code5", "".join(f"## Part {n}\n\n```rust\n{block}```\n\n" for n in range(5)))

section = []
n = 0
parts = []
size = 0
while size < 7 * 1024 * 1024:
    s = (
        f"## Section {n}\n\n"
        f"Some *emphasis* and **strong** text with a [link](https://example.org/{n}) "
        f"and a link to [[ada]], a footnote[^f{n}] and `inline code`. " * 4 + "\n\n"
        f"- first item {n}\n- second item with _emphasis_\n- third [[bob|Bob]]\n\n"
        f"| a | b | c |\n| --- | --- | --- |\n| {n} | two | three |\n| x | y | z |\n\n"
        f"```rust\nfn f{n}() -> u32 {{ {n} }}\n```\n\n"
        f"> A quote of section {n}, with *emphasis*.\n\n"
        f"[^f{n}]: The footnote of section {n}.\n\n"
    )
    parts.append(s)
    size += len(s)
    n += 1
site("mixed", "".join(parts))
PY

run() { # binary site -> "seconds max_rss_kb"
    local out="$WORK/out" log="$WORK/time.log"
    rm -rf "$out"
    /usr/bin/time -f '%e %M' -o "$log" "$1" build --quiet --root "$WORK/$2" --output "$out" >/dev/null
    cat "$log"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-7s %-36s %9s %11s %12s\n' file binary "time (s)" "peak (MB)" "MB per MB"
for file in code5 mixed; do
    bytes=$(cat "$WORK/$file.bytes")
    declare -A times=() peaks=()
    for _ in $(seq 1 "$RUNS"); do
        for bin in "$CASEFILE" ${BEFORE:+"$BEFORE"}; do
            read -r t m < <(run "$bin" "$file")
            times[$bin]+="$t "
            peaks[$bin]+="$m "
        done
    done
    for bin in "$CASEFILE" ${BEFORE:+"$BEFORE"}; do
        t=$(tr ' ' '\n' <<<"${times[$bin]}" | grep . | median)
        m=$(tr ' ' '\n' <<<"${peaks[$bin]}" | grep . | median)
        awk -v f="$file" -v b="$bin" -v t="$t" -v m="$m" -v n="$bytes" \
            'BEGIN { printf "%-7s %-36s %9.2f %11.0f %12.0f\n", f, b, t, m / 1024, (m / 1024) / (n / 1048576) }'
    done
    unset times peaks
done
