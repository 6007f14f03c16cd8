"""
The Reconciliation Service API 0.2 JSON Schemas (tests/standards/reconciliation/), with their
`$ref`s resolved to these local copies, never to the web.
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).parent / "reconciliation"
BASE = "https://reconciliation-api.github.io/specs/0.2/schemas/"


@cache
def registry():
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = DRAFT7.create_resource(schema)
        resources.append((BASE + path.name, resource))
        if "$id" in schema:
            resources.append((schema["$id"].rstrip("#"), resource))
    return Registry().with_resources(resources)


def validator(name):
    """A validator for `manifest`, `reconciliation-result-batch`, `suggest-entities-response`…"""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft7Validator(
        schema, registry=registry(), format_checker=Draft7Validator.FORMAT_CHECKER
    )


def errors(name, instance):
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(name).iter_errors(instance)
    ]
