"""
On PostgreSQL, the search documents' vector keeps the words without their positions
(strip): the search matches words and ranks by the event's own vector (events_event), so
the positions were never read, and without them a document's row fits its page instead of
going to TOAST. A search for a word that most events hold reads every document: 2.5 times
faster so (bench/README.md, fifth round).
"""

from django.db import migrations

TABLE = "events_eventsearchdocument"
INDEX = "events_eventsearchdocument_search"


def vector_of(expression):
    def rebuild(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin (search_vector)")
        # The planner's figures for the new column, before the first search needs them.
        schema_editor.execute(f"ANALYZE {TABLE}")

    return rebuild


class Migration(migrations.Migration):
    dependencies = [("events", "0024_issue19_event_cards")]

    operations = [
        migrations.RunPython(
            vector_of("strip(to_tsvector('simple'::regconfig, text))"),
            vector_of("to_tsvector('simple'::regconfig, text)"),
        )
    ]
