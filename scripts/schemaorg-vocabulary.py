#!/usr/bin/env python3
"""Writes tests/schemaorg/vocabulary.json: each schema.org type's direct supertypes and
each property's domain (domainIncludes), from the release CSVs of the schema.org
repository (https://github.com/schemaorg/schemaorg, data/releases/<version>/
schemaorg-current-https-{types,properties}.csv; the vocabulary is CC BY-SA 3.0).

    scripts/schemaorg-vocabulary.py TYPES.csv PROPERTIES.csv VERSION > tests/schemaorg/vocabulary.json

tests/jsonld.rs checks every page's JSON-LD against it.
"""
import csv
import json
import sys

types_csv, properties_csv, version = sys.argv[1:4]


def short(url):
    return url.strip().removeprefix("https://schema.org/")


def split(cell):
    return sorted(short(x) for x in cell.split(",") if x.strip())


with open(types_csv, newline="") as f:
    types = {short(r["id"]): split(r["subTypeOf"]) for r in csv.DictReader(f)}
with open(properties_csv, newline="") as f:
    properties = {short(r["id"]): split(r["domainIncludes"]) for r in csv.DictReader(f)}

json.dump(
    {
        "source": f"schema.org {version}, data/releases/{version}/schemaorg-current-https-*.csv of https://github.com/schemaorg/schemaorg",
        "licence": "CC BY-SA 3.0 (https://schema.org/docs/terms.html)",
        "types": dict(sorted(types.items())),
        "properties": dict(sorted(properties.items())),
    },
    sys.stdout,
    indent=0,
    sort_keys=False,
)
print()
