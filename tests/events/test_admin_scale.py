"""The admin's change lists cost the same number of queries at any size, and the event
change form reads the records its autocomplete widgets show once per model."""

import pytest
from django.urls import reverse

from tests.factories import EventOrganizationFactory, RoleFactory

CHANGE_LISTS = [
    "admin:events_event_changelist",
    "admin:people_person_changelist",
    "admin:people_organization_changelist",
]


def fill(records):
    for _ in range(records):
        RoleFactory(event=EventOrganizationFactory().event)


def queries_for(admin_client, django_assert_max_num_queries, url, budget):
    admin_client.get(url)  # the session and the user, once
    with django_assert_max_num_queries(budget) as captured:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("name", CHANGE_LISTS)
def test_admin_change_list_queries_do_not_grow(admin_client, django_assert_max_num_queries, name):
    url = reverse(name)
    fill(2)
    small, _ = queries_for(admin_client, django_assert_max_num_queries, url, 10)
    fill(30)

    large, response = queries_for(admin_client, django_assert_max_num_queries, url, 10)

    assert large == small
    assert response.context["cl"].result_count >= 32


def test_admin_filtered_change_list_counts_its_rows_only(admin_client):
    fill(3)
    RoleFactory(event__title="Urban resilience forum")

    response = admin_client.get(reverse("admin:events_event_changelist"), {"q": "resilience"})

    assert response.context["cl"].result_count == 1
    # No second COUNT of every event (show_full_result_count = False).
    assert response.context["cl"].full_result_count is None
    assert "Urban resilience forum" in response.content.decode()


@pytest.mark.django_db
def test_unfiltered_list_of_a_large_table_says_its_total_is_an_estimate(admin_client, monkeypatch):
    from django.db import connection

    from people.editing import paginators

    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's")
    fill(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE", 1)  # as if the table were large
    url = reverse("admin:people_person_changelist")

    listed = admin_client.get(url).content.decode()
    filtered = admin_client.get(url, {"q": "Family"}).content.decode()

    assert "about 3 people" in " ".join(listed.split())
    assert "about" not in filtered.split('class="paginator"')[1].split("</p>")[0]
