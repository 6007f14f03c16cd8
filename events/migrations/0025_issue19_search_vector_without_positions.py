"""
On PostgreSQL, the search documents' rows are kept whole in the table's pages:

- the vector keeps the words without their positions (strip): the search matches words and
  ranks by the event's own vector (events_event), so the positions were never read;
- rows are moved to TOAST only past a page's size (toast_tuple_target), not past 2 kB.

A search for a word that most events hold reads every document's vector: 30 ms → 10 ms at
10,000 events, where most rows had their vector in TOAST (bench/README.md, fifth round).
"""

from django.db import migrations

TABLE = "events_eventsearchdocument"
INDEX = "events_eventsearchdocument_search"
# The largest target PostgreSQL accepts with 8 kB pages.
WHOLE_ROWS = "toast_tuple_target = 8160"


def vector_of(expression, storage):
    def rebuild(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE {TABLE} {storage}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")
        # Rewrites the table, under the storage setting above.
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
            vector_of("strip(to_tsvector('simple'::regconfig, text))", f"SET ({WHOLE_ROWS})"),
            vector_of("to_tsvector('simple'::regconfig, text)", "RESET (toast_tuple_target)"),
        )
    ]
