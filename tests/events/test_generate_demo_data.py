"""The demo-data generator: repeatable, valid, clearly marked, and never mixed up with real
records."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from events.models import Citation, Event, Presentation, Role, Source
from people.models import Organization, Person

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("generate_demo_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot():
    """The generated records without database ids or creation times."""
    return {
        "events": list(
            Event.objects.order_by("slug").values_list(
                "slug", "title_en", "start_date", "start_time", "status", "participant_count"
            )
        ),
        "people": list(
            Person.objects.order_by("slug").values_list("slug", "native_name", "honorific")
        ),
        "organizations": list(
            Organization.objects.order_by("slug").values_list("slug", "name", "parent__slug")
        ),
        "roles": list(
            Role.objects.order_by("event__slug", "order").values_list(
                "event__slug", "person__slug", "kind", "organization__slug", "quote"
            )
        ),
        "presentations": list(
            Presentation.objects.order_by("event__slug", "order").values_list(
                "event__slug", "slug", "title_en"
            )
        ),
    }


def test_generate_demo_data_same_seed_gives_same_records():
    generate("--events", "30", "--people", "60", "--seed", "7")
    first = snapshot()

    generate("--events", "30", "--people", "60", "--seed", "7", "--replace")

    assert snapshot() == first


def test_generate_demo_data_other_seed_gives_other_records():
    generate("--events", "30", "--people", "60", "--seed", "7")
    first = snapshot()

    generate("--events", "30", "--people", "60", "--seed", "8", "--replace")

    assert snapshot()["events"] != first["events"]


def test_generate_demo_data_creates_the_counts_asked_for():
    generate("--events", "40", "--people", "100", "--seed", "1")

    assert Event.objects.count() == 40
    assert Person.objects.count() == 100
    for event in Event.objects.all():
        assert 3 <= event.roles.count() <= 12
        assert 1 <= event.presentations.count() <= 8
    assert Organization.objects.filter(parent__isnull=False).exists()


def test_generate_demo_data_records_are_marked_as_demo():
    generate("--events", "10", "--people", "30")

    assert Source.objects.filter(title="Demo data — not a real record").exists()
    assert all(
        title.startswith("Demo data — not a real record")
        for title in Source.objects.values_list("title", flat=True)
    )
    for model in (Event, Person, Organization, Source):
        assert not model.objects.exclude(slug__startswith="demo-").exists(), model


def test_generate_demo_data_sample_passes_full_validation():
    generate("--events", "25", "--people", "60", "--seed", "3")

    samples = [
        *Event.objects.all()[:10],
        *Person.objects.all()[:10],
        *Organization.objects.all()[:10],
        *Role.objects.select_related("source")[:30],
        *Presentation.objects.select_related("source")[:20],
        *Citation.objects.select_related("source")[:10],
    ]
    for record in samples:
        record.full_clean()
    assert Role.objects.exclude(quote="").exists()


def test_generate_demo_data_quotes_appear_in_their_source():
    generate("--events", "5", "--people", "30")

    for role in Role.objects.exclude(quote="").select_related("source"):
        assert role.quote in role.source.text


def test_generate_demo_data_drafts_stay_out_of_public_pages(client):
    generate("--events", "60", "--people", "120", "--draft-share", "0.5", "--seed", "2")
    draft = Event.objects.filter(status=Event.Status.DRAFT).first()
    published = Event.objects.published().first()

    assert client.get(draft.get_absolute_url()).status_code == 404
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert published.title in response.content.decode()


def test_generate_demo_data_refuses_to_run_twice_without_replace():
    generate("--events", "5", "--people", "30")

    with pytest.raises(CommandError, match="--replace"):
        generate("--events", "5", "--people", "30")
    assert Event.objects.count() == 5


def test_generate_demo_data_replace_keeps_real_records(shanghai):
    generate("--events", "5", "--people", "30")
    generate("--events", "3", "--people", "30", "--replace")

    assert Event.objects.filter(slug=shanghai.slug).exists()
    assert Event.objects.filter(slug__startswith="demo-").count() == 3


def test_generate_demo_data_delete_removes_every_demo_record(shanghai):
    real_people = Person.objects.count()
    generate("--events", "5", "--people", "30")

    generate("--delete")

    assert list(Event.objects.values_list("slug", flat=True)) == [shanghai.slug]
    assert Person.objects.count() == real_people
    assert not Source.objects.filter(slug__startswith="demo-").exists()


def test_generate_demo_data_quiet_when_not_on_a_terminal(capsys):
    out = generate("--events", "3", "--people", "20")

    assert "[" not in capsys.readouterr().err
    assert out.startswith("Created demo data (seed 1)")


def test_generate_demo_data_rejects_too_few_people():
    with pytest.raises(CommandError, match="at least 12"):
        generate("--events", "3", "--people", "5")


def test_generate_demo_data_never_in_the_real_fixture():
    fixture = Path(settings.BASE_DIR) / "events" / "fixtures" / "shanghai_webinar.json"

    records = json.loads(fixture.read_text())

    assert not any("demo-" in json.dumps(record) for record in records)
