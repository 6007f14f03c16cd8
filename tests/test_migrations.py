"""
Every migration of the project's apps can be rolled back and applied again, on whichever
database the suite runs (CI runs it on SQLite and PostgreSQL).
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The project's own apps, and the installed apps whose tables they own data in. Rolling
# people back one step at a time unapplies every events migration too, one at a time, newest
# first (events builds on people from its first migration), so events needs no run of its
# own: it took a third of this file's time.
ROLLED_BACK_APPS = ["people", "axes"]

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]


def app_migrations_newest_first(loader, app):
    """The app's migrations in the order a step-by-step rollback unapplies them."""
    plan = loader.graph.forwards_plan(next(n for n in loader.graph.leaf_nodes() if n[0] == app))
    return [node for node in reversed(plan) if node[0] == app]


def tables():
    return set(connection.introspection.table_names())


@pytest.mark.parametrize("app", ROLLED_BACK_APPS)
def test_migrations_roll_back_one_by_one_and_apply_again(app):
    executor = MigrationExecutor(connection)
    steps = app_migrations_newest_first(executor.loader, app)
    assert steps, f"{app} has no migrations"

    # Each step unapplies exactly one migration: the target is the one before it.
    for target in [name for _app, name in steps[1:]] + ["zero"]:
        call_command("migrate", app, target, verbosity=0)
    assert not any(table.startswith(f"{app}_") for table in tables())

    call_command("migrate", verbosity=0)

    assert any(table.startswith(f"{app}_") for table in tables())
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_migrations_roll_back_with_the_shanghai_record_loaded():
    call_command("loaddata", "shanghai_webinar", verbosity=0)

    call_command("migrate", "people", "zero", verbosity=0)
    call_command("migrate", verbosity=0)

    assert "events_event" in tables()


def test_quote_offsets_migration_stores_existing_quotes_in_the_sources_wording():
    executor = MigrationExecutor(connection)
    executor.migrate([("events", "0006_search_every_text_shown")])
    old = executor.loader.project_state([("events", "0006_search_every_text_shown")]).apps
    source = old.get_model("events", "Source").objects.create(
        title="Report", slug="report", text="It was “one-stop”—and praised.\nThen more."
    )
    event = old.get_model("events", "Event").objects.create(
        title="Webinar", slug="webinar", start_date="2021-09-09", end_date="2021-09-09"
    )
    event.sources.add(source)
    citation = old.get_model("events", "Citation").objects.create(
        event=event, fact="description", source=source, quote='"one-stop"-and\r\n praised.'
    )
    presentation = old.get_model("events", "Presentation").objects.create(
        event=event, title="Talk", slug="talk", order=1, qa_quote="Then  more."
    )

    call_command("migrate", "events", verbosity=0)

    from events.models import Citation, Presentation

    citation = Citation.objects.get(pk=citation.pk)
    assert citation.quote == "“one-stop”—and praised."
    assert (citation.quote_start, citation.quote_end) == (7, 30)
    presentation = Presentation.objects.get(pk=presentation.pk)
    assert presentation.source_id == source.pk
    assert presentation.qa_quote == "Then more."


def test_line_breaks_migration_keeps_each_quote_on_its_passage():
    before = [("events", "0019_18_published_versions")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    text = "First line.\r\nSecond line.\r\nIt was held online."
    source = old.get_model("events", "Source").objects.create(
        title="Report", slug="report", text=text
    )
    event = old.get_model("events", "Event").objects.create(
        title="Webinar", slug="webinar", start_date="2021-09-09", end_date="2021-09-09"
    )
    start = text.index("Second")
    citation = old.get_model("events", "Citation").objects.create(
        event=event,
        fact="description",
        source=source,
        quote="Second line.\r\nIt was held online.",
        quote_start=start,
        quote_end=len(text),
    )

    call_command("migrate", "events", verbosity=0)

    from events.models import Citation, Source

    text = Source.objects.get(pk=source.pk).text
    assert text == "First line.\nSecond line.\nIt was held online."
    citation = Citation.objects.get(pk=citation.pk)
    assert text[citation.quote_start : citation.quote_end] == citation.quote
    assert citation.quote == "Second line.\nIt was held online."
