"""
On PostgreSQL, a search document's text is kept out of the table's pages (in TOAST), and its
vector in them: a search reads only the vectors (the text is for SQLite's substring search
and for rebuilding), so a search for a word most events hold scans half the pages
(bench/README.md, fifth round, fourth run). A row past 2 kB is brought down to
toast_tuple_target by moving the text out first (its storage EXTERNAL, the vector's MAIN).
"""

from django.db import migrations

TABLE = "events_eventsearchdocument"
INDEX = "events_eventsearchdocument_search"
VECTOR = "strip(to_tsvector('simple'::regconfig, text))"


def rewritten(target, text_storage, vector_storage):
    def rewrite(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = {target})")
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN text SET STORAGE {text_storage}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")
        # Adding a stored generated column writes every row again, under the settings above.
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({VECTOR}) STORED"
        )
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE {vector_storage}"
        )
        schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin (search_vector)")
        schema_editor.execute(f"ANALYZE {TABLE}")

    return rewrite


class Migration(migrations.Migration):
    dependencies = [("events", "0026_issue19_kept_filter_choices")]

    operations = [
        migrations.RunPython(
            rewritten(1600, "EXTERNAL", "MAIN"),
            # Migration 0025's rows: whole in the pages up to the largest target.
            rewritten(8160, "EXTENDED", "EXTENDED"),
        )
    ]
