"""
Every named URL pattern of the site, turned into a concrete address from the data in the
database (normally the Shanghai fixture), so that header, bad-input and draft-leak tests cover
new pages as soon as they are added to the URLconf.

Arguments come from, in order: SAMPLE_KWARGS below; the get_absolute_url() of one object of
each model; for the admin, one object of the model; otherwise the arguments of the object
page whose URL name shares a word and the argument names (`data:event_ics` borrows the slug
of `events:detail`). A pattern still unfilled is listed in `unfilled` and the tests fail on
it, so a new pattern gets an entry in SAMPLE_KWARGS.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse


# Arguments for patterns that no model's get_absolute_url() reaches, by URL name. A value may
# be a callable, called with no arguments once the database is ready.
def _published_person_entity_id():
    return f"person:{_published_person_slug()}"


def _published_person_slug():
    from events.models import Event

    person = Event.objects.published().people().order_by("pk").first()
    return person.slug if person else "no-published-person"


def _published_series_slug():
    # The Shanghai record belongs to no series: without one, an address that answers 404.
    from events.models import EventSeries

    series = EventSeries.objects.published().order_by("pk").first()
    return series.slug if series else "no-published-series"


def _published_topic_slug():
    from events.models import Event

    topic = Event.objects.published().topics_used().order_by("pk").first()
    return topic.slug if topic else "no-published-topic"


def first_fact():
    """A published event with a fact that quotes its evidence, and that fact's anchor."""
    from events.models import Citation, Event
    from events.opendata.facts import fact_anchor

    citation = Citation.objects.filter(event__in=Event.objects.published()).exclude(quote="")
    citation = citation.select_related("event").first()
    if citation is None:
        return {"slug": "no-event", "anchor": "fact-date"}
    return {"slug": citation.event.slug, "anchor": fact_anchor(citation)}


def first_version():
    """The first public version of a published event (every published event has one)."""
    from events.models import Event

    event = Event.objects.published().first()
    return {"slug": event.slug if event else "no-event", "number": 1}


# Patterns whose arguments name no record. The sitemap's parts are walked one by one in
# tests/test_draft_leaks.py; the walk itself takes the people part, where a person shared
# with a draft is listed. A dump's files are walked with a name no dump has (404);
# tests/events/test_dumps.py reads real dumps and checks they hold no draft.
SAMPLE_KWARGS = {
    "api:event-fact": first_fact,
    "events:event_version": first_version,
    "sitemap_section": {"section": "people"},
    "data:dump_file": {"name": "2026-01-01T000000Z", "filename": "datapackage.json"},
    "reconciliation:view": lambda: {"entity_id": _published_person_entity_id()},
    "events:series": lambda: {"slug": _published_series_slug()},
    "data:series_feed": lambda: {"slug": _published_series_slug()},
    "data:series_calendar": lambda: {"slug": _published_series_slug()},
    "data:person_feed": lambda: {"slug": _published_person_slug()},
    "data:person_calendar": lambda: {"slug": _published_person_slug()},
    "data:topic_feed": lambda: {"slug": _published_topic_slug()},
    "data:topic_calendar": lambda: {"slug": _published_topic_slug()},
}


@dataclass(frozen=True)
class SiteURL:
    name: str
    url: str
    admin: bool

    def __str__(self):
        return f"{self.name} {self.url}"


def named_patterns(resolver=None, namespace=""):
    """(qualified name, URLPattern) for every named pattern, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def pattern_arguments(pattern):
    regex = pattern.pattern.regex
    if regex.groups and not regex.groupindex and "history" in regex.pattern:
        # simple_history's admin pattern takes (object_id, history_id) positionally.
        return {"object_id", "history_id"}
    return set(regex.groupindex)


def kwargs_from_objects():
    """URL name -> kwargs, from the get_absolute_url() of one object of every model."""
    found = {}
    for model in apps.get_models():
        if not hasattr(model, "get_absolute_url"):
            continue
        for obj in model._default_manager.all()[:1]:
            match = resolve(obj.get_absolute_url().split("?")[0])
            found.setdefault(match.view_name, match.kwargs)
    return found


def admin_kwargs(name, arguments):
    """Arguments for the admin's own patterns: app lists and one object of each model."""
    kwargs = {}
    model = None
    parts = name.removeprefix("admin:").split("_")
    # Admin URL names are <app>_<model>_<view>, where the view may have several words
    # ("simple_history"), so try every split.
    candidates = (
        ("_".join(parts[:length]), "_".join(parts[length:end]))
        for length in range(1, len(parts))
        for end in range(len(parts) - 1, length, -1)
    )
    for label, model_name in candidates:
        try:
            model = apps.get_model(label, model_name)
            break
        except (LookupError, ValueError):
            continue
    if "app_label" in arguments:
        kwargs["app_label"] = "events"
    for key in ("object_id", "id", "pk"):
        if key in arguments:
            obj = model._default_manager.first() if model else None
            kwargs[key] = str(obj.pk) if obj else "1"
    if "history_id" in arguments:
        history = getattr(model, "history", None)
        record = history.first() if history is not None else None
        kwargs["history_id"] = str(record.history_id) if record else "1"
    if "change_id" in arguments:
        from people.editing.changes import RecordChange

        change = RecordChange.objects.first()
        kwargs["change_id"] = change.pk if change else 1
    if "revision_id" in arguments:
        # A change pending review, on the page of the record it is about (or a 404).
        from people.editing.revisions import PendingRevision

        revision = PendingRevision.objects.filter(content_type__model=model_name).first()
        kwargs["revision_id"] = revision.pk if revision else 1
        if revision:
            kwargs["object_id"] = str(revision.object_id)
    if "content_type_id" in arguments:
        from events.models import Event

        kwargs["content_type_id"] = ContentType.objects.get_for_model(Event).pk
        kwargs["object_id"] = str(Event.objects.first().pk)
    return kwargs


def name_words(name):
    return set(re.split(r"[:_\-]", name.replace("people", "person").replace("events", "event")))


def borrowed_kwargs(name, arguments, from_objects):
    """
    Arguments for a pattern no object reaches directly (an export or API address of an event,
    say), borrowed from the object page whose URL name shares most words with it and takes
    the same arguments: `data:event_ics` borrows `events:detail`'s slug.
    """
    wanted = arguments - {"format"}
    candidates = sorted(
        (
            (len(name_words(name) & name_words(other)), other, kwargs)
            for other, kwargs in from_objects.items()
            if set(kwargs) == wanted
        ),
        key=lambda candidate: -candidate[0],
    )
    for score, _other, kwargs in candidates:
        if score == 0:
            break
        kwargs = {**kwargs, **({"format": "json"} if "format" in arguments else {})}
        try:
            reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        return kwargs
    return None


def concrete_urls():
    """(urls, unfilled): a SiteURL for every named pattern, and names that could not be filled."""
    from_objects = kwargs_from_objects()
    urls, unfilled = [], []
    for name, pattern in named_patterns():
        arguments = pattern_arguments(pattern)
        if name in SAMPLE_KWARGS:
            sample = SAMPLE_KWARGS[name]
            kwargs = sample() if callable(sample) else sample
        elif not arguments:
            kwargs = {}
        elif name in from_objects:
            kwargs = from_objects[name]
        elif name.startswith("admin:"):
            kwargs = admin_kwargs(name, arguments)
        else:
            kwargs = borrowed_kwargs(name, arguments, from_objects)
        positional = pattern.pattern.regex.groups and not pattern.pattern.regex.groupindex
        try:
            if kwargs is None:
                url = None
            elif positional:
                url = reverse(name, args=[kwargs[key] for key in ("object_id", "history_id")])
            else:
                url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            url = None
        if url is None:
            unfilled.append(name)
        else:
            urls.append(SiteURL(name, url, admin=name.startswith("admin:")))
    return urls, unfilled


def public_urls():
    """The URLs a reader can reach without signing in (everything outside the admin)."""
    urls, unfilled = concrete_urls()
    return [u for u in urls if not u.admin], unfilled


def admin_login_url():
    return reverse("admin:login")


ADMIN_PREFIX = "/" + settings.ADMIN_URL
