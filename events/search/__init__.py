"""
The one search of the site: the event list, the API's `q`, feeds and any later caller get the
same events for the same words (`Event.objects.search(query)` calls `search_events`).

A word finds an event when it is in any text the event's page shows (texts.SEARCHED): the
event's own texts, its presentations and their key points, the titles its people held, their
names, the organizations they represented or that took part (and the organizations those are
part of: "Fudan" finds the events of Fudan University's institutes), and its topics; in either
language. Every word must be found, not necessarily in the same record. Those texts are kept
together, one document per event (documents.py), so that a search reads one indexed table
instead of a union of ids over nine.
"""

import functools
import re
import sqlite3

from django.db import connections, models
from django.db.models import F
from django.db.models.expressions import RawSQL

from events.models import EventSearchDocument

from .documents import bring_up_to_date

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


class StoredSearchVector(models.Expression):
    """The `search_vector` column that migrations 0004 and 0020 add on PostgreSQL (not a model
    field, so that other databases never select it), under whatever alias the query gives the
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


def search_events(events, query):
    """Events with every word of the query in a text their page shows (see the module).

    On PostgreSQL: full-text search (words match as prefixes) over the GIN-indexed vector of
    each event's search document, the events whose own title or description match best
    first. Elsewhere, and for Chinese, Japanese or Korean text, which the 'simple' parser
    cannot split into words: case-insensitive substring matching, in date order."""
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
    bring_up_to_date(events.db)

    def prefixes(joined_by):
        return SearchQuery(
            joined_by.join(f"'{word}':*" for word in words), search_type="raw", config="simple"
        )

    found = (
        EventSearchDocument.objects.alias(vector=StoredSearchVector())
        .filter(vector=prefixes(" & "))
        .values("event_id")
    )
    return (
        events.filter(pk__in=found)
        .annotate(search_rank=SearchRank(StoredSearchVector(), prefixes(" | ")))
        .order_by("-search_rank", "-start_date", "title")
    )


def substring_search(events, words):
    """Every word, as a case-insensitive substring, in the event's search document (the texts
    are joined by line breaks, which a word never holds, so a word is found in the document
    exactly when it is in one of the texts). On SQLite the trigram index of migration 0020,
    where there is one, narrows the documents to those holding the words of three letters or
    more first; the substring test still decides, so the index changes only the speed."""
    bring_up_to_date(events.db)
    found = EventSearchDocument.objects.all()
    indexed = [word for word in words if len(word) >= 3]
    if indexed and has_trigram_index(events.db):
        phrases = " ".join('"{}"'.format(word.replace('"', '""')) for word in indexed)
        found = found.filter(
            event_id__in=RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [phrases])
        )
    for word in words:
        found = found.filter(text__icontains=word)
    return events.filter(pk__in=found.values("event_id"))


FTS = "events_eventsearchdocument_fts"


@functools.cache
def sqlite_has_trigram():
    """True when this process's SQLite library has FTS5 with the trigram tokenizer (3.34 and
    later, built with FTS5): then migration 0020 made the index, with the same library."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


def has_trigram_index(using):
    return connections[using].vendor == "sqlite" and sqlite_has_trigram()
