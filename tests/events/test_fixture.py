"""The Shanghai record: it loads cleanly, reloads idempotently, and invents nothing."""

import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from events.models import Citation, Event, EventOrganization, KeyPoint, Presentation, Role
from people.models import Organization, Person
from tests.factories import EventFactory, OrganizationFactory, PersonFactory, RoleFactory

SOURCE_FILE = Path(settings.BASE_DIR).parent / "shared" / "source" / "webinar-2021-09-09.txt"
RECORD_APPS = ["people", "events"]


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for app in RECORD_APPS
        for model in apps.get_app_config(app).get_models()
    }


def dump():
    """The records as dumpdata writes them, without the site's derived state (cache
    generations, kept pages, search documents), which a load is right to renew."""
    derived = [
        model._meta.label_lower
        for app in RECORD_APPS
        for model in apps.get_app_config(app).get_models()
        if getattr(model, "is_cache_state", False)
    ]
    out = io.StringIO()
    call_command(
        "dumpdata",
        *RECORD_APPS,
        exclude=derived,
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_fixture_loads_the_whole_record(shanghai):
    assert shanghai.is_published
    assert Person.objects.count() == 5
    assert Role.objects.filter(event=shanghai).count() == 5
    assert Presentation.objects.filter(event=shanghai).count() == 4
    assert KeyPoint.objects.filter(presentation__event=shanghai).count() == 3
    assert shanghai.sources.count() == 1


def test_fixture_loaded_twice_changes_no_row(shanghai):
    before = row_counts()
    before_dump = dump()

    call_command("loaddata", "shanghai_webinar", verbosity=0)

    assert row_counts() == before
    assert dump() == before_dump


def test_fixture_loads_beside_other_records(db):
    other_event = EventFactory(slug="another-event")
    RoleFactory(event=other_event, person=PersonFactory(slug="someone-else"))
    OrganizationFactory(slug="another-org")
    before = row_counts()

    call_command("loaddata", "shanghai_webinar", verbosity=0)

    assert Event.objects.filter(slug="another-event").exists()
    assert Event.objects.count() == before["events.Event"] + 1
    assert Person.objects.count() == before["people.Person"] + 5
    assert Organization.objects.count() == before["people.Organization"] + 8


def test_dump_flush_load_reproduces_the_record_exactly(shanghai):
    first = dump()

    call_command("flush", interactive=False, verbosity=0)
    assert Event.objects.count() == 0
    call_command("loaddata", "shanghai_webinar", verbosity=0)

    assert dump() == first


def test_every_fact_passes_model_validation(shanghai):
    for model in [Organization, Person, Event, Role, Presentation, KeyPoint, EventOrganization]:
        for obj in model.objects.all():
            obj.full_clean()


def test_every_quoted_passage_is_in_the_source_text(shanghai):
    source_text = shanghai.sources.get().text
    cited = [
        *Role.objects.all(),
        *Presentation.objects.all(),
        *KeyPoint.objects.all(),
        *EventOrganization.objects.all(),
        *Citation.objects.all(),
    ]
    assert len(cited) == 23
    for fact in cited:
        assert fact.quote, f"{fact!r} has no evidence"
        assert fact.quote in source_text, f"{fact!r} quotes words the source does not have"
    for presentation in Presentation.objects.filter(qa_followed=True):
        assert presentation.qa_quote in source_text


@pytest.mark.skipif(not SOURCE_FILE.exists(), reason="shared/source is not beside the project")
def test_the_stored_source_is_the_shared_source_text(shanghai):
    assert shanghai.sources.get().text == SOURCE_FILE.read_text(encoding="utf-8")


def test_nothing_is_invented(shanghai):
    assert shanghai.start_time is None and shanghai.end_time is None
    assert shanghai.time_zone == ""
    assert shanghai.location == "" and shanghai.language == ""
    for presentation in shanghai.presentations.all():
        assert presentation.start_time is None
        assert presentation.material_url == "" and not presentation.material_file
    for person in Person.objects.all():
        assert person.website == "" and not person.portrait and person.native_name == ""
    for organization in Organization.objects.all():
        assert organization.website == "" and not organization.logo
        assert organization.country == ""
    source = shanghai.sources.get()
    assert source.url == "" and source.publisher == "" and source.published_on is None


def test_organizations_keep_their_parents(shanghai):
    parents = {
        org.name: org.parent.name if org.parent else None for org in Organization.objects.all()
    }
    assert parents["Division for Public Institutions and Digital Government"] == (
        "United Nations Department of Economic and Social Affairs"
    )
    assert parents["Institute for Global Public Policy"] == "Fudan University"
    assert parents["General Office of Shanghai Municipal Government"] == (
        "Shanghai Municipal Government"
    )


def test_roles_hold_the_titles_of_the_time(shanghai):
    titles = {
        (role.person.name, role.kind): role.title_at_the_time
        for role in shanghai.roles.select_related("person", "organization__parent")
    }
    assert titles == {
        ("Adriana Alberti", "chair"): "Chief of Programme Management and Capacity Building "
        "Unit, Division for Public Institutions and Digital Government, UN DESA",
        ("Elliott Harris", "opening-remarks"): "Assistant Secretary General for Economic "
        "Development and Chief Economist, UN DESA",
        ("Zongyao Zhu", "opening-remarks"): "Deputy Director, General Office of Shanghai "
        "Municipal Government",
        ("Zhen Wang", "opening-remarks"): "Vice President, Shanghai Academy of Social Sciences",
        ("Yijia Jing", "keynote-speaker"): "Professor, Institute for Global Public Policy, "
        "Fudan University",
    }
