#!/usr/bin/env python3
"""Heap at massif's peak snapshot, attributed to the innermost casefile function.

Usage: massif-peak.py MASSIF-OUT [SNAPSHOT] (see profile.sh)."""
import re, sys
path = sys.argv[1]
lines = open(path).read().split("\n")
# find peak snapshot
snaps = []; i = 0
while i < len(lines):
    if lines[i].startswith("snapshot="):
        sn = int(lines[i].split("=")[1]); j = i + 1; info = {}
        while j < len(lines) and not lines[j].startswith("snapshot="):
            if lines[j].startswith("mem_heap_B="): info["heap"] = int(lines[j].split("=")[1])
            if lines[j].startswith("heap_tree="): info["tree"] = lines[j].split("=")[1]; info["tree_at"] = j + 1
            j += 1
        snaps.append((sn, info)); i = j
    else:
        i += 1
which = sys.argv[2] if len(sys.argv) > 2 else "peak"
sn, info = [s for s in snaps if s[1].get("tree") == which][-1] if which == "peak" else snaps[int(which)]
total = info["heap"]
print(f"snapshot {sn}: heap {total/1e6:.1f} MB")
# parse tree
def parse(k):
    line = lines[k]
    m = re.match(r"\s*n(\d+): (\d+) (.*)", line)
    n, b, desc = int(m.group(1)), int(m.group(2)), m.group(3)
    kids = []; k += 1
    for _ in range(n):
        child, k = parse(k); kids.append(child)
    return (b, desc, kids), k
tree, _ = parse(info["tree_at"])
# attribute each leaf-path's bytes to the innermost casefile frame (closest to alloc) -- i.e. first casefile frame from top
from collections import Counter
acc = Counter()
def walk(node, found):
    b, desc, kids = node
    fn = None
    m = re.search(r": (.*?) \(", desc)
    name = m.group(1) if m else desc
    if found is None and re.search(r"casefile::", name) and not name.startswith("core::") :
        found = re.sub(r"\{\{closure\}\}", "{closure}", name)[:100]
    if not kids:
        acc[found or "(no casefile frame)"] += b
        return
    covered = sum(k[0] for k in kids)
    if b > covered:
        acc[found or "(no casefile frame)"] += b - covered
    for k in kids: walk(k, found)
walk(tree, None)
for k, v in acc.most_common(25):
    print(f"{v/1e6:8.1f} MB {100*v/total:5.1f}%  {k}", flush=True)
