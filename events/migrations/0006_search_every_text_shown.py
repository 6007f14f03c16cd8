"""
Full-text search reaches every text the event page shows (events/search.py, SEARCHED): the
event's audience and location, presentation summaries, key points, the titles people held
and topic names join the vectors of migration 0004. PostgreSQL only, like 0004: stored,
generated tsvector columns with a GIN index, kept up to date by the database on every write.
"""

from django.db import migrations


def both(*fields):
    return " || ' ' || ".join(
        f"coalesce({field}_{code}, '')" for field in fields for code in ("en", "zh_hans")
    )


COLUMNS = {
    "events_event": (
        f"setweight(to_tsvector('simple'::regconfig, {both('title')}), 'A') || "
        f"setweight(to_tsvector('simple'::regconfig, {both('description')}), 'B') || "
        f"setweight(to_tsvector('simple'::regconfig, {both('audience', 'location')}), 'C')"
    ),
    "events_presentation": f"to_tsvector('simple'::regconfig, {both('title', 'summary')})",
    "events_keypoint": f"to_tsvector('simple'::regconfig, {both('text')})",
    "events_role": f"to_tsvector('simple'::regconfig, {both('position_title')})",
    "events_topic": f"to_tsvector('simple'::regconfig, {both('name')})",
}
# What 0004 made, to go back to.
PREVIOUS = {
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
}


def replace_columns(schema_editor, columns):
    for table, expression in columns.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)"
        )


def add_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        replace_columns(schema_editor, COLUMNS)


def remove_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in COLUMNS.keys() - PREVIOUS.keys():
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    replace_columns(schema_editor, PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("events", "0005_order_by_english_columns")]

    operations = [migrations.RunPython(add_search_columns, remove_search_columns)]
