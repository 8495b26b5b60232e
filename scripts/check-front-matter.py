#!/usr/bin/env python3
"""Validate content files' front matter against `casefile schema`, without casefile.

    casefile schema > front-matter.schema.json
    scripts/check-front-matter.py front-matter.schema.json content/**/*.md

Each file is checked against `$defs/<collection>` for content/<collection>/<slug>.md,
`$defs/<collection>.translation` for a translation (content/<collection>/<slug>.fr.md)
and `$defs/page` for the rest (or against the schema itself when it has no `$defs`,
as `casefile schema <collection>` prints). Uses python3-jsonschema (Draft 2020-12) and
PyYAML, reading dates as the text written (YAML would make `2023-03-22` a date object,
which is no JSON value). Prints `path: message` per problem; exit 1 if any.
"""
import json
import pathlib
import sys

import jsonschema
import yaml


class TextDates(yaml.SafeLoader):
    """SafeLoader without the timestamp type: dates stay strings, as casefile reads them."""


TextDates.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def front_matter(text):
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4)
    if end < 0:
        raise ValueError("front matter has no closing ---")
    return yaml.load(text[4:end], Loader=TextDates) or {}


def definition(schema, path):
    defs = schema.get("$defs")
    if not defs:
        return schema
    parts = pathlib.PurePath(path).parts
    if "content" in parts:
        parts = parts[parts.index("content") + 1:]
    if len(parts) == 2 and not parts[1].startswith("_index.") and parts[0] in defs:
        translated = parts[1].count(".") > 1
        name = f"{parts[0]}.translation" if translated else parts[0]
        if name in defs:
            return {**schema, "$ref": f"#/$defs/{name}"}
    return {**schema, "$ref": "#/$defs/page"}


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema = json.loads(pathlib.Path(argv[0]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    problems = 0
    for path in argv[1:]:
        try:
            data = front_matter(pathlib.Path(path).read_text())
        except (ValueError, yaml.YAMLError) as e:
            print(f"{path}: {e}")
            problems += 1
            continue
        validator = jsonschema.Draft202012Validator(definition(schema, path))
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in error.path)
            print(f"{path}: {where + ': ' if where else ''}{error.message}")
            problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
