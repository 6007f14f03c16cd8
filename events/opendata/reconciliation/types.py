"""The kinds of record the service reconciles (people, organizations, events): how each finds,
scores and describes its candidates, from published records only."""

from dataclasses import dataclass, field

from django.core.validators import slug_re
from django.db.models import Q

from events.models import Event, EventOrganization, Role
from people.identifiers import SCHEMES
from people.models import Organization, Person

from .text import localized, narrowed, similarity, site_address

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
