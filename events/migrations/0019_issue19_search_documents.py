"""
One search document per event (events/search/documents.py), built here for the events already
stored. On PostgreSQL a stored, generated tsvector of it with a GIN index ('simple'
configuration, as the vectors of 0004 and 0006, which stay for ranking by the event's own
title and description).
"""

import django.db.models.deletion
from django.db import migrations, models

from events.search import documents


def add_vector(apps, schema_editor):
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


def build(apps, schema_editor):
    documents.rebuild_all(schema_editor.connection.alias, documents.Models(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0018_languages_of_sources_and_original_titles"),
        ("people", "0007_record_changes"),
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
        migrations.RunPython(add_vector, migrations.RunPython.noop),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
