"""
A Reconciliation Service (Reconciliation Service API 0.2, the protocol OpenRefine speaks) for
the published people, organizations and events.

A researcher with a spreadsheet of names sends them in a batch; each gets scored candidates
(0–100), and `match` is true only for a certain match: the name reads the same (ignoring case,
accents, word order and an honorific) or an identifier (ORCID, ROR…) is the same, every
property given agrees, and no other candidate is as good. Suggest, preview and data extension
(identifiers, names, titles) complete the protocol.

Only what the public may see is reconciled: every candidate comes from
`Event.objects.published()` and its `.people()` / `.organizations()`, so a draft's person
cannot be found, suggested, previewed or extended. The service is unprefixed (the same in
every language) and rate-limited like the API, by the same DRF throttle.
"""

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from csp.decorators import csp_replace
from django.conf import settings
from django.core.validators import slug_re
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from modeltranslation.utils import build_localized_fieldname
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from people.identifiers import SCHEMES
from people.models import Organization, Person, normalise_name

from ..models import Event, EventOrganization, Role

SCHEMA_ORG = "https://schema.org/"
DEFAULT_LIMIT = 5
MAX_LIMIT = 25
MAX_QUERIES = 50
# Below this a candidate is noise rather than a lead.
MIN_SCORE = 40
# Rows read per query before scoring: names are narrowed in the database first, by the start
# of each word, so that a query costs the same at 100 or 100,000 events.
CANDIDATE_POOL = 60
# Rows matched by name before visibility is checked on them.
NAME_POOL = 300
# Words that stand before a name without being part of it ("Professor Yijia Jing").
# "He" is left out: it is a family name as often as part of "H.E.".
HONORIFICS = frozenset(
    ["professor", "prof", "dr", "doctor", "mr", "mrs", "ms", "miss", "sir", "dame", "excellency"]
)


def site_address(path=""):
    return settings.SITE_URL + path


def localized(field_name):
    return [build_localized_fieldname(field_name, code) for code, _ in settings.LANGUAGES]


def words_of(text):
    return normalise_name(text).split()


def without_honorifics(text):
    return " ".join(word for word in words_of(text) if word not in HONORIFICS)


def similarity(query, name):
    """0–1: how alike two names read, word order, case, accents and honorifics aside. A query
    whose every word is in the name ("Advancing SMART Cities") scores high, never 1."""
    a, b = without_honorifics(query), without_honorifics(name)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    query_words, name_words = set(a.split()), set(b.split())
    contained = len(query_words & name_words) / len(query_words)
    return min(max(SequenceMatcher(None, a, b).ratio(), 0.85 * contained), 0.99)


def narrowing(fields, words, every=True):
    """Rows whose fields contain the start of the query's words (accent-free, lower case): a
    cheap first cut in the database, scored properly afterwards. With `every`, each word must
    be found (in any field), which keeps namesakes of one word out at 50,000 people."""
    condition = Q()
    for word in words:
        if word in HONORIFICS:
            continue
        stem = word[:4]
        found = Q()
        for name in fields:
            found |= Q(**{f"{name}__icontains": stem})
        condition = (condition & found) if every else (condition | found)
    return condition


def narrowed(rows, shown, fields, text, order):
    """Candidates for a query, in two cheap steps: the rows whose names have every word
    (only if none, any word: a sheet may misspell one), then which of those the public may
    see (`shown`, a condition checked on those few rows only, not on the whole table)."""
    words = words_of(text)

    def pick(condition):
        named = rows.filter(condition).order_by(*order).values_list("pk", flat=True)
        ids = list(named[:NAME_POOL])
        return list(rows.filter(shown, pk__in=ids).order_by(*order)[:CANDIDATE_POOL])

    found = pick(narrowing(fields, words))
    if not found and len(words) > 1:
        found = pick(narrowing(fields, words, every=False))
    return found


def as_values(value):
    """A property value from a query as a list of strings (ids or names)."""
    values = value if isinstance(value, list) else [value]
    found = []
    for item in values:
        if isinstance(item, dict):
            found.append(str(item.get("id") or item.get("name") or ""))
        elif isinstance(item, bool):
            found.append("true" if item else "false")
        else:
            found.append(str(item))
    return [item.strip() for item in found if item.strip()]


# Follows an organization up to its top body in the same query (trees are at most five deep).
WITH_PARENTS = "__".join(["organization"] + ["parent"] * (Organization.MAX_DEPTH - 1))


def names_organization(values, organization):
    """Whether one of the values names this organization or a body it is part of: a
    researcher's "Fudan University" agrees with its Institute for Global Public Policy."""
    node, seen = organization, set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        names = [node.name, node.short_name, node.display_name]
        if any(entity_matches(v, ORGANIZATION.entity_id(node), node.slug, names) for v in values):
            return True
        node = node.parent
    return False


def entity_matches(value, entity_id, slug, names):
    """An id ("organization:fudan"), a slug or a name (read as names are) names this entity."""
    if value in (entity_id, slug):
        return True
    return any(similarity(value, name) >= 0.9 for name in names if name)


@dataclass
class Candidate:
    type: "EntityType"
    record: object
    score: float = 0.0
    features: list = field(default_factory=list)
    certain: bool = False

    @property
    def id(self):
        return self.type.entity_id(self.record)


class EntityType:
    """One kind of record the service reconciles: how to find, score, describe and extend it."""

    id = ""
    name = ""
    # The first part of its entity ids, "person:yijia-jing": a colon because clients
    # percent-encode ids into addresses, and an encoded slash would not reach the view.
    prefix = ""
    properties = {}  # pid -> name, for constraints in queries
    extension = {}  # pid -> name, for data extension

    def entity_id(self, record):
        return f"{self.prefix}:{record.slug}"

    def visible(self):
        raise NotImplementedError

    def by_id(self, entity_id):
        prefix, _, slug = entity_id.partition(":")
        # Only a slug can name a record (and PostgreSQL refuses some characters outright).
        if prefix != self.prefix or not slug_re.match(slug):
            return None
        return self.visible().filter(slug=slug).first()

    def as_type(self):
        return {"id": self.id, "name": self.name}

    def candidates(self, query_text):
        raise NotImplementedError

    def names(self, record):
        raise NotImplementedError

    def label(self, record):
        return str(record)

    def descriptions(self, records):
        return {}

    def property_check(self, pid, values, records):
        """{record pk: True/False} for a property constraint; an unknown pid is ignored."""
        return {}

    def extend(self, records, pids):
        raise NotImplementedError


class PersonType(EntityType):
    id = "Person"
    name = "Person"
    prefix = "person"
    properties = {
        "organization": "Organization (name or id) at a recorded event",
        "orcid": "ORCID iD",
        "wikidata": "Wikidata item",
        "isni": "ISNI",
    }
    extension = {
        "name": "Name",
        "title": "Titles held at recorded events",
        "organization": "Organizations at recorded events",
        "orcid": "ORCID iD",
        "wikidata": "Wikidata item",
        "isni": "ISNI",
        "url": "Page",
    }

    def visible(self):
        return Person.objects.filter(Event.objects.published().shows_person())

    def candidates(self, query_text):
        # A correlated EXISTS on the few rows a name leaves; a `pk IN` over every published
        # role would be read for each query.
        return narrowed(
            Person.objects.all(),
            Event.objects.published().shows_person(),
            ["family_name", "given_name", "native_name"],
            query_text,
            ["family_name", "given_name", "pk"],
        )

    def names(self, record):
        return [record.name, record.name_with_honorific, record.native_name]

    def label(self, record):
        return record.name

    def published_roles(self, records):
        return (
            Role.objects.published()
            .filter(person__in=[record.pk for record in records])
            .select_related(WITH_PARENTS, "event")
            .order_by("-event__start_date", "order", "pk")
        )

    def descriptions(self, records):
        found = {}
        for role in self.published_roles(records):
            found.setdefault(role.person_id, role.title_at_the_time)
        return found

    def property_check(self, pid, values, records):
        if pid != "organization":
            return {}
        found = {record.pk: False for record in records}
        for role in self.published_roles(records):
            if role.organization is not None and names_organization(values, role.organization):
                found[role.person_id] = True
        return found

    def extend(self, records, pids):
        roles = {}
        for role in self.published_roles(records):
            roles.setdefault(role.person_id, []).append(role)
        rows = {}
        for record in records:
            held = roles.get(record.pk, [])
            cells = {}
            for pid in pids:
                if pid == "name":
                    cells[pid] = [{"str": record.name}]
                elif pid == "title":
                    titles = dict.fromkeys(r.title_at_the_time for r in held if r.title_at_the_time)
                    cells[pid] = [{"str": title} for title in titles]
                elif pid == "organization":
                    organizations = {r.organization_id: r.organization for r in held}
                    cells[pid] = [
                        {"id": ORGANIZATION.entity_id(o), "name": o.name}
                        for o in organizations.values()
                        if o is not None
                    ]
                elif pid == "url":
                    cells[pid] = [{"str": site_address(record.get_absolute_url())}]
                elif pid in SCHEMES and getattr(record, pid, ""):
                    cells[pid] = [{"str": getattr(record, pid)}]
                else:
                    cells[pid] = []
            rows[self.entity_id(record)] = cells
        return rows


class OrganizationType(EntityType):
    id = "Organization"
    name = "Organization"
    prefix = "organization"
    properties = {
        "ror": "ROR ID",
        "wikidata": "Wikidata item",
        "isni": "ISNI",
        "country": "Country (ISO 3166-1 code)",
        "parent": "Part of (name or id)",
    }
    extension = {
        "name": "Name",
        "short_name": "Short name or acronym",
        "ror": "ROR ID",
        "wikidata": "Wikidata item",
        "isni": "ISNI",
        "country": "Country",
        "parent": "Part of",
        "url": "Page",
    }

    def visible(self):
        return Organization.objects.filter(Event.objects.published().shows_organization())

    def candidates(self, query_text):
        return narrowed(
            Organization.objects.select_related("parent"),
            Event.objects.published().shows_organization(),
            [*localized("name"), *localized("short_name")],
            query_text,
            ["name_en", "pk"],
        )

    def names(self, record):
        names = []
        for field_name in (*localized("name"), *localized("short_name")):
            names.append(getattr(record, field_name) or "")
        return names

    def label(self, record):
        return record.name

    def descriptions(self, records):
        return {
            record.pk: ", ".join(
                part
                for part in [
                    record.get_kind_display(),
                    record.parent.label if record.parent_id else "",
                    record.country,
                ]
                if part
            )
            for record in records
        }

    def property_check(self, pid, values, records):
        if pid == "country":
            wanted = {value.upper() for value in values}
            return {record.pk: record.country in wanted for record in records}
        if pid == "parent":
            return {
                record.pk: record.parent is not None
                and any(
                    entity_matches(
                        v,
                        self.entity_id(record.parent),
                        record.parent.slug,
                        self.names(record.parent),
                    )
                    for v in values
                )
                for record in records
            }
        return {}

    def extend(self, records, pids):
        rows = {}
        for record in records:
            cells = {}
            for pid in pids:
                if pid == "url":
                    cells[pid] = [{"str": site_address(record.get_absolute_url())}]
                elif pid == "parent":
                    parent = record.parent
                    cells[pid] = (
                        [{"id": self.entity_id(parent), "name": parent.name}] if parent else []
                    )
                elif pid in self.extension and getattr(record, pid, ""):
                    cells[pid] = [{"str": getattr(record, pid)}]
                else:
                    cells[pid] = []
            rows[self.entity_id(record)] = cells
        return rows


class EventType(EntityType):
    id = "Event"
    name = "Event"
    prefix = "event"
    properties = {
        "year": "Year of the start date",
        "date": "Start date (YYYY-MM-DD)",
        "organization": "Organization taking part (name or id)",
    }
    extension = {
        "name": "Title",
        "start_date": "Start date",
        "end_date": "End date",
        "organization": "Organizations taking part",
        "url": "Page",
    }

    def visible(self):
        return Event.objects.published()

    def candidates(self, query_text):
        return narrowed(
            Event.objects.published(), Q(), localized("title"), query_text, ["-start_date", "pk"]
        )

    def names(self, record):
        return [getattr(record, field_name) or "" for field_name in localized("title")]

    def label(self, record):
        return record.title

    def descriptions(self, records):
        return {record.pk: record.start_date.isoformat() for record in records}

    def participations(self, records):
        return EventOrganization.objects.filter(
            event__in=[record.pk for record in records]
        ).select_related(WITH_PARENTS)

    def property_check(self, pid, values, records):
        if pid == "year":
            return {record.pk: str(record.start_date.year) in values for record in records}
        if pid == "date":
            return {record.pk: record.start_date.isoformat() in values for record in records}
        if pid == "organization":
            found = {record.pk: False for record in records}
            for part in self.participations(records):
                if names_organization(values, part.organization):
                    found[part.event_id] = True
            return found
        return {}

    def extend(self, records, pids):
        parts = {}
        if "organization" in pids:
            for part in self.participations(records):
                parts.setdefault(part.event_id, {})[part.organization_id] = part.organization
        rows = {}
        for record in records:
            cells = {}
            for pid in pids:
                if pid == "name":
                    cells[pid] = [{"str": record.title}]
                elif pid == "start_date":
                    cells[pid] = [{"str": record.start_date.isoformat()}]
                elif pid == "end_date":
                    cells[pid] = [{"str": record.end_date.isoformat()}] if record.end_date else []
                elif pid == "organization":
                    cells[pid] = [
                        {"id": ORGANIZATION.entity_id(o), "name": o.name}
                        for o in parts.get(record.pk, {}).values()
                    ]
                elif pid == "url":
                    cells[pid] = [{"str": site_address(record.get_absolute_url())}]
                else:
                    cells[pid] = []
            rows[self.entity_id(record)] = cells
        return rows


PERSON, ORGANIZATION, EVENT = PersonType(), OrganizationType(), EventType()
TYPES = {entity_type.id: entity_type for entity_type in (PERSON, ORGANIZATION, EVENT)}


def type_of_id(entity_id):
    prefix = entity_id.partition(":")[0]
    return next((t for t in TYPES.values() if t.prefix == prefix), None)


def manifest():
    return {
        "versions": ["0.2"],
        "name": "Event Records",
        "identifierSpace": site_address("/"),
        "schemaSpace": SCHEMA_ORG,
        "documentation": site_address(reverse("events:data")) + "#reconciliation-heading",
        "view": {
            "url": site_address(reverse("reconciliation:view", args=["ID"])).replace("ID", "{{id}}")
        },
        "preview": {
            "url": site_address(reverse("reconciliation:preview")) + "?id={{id}}",
            "width": 420,
            "height": 140,
        },
        "defaultTypes": [entity_type.as_type() for entity_type in TYPES.values()],
        "suggest": {
            "entity": {
                "service_url": settings.SITE_URL,
                "service_path": reverse("reconciliation:suggest_entity"),
            },
            "type": {
                "service_url": settings.SITE_URL,
                "service_path": reverse("reconciliation:suggest_type"),
            },
            "property": {
                "service_url": settings.SITE_URL,
                "service_path": reverse("reconciliation:suggest_property"),
            },
        },
        "extend": {
            "propose_properties": {
                "service_url": settings.SITE_URL,
                "service_path": reverse("reconciliation:propose_properties"),
            },
            "property_settings": [],
        },
    }


class QueryError(ValueError):
    """A query the service cannot read; the answer is 400 with this message."""


def read_query(key, query):
    if not isinstance(query, dict):
        raise QueryError(f"Query {key!r} must be an object.")
    text = query.get("query", "")
    if not isinstance(text, str):
        raise QueryError(f"Query {key!r}: 'query' must be a string.")
    properties = query.get("properties") or []
    if not isinstance(properties, list) or not all(
        isinstance(p, dict) and isinstance(p.get("pid"), str) and "v" in p for p in properties
    ):
        raise QueryError(f"Query {key!r}: 'properties' must be a list of {{pid, v}} objects.")
    if not text.strip() and not properties:
        raise QueryError(f"Query {key!r} needs a 'query' or 'properties'.")
    wanted_types = query.get("type")
    if wanted_types is None:
        types = list(TYPES.values())
    else:
        wanted_types = [wanted_types] if isinstance(wanted_types, str) else wanted_types
        if not isinstance(wanted_types, list) or not all(isinstance(t, str) for t in wanted_types):
            raise QueryError(f"Query {key!r}: 'type' must be a string or a list of strings.")
        types = [TYPES[t] for t in wanted_types if t in TYPES]
    limit = query.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 1:
        raise QueryError(f"Query {key!r}: 'limit' must be a positive number.")
    constraints = [(p["pid"], as_values(p["v"])) for p in properties]
    return text.strip(), types, min(int(limit), MAX_LIMIT), constraints


def reconcile_one(text, entity_type, constraints):
    """Scored candidates of one type for one query, best first."""
    records = entity_type.candidates(text) if text else []
    by_identifier = set()
    checks = {}
    for pid, values in constraints:
        if pid not in entity_type.properties:
            continue  # a property of another type: says nothing about this one
        scheme = SCHEMES.get(pid)
        if scheme is None:
            continue
        # An identifier finds its record whatever name the query gives.
        wanted = {scheme.compact(value) for value in values}
        holders = list(entity_type.visible().filter(**{f"{pid}__in": wanted}))
        by_identifier |= {record.pk for record in holders}
        known = {record.pk for record in records}
        records += [record for record in holders if record.pk not in known]
    for pid, values in constraints:
        if pid not in entity_type.properties:
            continue
        if pid in SCHEMES:
            wanted = {SCHEMES[pid].compact(value) for value in values}
            checks[pid] = {record.pk: getattr(record, pid) in wanted for record in records}
        else:
            checks[pid] = entity_type.property_check(pid, values, records)
    candidates = []
    for record in records:
        name_score = max((similarity(text, name) for name in entity_type.names(record)), default=0)
        features = [{"id": "name", "value": round(name_score, 3)}]
        agreed = True
        for pid, results in checks.items():
            agrees = bool(results.get(record.pk))
            features.append({"id": pid, "value": agrees})
            agreed = agreed and agrees
        # A property that disagrees keeps the candidate, lower: the sheet may be out of date.
        score = 100.0 if record.pk in by_identifier else 100 * name_score * (1 if agreed else 0.6)
        candidate = Candidate(entity_type, record, round(score, 1), features)
        candidate.certain = agreed and (record.pk in by_identifier or name_score == 1.0)
        if score >= MIN_SCORE or record.pk in by_identifier:
            candidates.append(candidate)
    return candidates


def reconcile(queries):
    """Answers to a batch of queries ({key: query}), as the protocol's result batch."""
    if not isinstance(queries, dict):
        raise QueryError("'queries' must be a JSON object of queries.")
    if len(queries) > MAX_QUERIES:
        raise QueryError(f"At most {MAX_QUERIES} queries per batch.")
    read = {key: read_query(key, query) for key, query in queries.items()}
    answers = {}
    for key, (text, types, limit, constraints) in read.items():
        candidates = []
        for entity_type in types:
            candidates += reconcile_one(text, entity_type, constraints)
        candidates.sort(key=lambda c: (-c.score, c.type.label(c.record)))
        chosen = candidates[:limit]
        # A certain match is certain only when nothing else is as good.
        if len(chosen) > 1 and chosen[0].score == chosen[1].score:
            for candidate in chosen:
                candidate.certain = False
        answers[key] = chosen
    described = describe([c for chosen in answers.values() for c in chosen])
    return {
        key: {"result": [result_of(candidate, described) for candidate in chosen]}
        for key, chosen in answers.items()
    }


def describe(candidates):
    """{(type id, pk): description}, one query per type for the whole batch."""
    found = {}
    for entity_type in TYPES.values():
        records = [c.record for c in candidates if c.type is entity_type]
        if records:
            for pk, text in entity_type.descriptions(records).items():
                found[(entity_type.id, pk)] = text
    return found


def result_of(candidate, described):
    result = {
        "id": candidate.id,
        "name": candidate.type.label(candidate.record),
        "score": candidate.score,
        "match": candidate.certain,
        "type": [candidate.type.as_type()],
        "features": candidate.features,
    }
    description = described.get((candidate.type.id, candidate.record.pk))
    if description:
        result["description"] = description
    return result


def suggest_entities(prefix, type_id=None, limit=10):
    types = [TYPES[type_id]] if type_id in TYPES else list(TYPES.values())
    results = []
    for entity_type in types:
        for candidate in reconcile_one(prefix, entity_type, []):
            if candidate.score >= 40 or any(
                normalise_name(name).startswith(normalise_name(prefix))
                or normalise_name(prefix) in normalise_name(name)
                for name in entity_type.names(candidate.record)
                if name
            ):
                results.append(candidate)
    results.sort(key=lambda c: (-c.score, c.type.label(c.record)))
    results = results[:limit]
    described = describe(results)
    return {
        "result": [
            {
                "id": c.id,
                "name": c.type.label(c.record),
                "notable": [c.type.as_type()],
                **(
                    {"description": described[(c.type.id, c.record.pk)]}
                    if described.get((c.type.id, c.record.pk))
                    else {}
                ),
            }
            for c in results
        ]
    }


def matching_prefix(prefix, items):
    prefix = prefix.strip().casefold()
    return [item for item in items if prefix in item["name"].casefold() or prefix in item["id"]]


def suggest_types(prefix):
    return {"result": matching_prefix(prefix, [t.as_type() for t in TYPES.values()])}


def property_list(type_id, kind):
    types = [TYPES[type_id]] if type_id in TYPES else list(TYPES.values())
    seen = {}
    for entity_type in types:
        for pid, name in getattr(entity_type, kind).items():
            seen.setdefault(pid, {"id": pid, "name": name})
    return list(seen.values())


def suggest_properties(prefix, type_id=None):
    return {"result": matching_prefix(prefix, property_list(type_id, "properties"))}


def propose_properties(type_id, limit=None):
    if type_id not in TYPES:
        raise QueryError(f"Unknown type {type_id!r}; the types are {', '.join(TYPES)}.")
    proposed = property_list(type_id, "extension")
    if limit:
        proposed = proposed[:limit]
    return {"type": type_id, "properties": proposed}


def extend(query):
    """Values of the asked properties for each entity id, as the data extension response."""
    if not isinstance(query, dict):
        raise QueryError("'extend' must be a JSON object with 'ids' and 'properties'.")
    ids, properties = query.get("ids"), query.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise QueryError("'extend.ids' must be a list of entity ids.")
    if not isinstance(properties, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in properties
    ):
        raise QueryError("'extend.properties' must be a list of {id} objects.")
    if len(ids) > MAX_QUERIES * 4:
        raise QueryError(f"At most {MAX_QUERIES * 4} ids per request.")
    pids = [p["id"] for p in properties]
    rows = {entity_id: {pid: [] for pid in pids} for entity_id in ids}
    names = {}
    for entity_type in TYPES.values():
        slugs = [
            entity_id.partition(":")[2] for entity_id in ids if type_of_id(entity_id) is entity_type
        ]
        if not slugs:
            continue
        records = list(entity_type.visible().filter(slug__in=slugs))
        if entity_type is ORGANIZATION:
            records = list(
                Organization.objects.filter(pk__in=[r.pk for r in records]).select_related("parent")
            )
        rows.update(entity_type.extend(records, pids))
        for pid in pids:
            if pid in entity_type.extension:
                names.setdefault(pid, entity_type.extension[pid])
    meta = []
    for pid in pids:
        entry = {"id": pid, "name": names.get(pid) or pid}
        if pid in ("organization", "parent"):
            entry["type"] = ORGANIZATION.as_type()
        meta.append(entry)
    return {"meta": meta, "rows": rows}


# --- Views ----------------------------------------------------------------------------------


def read_json(request, name):
    raw = request.data.get(name) if hasattr(request.data, "get") else None
    if raw is None:
        raw = request.query_params.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        return raw  # a JSON body already parsed
    try:
        return json.loads(raw)
    except ValueError as error:
        raise ParseError(f"'{name}' is not valid JSON: {error}") from error


class ReconciliationView(APIView):
    """CORS-open, rate-limited like the API; answers in JSON or 400 with a reason."""

    parser_classes = [parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # The protocol expects browser clients on other sites to read the answers.
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def answer(self, build, *args):
        try:
            return Response(build(*args))
        except QueryError as error:
            return Response({"detail": str(error)}, status=400)


RESPONSES = {
    200: OpenApiTypes.OBJECT,
    400: inline_serializer("ReconciliationError", {"detail": serializers.CharField()}),
}
QUERIES = OpenApiParameter(
    "queries",
    OpenApiTypes.STR,
    description="A reconciliation query batch as JSON: {key: {query, type, limit, properties}}.",
)
EXTEND = OpenApiParameter(
    "extend", OpenApiTypes.STR, description="A data extension query as JSON: {ids, properties}."
)


class ServiceView(ReconciliationView):
    """Without parameters, the service manifest; with `queries`, candidates for each query;
    with `extend`, property values of reconciled ids. GET or POST (form-encoded)."""

    @extend_schema(
        parameters=[QUERIES, EXTEND],
        responses=RESPONSES,
        summary="Reconciliation Service API 0.2: manifest, queries and data extension",
    )
    def get(self, request):
        return self.respond(request)

    @extend_schema(
        request={
            "application/x-www-form-urlencoded": inline_serializer(
                "ReconciliationForm",
                {
                    "queries": serializers.CharField(required=False, help_text=QUERIES.description),
                    "extend": serializers.CharField(required=False, help_text=EXTEND.description),
                },
            )
        },
        responses=RESPONSES,
        summary="Reconciliation Service API 0.2: queries and data extension (form-encoded)",
    )
    def post(self, request):
        return self.respond(request, posted=True)

    def respond(self, request, posted=False):
        queries = read_json(request, "queries")
        if queries is not None:
            return self.answer(reconcile, queries)
        extension = read_json(request, "extend")
        if extension is not None:
            return self.answer(extend, extension)
        if posted:
            return Response({"detail": "Send 'queries' or 'extend'."}, status=400)
        return Response(manifest())


LIMIT = OpenApiParameter("limit", OpenApiTypes.INT, description="At most this many (1–25).")


def read_limit(request, default):
    try:
        return max(1, min(int(request.query_params.get("limit", default)), MAX_LIMIT))
    except ValueError as error:
        raise ParseError("'limit' must be a whole number.") from error


class SuggestEntityView(ReconciliationView):
    @extend_schema(
        parameters=[
            OpenApiParameter("prefix", OpenApiTypes.STR, required=True),
            OpenApiParameter("type", OpenApiTypes.STR, enum=list(TYPES)),
            LIMIT,
        ],
        responses=RESPONSES,
        summary="Suggest people, organizations or events by the start of their name",
    )
    def get(self, request):
        prefix = request.query_params.get("prefix", "").strip()
        limit = read_limit(request, 10)
        if not prefix:
            return Response({"result": []})
        return Response(suggest_entities(prefix, request.query_params.get("type"), limit))


class SuggestTypeView(ReconciliationView):
    @extend_schema(
        parameters=[OpenApiParameter("prefix", OpenApiTypes.STR)],
        responses=RESPONSES,
        summary="Suggest a type (Person, Organization, Event)",
    )
    def get(self, request):
        return Response(suggest_types(request.query_params.get("prefix", "")))


class SuggestPropertyView(ReconciliationView):
    @extend_schema(
        parameters=[
            OpenApiParameter("prefix", OpenApiTypes.STR),
            OpenApiParameter("type", OpenApiTypes.STR, enum=list(TYPES)),
        ],
        responses=RESPONSES,
        summary="Suggest a property to constrain queries with",
    )
    def get(self, request):
        return Response(
            suggest_properties(
                request.query_params.get("prefix", ""), request.query_params.get("type")
            )
        )


class ProposePropertiesView(ReconciliationView):
    @extend_schema(
        parameters=[
            OpenApiParameter("type", OpenApiTypes.STR, enum=list(TYPES), required=True),
            LIMIT,
        ],
        responses=RESPONSES,
        summary="Properties that data extension can fetch for a type",
    )
    def get(self, request):
        limit = read_limit(request, MAX_LIMIT)
        return self.answer(propose_properties, request.query_params.get("type", ""), limit)


# Read-only, and never a form: other methods get the site's 405, not the CSRF check's 403.
@csrf_exempt
@require_safe
@xframe_options_exempt
# Shown inside the reconciling tool's page, on another site.
@csp_replace({"frame-ancestors": ["*"]})
def preview(request):
    """A small page about one entity, for the client's preview frame."""
    entity_id = request.GET.get("id", "")
    entity_type = type_of_id(entity_id)
    record = entity_type.by_id(entity_id) if entity_type else None
    if record is None:
        raise Http404("No published record has this id.")
    description = describe([Candidate(entity_type, record)]).get((entity_type.id, record.pk))
    return render(
        request,
        "reconciliation/preview.html",
        {
            "name": entity_type.label(record),
            "kind": entity_type.name,
            "description": description,
            "identifiers": getattr(record, "identifiers", []),
            "url": site_address(record.get_absolute_url()),
        },
    )


@csrf_exempt
@require_safe
def view(request, entity_id):
    """The page of an entity, from its id: the manifest's view template."""
    entity_type = type_of_id(entity_id)
    record = entity_type.by_id(entity_id) if entity_type else None
    if record is None:
        raise Http404("No published record has this id.")
    return redirect(record.get_absolute_url())
