"""
A checker for schema.org JSON-LD against the vocabulary's own CSV release (types with their
supertypes, properties with domainIncludes and rangeIncludes), so that the site's structured
data is validated by the standard rather than by the site's own expectations.

Rules, as schema.org documents them:
- every @type is a schema.org type; every property is a schema.org property;
- a property is allowed on a type if its domainIncludes names the type or one of its supertypes;
- a typed value must be of a type in the property's rangeIncludes (or a subtype of one);
- a text value needs a data type in the range; an enumeration URL must name a member of an
  enumeration in the range; a Date/DateTime value must be ISO 8601;
- the Role pattern (https://schema.org/Role): a Role may stand in for the value of a property P;
  inside it, P itself is allowed and carries the real value, next to the Role's own properties.
"""

import csv
import datetime
from functools import cache
from pathlib import Path

PREFIX = "https://schema.org/"
DATA_TYPES = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Boolean"}
STANDARDS = Path(__file__).resolve().parent / "data"


def label(uri):
    return uri.strip().removeprefix(PREFIX)


def labels(field):
    return {label(part) for part in field.split(",") if part.strip()}


class Vocabulary:
    def __init__(self, directory):
        self.supertypes = {}
        self.enumeration = {}
        with open(directory / "schemaorg-current-https-types.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                name = label(row["id"])
                self.supertypes[name] = labels(row["subTypeOf"])
                if row["enumerationtype"]:
                    self.enumeration[name] = label(row["enumerationtype"])
        self.domains = {}
        self.ranges = {}
        with open(directory / "schemaorg-current-https-properties.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                name = label(row["id"])
                self.domains[name] = labels(row["domainIncludes"])
                self.ranges[name] = labels(row["rangeIncludes"])

    def ancestors(self, name):
        found, frontier = {name}, {name}
        while frontier:
            frontier = {s for t in frontier for s in self.supertypes.get(t, ())} - found
            found |= frontier
        return found

    def is_role(self, name):
        return "Role" in self.ancestors(name)

    def check(self, node):
        """Every problem found in a JSON-LD object, as readable strings; empty when valid."""
        problems = []
        self._check_node(node, "$", problems, role_for=None)
        return problems

    def _check_node(self, node, path, problems, role_for):
        node_type = node.get("@type")
        if node_type not in self.supertypes:
            problems.append(f"{path}: unknown @type {node_type!r}")
            return
        ancestors = self.ancestors(node_type)
        for key, value in node.items():
            if key.startswith("@"):
                continue
            where = f"{path}.{key}"
            if key not in self.domains:
                problems.append(f"{where}: {key!r} is not a schema.org property")
                continue
            if key != role_for and not (self.domains[key] & ancestors):
                problems.append(f"{where}: {key!r} is not allowed on {node_type}")
                continue
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                self._check_value(key, item, f"{where}[{index}]", problems)

    def _check_value(self, prop, value, path, problems):
        allowed = self.ranges[prop]
        if isinstance(value, dict) and "@value" in value:
            # A JSON-LD value object, such as a language-tagged string: check its text.
            value = value["@value"]
        if isinstance(value, dict):
            value_type = value.get("@type", "")
            if self.is_role(value_type) and not (self.ancestors(value_type) & allowed):
                # The Role pattern: the Role stands in for the value of `prop`.
                self._check_node(value, path, problems, role_for=prop)
                return
            if not (self.ancestors(value_type) & allowed):
                problems.append(f"{path}: a {value_type} is not in the range of {prop!r}")
            self._check_node(value, path, problems, role_for=None)
            return
        if isinstance(value, str) and value.startswith(PREFIX):
            member = label(value)
            if member in self.enumeration:
                if not (self.ancestors(self.enumeration[member]) & allowed):
                    problems.append(f"{path}: {member} is not in the range of {prop!r}")
                return
        if isinstance(value, bool | int | float):
            if not ({"Number", "Integer", "Boolean"} & allowed):
                problems.append(f"{path}: {prop!r} does not take a number")
            return
        if not (DATA_TYPES & allowed):
            problems.append(f"{path}: {prop!r} needs a typed object, not text")
            return
        date_only = allowed & {"Date", "DateTime"} and not allowed & {"Text", "URL"}
        if date_only and not is_iso_8601(value):
            problems.append(f"{path}: {value!r} is not an ISO 8601 date or date-time")


def is_iso_8601(value):
    for parse in (datetime.date.fromisoformat, datetime.datetime.fromisoformat):
        try:
            parse(value)
        except (TypeError, ValueError):
            continue
        return True
    return False


@cache
def vocabulary():
    directory = STANDARDS / "schemaorg"
    if not directory.is_dir():
        raise FileNotFoundError(
            f"The schema.org vocabulary is expected in {directory} (tests/standards/data/)."
        )
    return Vocabulary(directory)
