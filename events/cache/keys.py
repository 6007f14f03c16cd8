"""
Page keys: a name for each record a cached page shows, so that a change retires only the
pages that show the changed record (generation.retire_keys) and an edge cache purges only
those (edge.py).

- An event's page, its presentations' pages and its versions carry `event-<pk>`. A change of
  any record an event page shows retires the keys of exactly those events
  (`fragments.events_showing`, the rule the event fragments already follow).
- A person's page carries `person-<pk>` and the keys of what it shows of others: the events
  of its roles and presentations, the organizations (and parents) its titles name, the
  sources it cites. An organization's page likewise (`org-<pk>`), with the units above and
  below it it names, and the people, events and sources of its latest rows.
- Pages that list or count records (home, the event list and its searches, the people and
  organization lists, a series, the Data page) carry LISTS, which every record change
  retires: any change may move a count or a row of a list.

A change also retires the pages that gather the changed row (`retired_by`): a role retires
its event, its person and its organization with the units above it (their counts and lists
of units shown); an event its people and organizations (publishing it adds them rows).
"""

from events.models import (
    Citation,
    Event,
    EventOrganization,
    EventSeries,
    KeyPoint,
    Presentation,
    RetiredRecord,
    Role,
    Source,
    Topic,
)
from people.models import FormerSlug, Organization, Person, RecordChange

from .generation import LISTS

# Records no cached page shows (answers for retired addresses are never cached).
SHOWN_NOWHERE = (RecordChange, FormerSlug, RetiredRecord)


def event_key(pk):
    return f"event-{pk}"


def person_key(pk):
    return f"person-{pk}"


def organization_key(pk):
    return f"org-{pk}"


def source_key(pk):
    return f"source-{pk}"


def retired_by(instance, events):
    """The page keys a change of this record retires, given the pks of the events whose
    page shows it; None when any page may show it (retire every page)."""
    keys = {LISTS, *(event_key(pk) for pk in events)}
    if isinstance(instance, SHOWN_NOWHERE):
        return keys
    if isinstance(instance, Event):
        people, organizations = people_and_organizations_of(instance.pk)
        keys |= {person_key(pk) for pk in people}
        keys |= {organization_key(pk) for pk in with_parents(organizations)}
    elif isinstance(instance, Role):
        keys.add(person_key(instance.person_id))
        keys |= {organization_key(pk) for pk in with_parents([instance.organization_id])}
    elif isinstance(instance, EventOrganization):
        keys |= {organization_key(pk) for pk in with_parents([instance.organization_id])}
    elif isinstance(instance, Presentation):
        if instance.pk is not None:
            speakers = instance.speakers.values_list("pk", flat=True)
            keys |= {person_key(pk) for pk in speakers}
    elif isinstance(instance, Person):
        keys.add(person_key(instance.pk))
    elif isinstance(instance, Organization):
        # Its units' pages name it, its parents' pages list it among their units.
        keys |= {organization_key(pk) for pk in with_parents([instance.pk, instance.parent_id])}
    elif isinstance(instance, Source):
        keys.add(source_key(instance.pk))
    elif not isinstance(instance, (KeyPoint, Citation, Topic, EventSeries)):
        return None
    return keys


def people_and_organizations_of(event_pk):
    """(person pks, organization pks) named by one event's roles, speakers and parts."""
    people = set(Role.objects.filter(event_id=event_pk).values_list("person_id", flat=True))
    people |= set(
        Presentation.speakers.through.objects.filter(presentation__event_id=event_pk).values_list(
            "person_id", flat=True
        )
    )
    organizations = set(
        Role.objects.filter(event_id=event_pk).values_list("organization_id", flat=True)
    )
    organizations |= set(
        EventOrganization.objects.filter(event_id=event_pk).values_list(
            "organization_id", flat=True
        )
    )
    return people, organizations


def with_parents(pks):
    """These organizations' pks and those of every unit above them, in one query."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return set()
    lookups = ["pk"] + [
        "__".join(["parent"] * depth) + "_id" for depth in range(1, Organization.MAX_DEPTH)
    ]
    found = set(pks)
    for row in Organization.objects.filter(pk__in=pks).values_list(*lookups):
        found |= {pk for pk in row if pk is not None}
    return found


def person_page_keys(person, roles, presentations):
    keys = {person_key(person.pk)}
    for role in roles:
        keys |= {event_key(role.event_id), source_key(role.source_id)}
        keys |= {organization_key(role.organization_id)}
        if role.organization_id and role.organization.parent_id:
            keys.add(organization_key(role.organization.parent_id))
    keys |= {event_key(presentation.event_id) for presentation in presentations}
    return keys - {source_key(None), organization_key(None)}


def organization_page_keys(organization, breadcrumb, children, participations, roles):
    keys = {organization_key(unit.pk) for unit in [organization, *breadcrumb, *children]}
    for row in [*participations, *roles]:
        keys |= {event_key(row.event_id), source_key(row.source_id)}
    keys |= {person_key(role.person_id) for role in roles}
    return keys - {source_key(None)}
