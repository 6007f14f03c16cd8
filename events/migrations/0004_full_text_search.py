"""
Full-text search on PostgreSQL: a stored, generated tsvector column with a GIN index on the
tables the event search reads (events, presentations, people, organizations), both
languages' columns included. The database keeps the columns up to date on every write, so
no code path (admin, import, bulk loads) can forget to. The 'simple' configuration (no
stemming) because the text is in several languages and names must match as written.

Other databases (SQLite) get nothing: EventQuerySet.search falls back to icontains there.
The model state is untouched, so Django never selects these columns.
"""

from django.db import migrations

COLUMNS = {
    "events_event": (
        "setweight(to_tsvector('simple'::regconfig, coalesce(title_en, '') || ' ' || "
        "coalesce(title_zh_hans, '')), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, coalesce(description_en, '') || ' ' || "
        "coalesce(description_zh_hans, '')), 'B')"
    ),
    "events_presentation": (
        "to_tsvector('simple'::regconfig, coalesce(title_en, '') || ' ' || "
        "coalesce(title_zh_hans, ''))"
    ),
    "people_person": (
        "to_tsvector('simple'::regconfig, coalesce(given_name, '') || ' ' || "
        "coalesce(family_name, '') || ' ' || coalesce(native_name, ''))"
    ),
    "people_organization": (
        "to_tsvector('simple'::regconfig, coalesce(name_en, '') || ' ' || "
        "coalesce(name_zh_hans, '') || ' ' || coalesce(short_name_en, '') || ' ' || "
        "coalesce(short_name_zh_hans, ''))"
    ),
}


def add_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, expression in COLUMNS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)"
        )


def remove_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in COLUMNS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_editors_and_publishers_groups"),
        ("people", "0002_versions_and_history"),
    ]

    operations = [migrations.RunPython(add_search_columns, remove_search_columns)]
