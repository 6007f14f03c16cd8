"""
The one definition of the event list's filters, used by the site's list form
(events/site/forms.py) and the API's `/api/events/` (events/opendata/api.py): the same names
and the same meaning everywhere.

- `q`: words, each found in any text the event's page shows (events/search/);
- `year`: the year the event started;
- `kind`, `mode`: the event's kind and attendance mode (`attendance_mode` is the API's older
  name for `mode`, still accepted);
- `organization`: an organization's slug; events it hosted or took any other part in;
- `topic`: a topic's slug;
- `series`: an event series' slug;
- `person`: a person's slug; events they had a role in or spoke at (the API and the follow
  feeds; the list page reaches a person's events from the person's page).
"""

from events.models import EventOrganization, Presentation, Role

NAMES = ("q", "year", "kind", "mode", "organization", "topic", "series", "person")
ALIASES = {"attendance_mode": "mode"}


def filter_events(
    events,
    q=None,
    year=None,
    kind=None,
    mode=None,
    organization=None,
    topic=None,
    series=None,
    person=None,
):
    """These events narrowed by each filter given (empty values are ignored)."""
    if q:
        events = events.search(q)
    if year:
        events = events.filter(start_date__year=year)
    if kind:
        events = events.filter(kind=kind)
    if mode:
        events = events.filter(attendance_mode=mode)
    if organization:
        taking_part = EventOrganization.objects.filter(organization__slug=organization)
        events = events.filter(pk__in=taking_part.values("event"))
    if topic:
        events = events.filter(topics__slug=topic)
    if series:
        events = events.filter(series__slug=series)
    if person:
        # One uncorrelated IN over a UNION, as EventQuerySet.people() (fast on both databases).
        took_part = (
            Role.objects.filter(person__slug=person)
            .order_by()
            .values("event_id")
            .union(Presentation.objects.filter(speakers__slug=person).order_by().values("event_id"))
        )
        events = events.filter(pk__in=took_part)
    return events
