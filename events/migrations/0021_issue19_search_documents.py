"""
One search document per event (events/search/documents.py), built here for the events already
stored. On PostgreSQL a stored, generated tsvector of it with a GIN index ('simple'
configuration, as the vectors of 0004 and 0006, which stay for ranking by the event's own
title and description). On SQLite, where the library has FTS5's trigram tokenizer, a
full-text index of it (external content, kept by triggers) that finds substrings of three
letters or more.
"""

import django.db.models.deletion
from django.db import migrations, models

from events.search import FTS, documents, sqlite_has_trigram


SQLITE_INDEX = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(text, content='events_eventsearchdocument', "
    "content_rowid='event_id', tokenize='trigram')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON events_eventsearchdocument BEGIN "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.event_id, new.text); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON events_eventsearchdocument BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.event_id, old.text); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE ON events_eventsearchdocument BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.event_id, old.text); "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.event_id, new.text); END",
]


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        add_sqlite_index(schema_editor)
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE events_eventsearchdocument ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX events_eventsearchdocument_search ON events_eventsearchdocument "
        "USING gin (search_vector)"
    )


def add_sqlite_index(schema_editor):
    if not sqlite_has_trigram():
        return  # No FTS5 or no trigram tokenizer (SQLite before 3.34): the search scans.
    for statement in SQLITE_INDEX:
        schema_editor.execute(statement)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


def build(apps, schema_editor):
    documents.rebuild_all(schema_editor.connection.alias, documents.Models(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0020_issue13_plain_line_breaks"),
        ("people", "0008_issue14_pending_revisions"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventSearchDocument",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                ("text", models.TextField(verbose_name="searched text")),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
            },
        ),
        migrations.RunPython(add_index, remove_index),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
