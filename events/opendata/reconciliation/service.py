"""The protocol's answers: the manifest, batches of queries, suggest, property proposals and
data extension."""

from django.conf import settings
from django.urls import reverse

from people.identifiers import SCHEMES
from people.models import Organization, normalise_name

from .text import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_QUERIES,
    MIN_SCORE,
    SCHEMA_ORG,
    as_values,
    similarity,
    site_address,
)
from .types import ORGANIZATION, TYPES, Candidate, type_of_id


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
