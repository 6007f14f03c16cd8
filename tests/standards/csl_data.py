"""The CSL-JSON schema (csl-data.json, CSL 1.0.2, MIT licence: tests/standards/csl/LICENSE.txt),
kept in the repository so the tests need nothing outside it."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator

SCHEMA = Path(__file__).resolve().parent / "csl" / "csl-data.json"


@cache
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
