"""
Popolo JSON Schemas (draft-03) with their `$ref`s resolved to the copies in
tests/standards/data/popolo/, never to the web.
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft3Validator
from referencing import Registry
from referencing.jsonschema import DRAFT3

SCHEMAS = Path(__file__).resolve().parent / "data" / "popolo" / "schemas"
BASE = "http://www.popoloproject.com/schemas/"


@cache
def registry():
    if not SCHEMAS.is_dir():
        raise FileNotFoundError(f"The Popolo schemas are expected in {SCHEMAS}.")
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((BASE + path.name, DRAFT3.create_resource(schema)))
    return Registry().with_resources(resources)


def validator(name):
    """A draft-03 validator for `person`, `organization`, `membership`, `event`, `speech`…"""
    schema = registry().contents(BASE + f"{name}.json")
    return Draft3Validator(
        schema, registry=registry(), format_checker=Draft3Validator.FORMAT_CHECKER
    )


def errors(name, instance):
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(name).iter_errors(instance)
    ]
