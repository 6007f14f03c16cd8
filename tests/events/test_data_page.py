import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_data_page_links_every_format(client, shanghai):
    response = client.get(reverse("events:data"))

    content = response.content.decode()
    assert response.status_code == 200
    for name in [
        "data:calendar",
        "data:feed",
        "data:popolo",
        "data:events_csv",
        "data:people_csv",
        "data:organizations_csv",
        "data:roles_csv",
        "api:event-list",
        "api:schema",
    ]:
        assert f'href="{reverse(name)}"' in content, name
    assert reverse("data:event_jsonld", args=[shanghai.slug]) in content


def test_data_page_states_the_licence_from_the_settings(client, settings):
    settings.DATA_LICENCE_NAME = "CC0 1.0"
    settings.DATA_LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"

    response = client.get(reverse("events:data"))

    assert (
        '<a href="https://creativecommons.org/publicdomain/zero/1.0/" rel="license">CC0 1.0</a>'
        in response.content.decode()
    )


def test_data_page_shows_how_to_cite_a_record_with_its_public_address(client, settings, shanghai):
    settings.SITE_URL = "https://records.example.org"

    response = client.get(reverse("events:data"))

    assert "How to cite a record" in response.content.decode()
    assert f"https://records.example.org{shanghai.get_absolute_url()}" in response.content.decode()


def test_data_page_works_before_anything_is_published(client):
    response = client.get(reverse("events:data"))

    assert response.status_code == 200
    assert "How to cite a record" in response.content.decode()


def test_unknown_event_downloads_are_not_found(client):
    for name in ["data:event_ics", "data:event_jsonld"]:
        assert client.get(reverse(name, args=["no-such-event"])).status_code == 404
