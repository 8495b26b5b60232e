#!/usr/bin/env python3
"""Share of perf samples per build stage.

Each sample goes to the first category (in this order) that any frame of its stack
matches. Usage: perf-categories.py PERF-SCRIPT-OUTPUT (see profile.sh)."""
import re, sys, collections
CATS = [
    ("search index", r"^<?(pagefind|lol_html|miniz_oxide|flate2)|casefile::publish::search"),
    ("code highlighting (syntect)", r"^<?(casefile::markdown::highlight|syntect|fancy_regex|onig)"),
    ("Markdown (pulldown-cmark)", r"^<?(casefile::markdown|pulldown_cmark)"),
    ("templates (tera render)", r"^<?(casefile::render::render_job|tera::)"),
    ("relationship map", r"^<?casefile::render::map"),
    ("views and page contexts", r"^<?casefile::render::(view|page_jobs|structured|register_functions|assets)"),
    ("render (other)", r"^<?casefile::render::"),
    ("publish (sitemap, feeds, timeline.json)", r"^<?casefile::publish"),
    ("write (files, atomic swap)", r"^<?casefile::write"),
    ("load + YAML", r"^<?(casefile::load|casefile::yaml_spans|serde_yaml|saphyr|unsafe_libyaml|walkdir)"),
    ("model (schema checks)", r"^<?casefile::model"),
    ("resolve (links, backlinks)", r"^<?casefile::resolve"),
    ("check", r"^<?casefile::check"),
    ("dropping values", r"drop_in_place"),
]
def read(path):
    samples, cur = [], None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if not line:
            if cur is not None: samples.append(cur)
            cur = None
        elif not line.startswith((" ", "\t")):
            cur = []
        elif cur is not None:
            parts = line.strip().split(" ", 1)
            if len(parts) == 2:
                cur.append(re.sub(r"\+0x[0-9a-f]+$", "", parts[1]))
    if cur is not None: samples.append(cur)
    return samples
samples = read(sys.argv[1])
n = len(samples)
count = collections.Counter()
for frames in samples:
    cat = "other (allocator, kernel, unwound stacks)"
    for name, pat in CATS:
        if any(re.search(pat, f) for f in frames):
            cat = name; break
    count[cat] += 1
print(f"{n} samples")
for cat, c in count.most_common():
    print(f"| {cat} | {100*c/n:.1f}% |")
