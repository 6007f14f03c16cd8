"""
The one search of the site: the event list, the API's `q`, feeds and any later caller get the
same events for the same words (`Event.objects.search(query)` calls `search_events`).

A word finds an event when it is in any text the event's page shows (`SEARCHED`): the event's
own texts, its presentations and their key points, the titles its people held, their names,
the organizations they represented or that took part (and the organizations those are part
of: "Fudan" finds the events of Fudan University's institutes), and its topics; in either
language. Every word must be found, not necessarily in the same record.
"""

import re
from functools import reduce
from operator import or_

from django.db import connections, models
from django.db.models import F, Q

from people.models import Organization, Person

from .models import Event, EventOrganization, KeyPoint, Presentation, Role, Topic

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


class StoredSearchVector(models.Expression):
    """The `search_vector` column that migration 0004 adds on PostgreSQL (not a model field,
    so that other databases never select it), under whatever alias the query gives the
    model's table."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        resolved = self.copy()
        resolved.pk_column = F("pk").resolve_expression(query, allow_joins, reuse, summarize)
        return resolved

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.pk_column)
        table = sql.rsplit(".", 1)[0]
        return f"{table}.search_vector", params


# The texts searched, per model, in every language of the site (migration 0006 keeps a
# full-text vector of the same columns on PostgreSQL).
SEARCHED = {
    Event: ["title", "description", "audience", "location"],
    Presentation: ["title", "summary"],
    KeyPoint: ["text"],
    Role: ["position_title"],
    Person: ["given_name", "family_name", "native_name"],
    Organization: ["name", "short_name"],
    Topic: ["name"],
}
UNTRANSLATED = {"given_name", "family_name", "native_name"}


def searched_columns(model):
    columns = []
    for field in SEARCHED[model]:
        if field in UNTRANSLATED:
            columns.append(field)
        else:
            columns += [f"{field}_en", f"{field}_zh_hans"]
    return columns


def with_units_below(organizations):
    """These organizations and every unit below them (a title names the unit and its parent)."""
    matched = organizations.order_by().values("pk")
    below = Q(pk__in=matched)
    for depth in range(1, Organization.MAX_DEPTH):
        below |= Q(**{"__".join(["parent"] * depth) + "__in": matched})
    return Organization.objects.filter(below)


def events_reached(found):
    """The pks of the events that show any of the records found ({model: queryset}): one
    uncorrelated UNION of ids, each part found by index (a correlated condition per event
    re-scans every event's roles and speakers, and an OR of two IN lists stops PostgreSQL
    from using a semi-join)."""
    people = found[Person].order_by().values("pk")
    organizations = with_units_below(found[Organization]).order_by().values("pk")
    return (
        found[Event]
        .order_by()
        .values("pk")
        .union(
            found[Presentation].order_by().values("event_id"),
            found[KeyPoint].order_by().values("presentation__event_id"),
            found[Role].order_by().values("event_id"),
            Role.objects.filter(person__in=people).order_by().values("event_id"),
            Role.objects.filter(organization__in=organizations).order_by().values("event_id"),
            Presentation.speakers.through.objects.filter(person__in=people)
            .order_by()
            .values("presentation__event_id"),
            EventOrganization.objects.filter(organization__in=organizations)
            .order_by()
            .values("event_id"),
            Event.topics.through.objects.filter(topic__in=found[Topic].order_by().values("pk"))
            .order_by()
            .values("event_id"),
        )
    )


def search_events(events, query):
    """Events with every word of the query in a text their page shows (see the module).

    On PostgreSQL: full-text search (words match as prefixes) over the stored, GIN-indexed
    vectors of migrations 0004 and 0006, the events whose own title or description match
    best first. Elsewhere, and for Chinese, Japanese or Korean text, which the 'simple'
    parser cannot split into words: case-insensitive substring matching, in date order."""
    words = query.split()[:10]
    if not words:
        return events
    if connections[events.db].vendor == "postgresql" and not CJK.search(query):
        return full_text_search(events, words)
    return substring_search(events, words)


def full_text_search(events, words):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    # Letters and digits only: punctuation never reaches the query parser.
    words = re.findall(r"\w+", " ".join(words))
    if not words:
        return events.none()

    def prefix(word):
        return SearchQuery(f"'{word}':*", search_type="raw", config="simple")

    for word in words:
        wanted = prefix(word)
        found = {
            model: model.objects.alias(vector=StoredSearchVector()).filter(vector=wanted)
            for model in SEARCHED
        }
        events = events.filter(pk__in=events_reached(found))
    any_word = SearchQuery(
        " | ".join(f"'{word}':*" for word in words), search_type="raw", config="simple"
    )
    return events.annotate(search_rank=SearchRank(StoredSearchVector(), any_word)).order_by(
        "-search_rank", "-start_date", "title"
    )


def substring_search(events, words):
    """Every word, as a case-insensitive substring, in the same texts as the full-text
    search, the events reached as in `full_text_search` (one UNION of ids per word, not a
    condition per event: bench/README.md has the timings)."""
    for word in words:
        found = {
            model: model.objects.filter(
                reduce(
                    or_, (Q(**{f"{column}__icontains": word}) for column in searched_columns(model))
                )
            )
            for model in SEARCHED
        }
        events = events.filter(pk__in=events_reached(found))
    return events
