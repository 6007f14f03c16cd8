import csv
import io

import pytest
from django.urls import reverse

from tests.factories import EventFactory, OrganizationFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


def read_csv(client, name):
    response = client.get(reverse(f"data:{name}_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.getvalue()
    assert content.startswith(b"\xef\xbb\xbf"), "a BOM, so spreadsheets read UTF-8"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_roles_csv_has_one_row_per_role_with_the_title_at_the_time(client, shanghai):
    rows = read_csv(client, "roles")

    assert len(rows) == 5
    chair = rows[0]
    assert chair["event"] == "advancing-smart-cities-2021-09-09"
    assert chair["person_name"] == "Adriana Alberti"
    assert chair["role"] == "chair"
    assert chair["title_at_the_time"] == (
        "Chief of Programme Management and Capacity Building Unit, "
        "Division for Public Institutions and Digital Government, UN DESA"
    )
    assert chair["organization"] == "un-desa-dpidg"
    assert chair["source"].startswith("Report: Professor Yijia Jing")


def test_events_csv_keeps_the_count_qualifier_and_the_date_only_date(client, shanghai):
    (row,) = read_csv(client, "events")

    assert row["participant_count"] == "200"
    assert row["participant_count_qualifier"] == "more-than"
    assert row["participants_as_reported"] == "more than 200"
    assert row["start_date"] == "2021-09-09"
    assert row["start_time"] == ""
    assert row["organizer"] == "United Nations Department of Economic and Social Affairs"


def test_people_and_organizations_csv_keep_chinese_characters(client):
    RoleFactory(
        person=PersonFactory(native_name="王小明", family_name="王"),
        organization=OrganizationFactory(name="复旦大学国际关系与公共事务学院"),
    )

    people = read_csv(client, "people")
    organizations = read_csv(client, "organizations")

    assert people[0]["native_name"] == "王小明"
    assert people[0]["family_name"] == "王"
    assert "复旦大学国际关系与公共事务学院" in {row["name"] for row in organizations}


def test_csv_files_start_with_a_header_row(client, shanghai):
    for name, first_column in [
        ("events", "slug"),
        ("people", "slug"),
        ("organizations", "slug"),
        ("roles", "event"),
    ]:
        response = client.get(reverse(f"data:{name}_csv"))
        header = next(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        assert header[0] == first_column


def test_csv_files_leave_out_drafts(client):
    published = RoleFactory()
    draft = RoleFactory(event=EventFactory(draft=True))

    roles = read_csv(client, "roles")
    people = read_csv(client, "people")
    events = read_csv(client, "events")

    assert {row["event"] for row in roles} == {published.event.slug}
    assert draft.person.slug not in {row["slug"] for row in people}
    assert {row["slug"] for row in events} == {published.event.slug}


@pytest.mark.parametrize("roles", [1, 10])
def test_roles_csv_queries_do_not_grow_with_roles(client, django_assert_num_queries, roles):
    for _ in range(roles):
        RoleFactory(organization=OrganizationFactory(parent=OrganizationFactory()))

    with django_assert_num_queries(2):
        content = client.get(reverse("data:roles_csv")).getvalue()

    assert content.count(b"\n") == roles + 1


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_text_that_starts_like_a_formula_is_kept_as_text(client, start):
    title = f'{start}HYPERLINK("http://attacker.example/","Click")'
    RoleFactory(
        event=EventFactory(title=title),
        person=PersonFactory(family_name=f"{start}cmd|' /C calc'!A0"),
        organization=OrganizationFactory(name=f"{start}1+1"),
        position_title=f"{start}SUM(A1:A9)",
    )

    events = read_csv(client, "events")
    people = read_csv(client, "people")
    organizations = read_csv(client, "organizations")
    roles = read_csv(client, "roles")

    # The apostrophe makes a spreadsheet show the cell as text; the words stay whole.
    assert events[0]["title"] == "'" + title
    assert people[0]["family_name"] == f"'{start}cmd|' /C calc'!A0"
    assert f"'{start}1+1" in {row["name"] for row in organizations}
    assert roles[0]["position_title"] == f"'{start}SUM(A1:A9)"
    assert roles[0]["organization_name"] == f"'{start}1+1"


def test_csv_numbers_and_ordinary_text_are_not_escaped(client, shanghai):
    (row,) = read_csv(client, "events")

    assert row["participant_count"] == "200"
    assert not row["title"].startswith("'")
    assert not any(value.startswith("'") for value in row.values())
