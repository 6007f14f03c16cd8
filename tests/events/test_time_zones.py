"""Times as the source states them: zone abbreviations and offsets, a picker, the source's words."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.time_zones import (
    TimeZoneInput,
    picker_zones,
    utc_offset_label,
    validate_time_zone,
    zone_label,
    zones_abbreviated,
)
from tests.admin_forms import change_url, changeform_data
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("zone", "when", "label"),
    [
        ("America/New_York", datetime.datetime(2020, 6, 1, 7), "EDT, UTC−4"),
        ("America/New_York", datetime.datetime(2020, 1, 15, 7), "EST, UTC−5"),
        ("Asia/Kolkata", datetime.datetime(2021, 9, 9, 7), "IST, UTC+5:30"),
        ("Asia/Singapore", datetime.datetime(2021, 9, 9, 7), "UTC+8"),
        ("Europe/London", datetime.datetime(2021, 1, 9, 7), "GMT, UTC"),
    ],
)
def test_zone_label_is_the_abbreviation_and_offset_at_that_date(zone, when, label):
    assert zone_label(zone, when) == label


def test_offset_uses_a_true_minus_sign():
    assert utc_offset_label(datetime.timedelta(hours=-4)) == "UTC\u22124"


def test_event_page_shows_the_abbreviation_and_offset_on_the_events_day(client):
    event = EventFactory(
        start_date=datetime.date(2020, 6, 1),
        start_time=datetime.time(7),
        end_time=datetime.time(10, 20),
        time_zone="America/New_York",
    )

    page = client.get(event.get_absolute_url()).content.decode()

    assert "07:00–10:20 <abbr" in page
    assert ">EDT, UTC−4</abbr>" in page
    assert "(America/New_York)" not in page


def test_event_page_shows_the_time_as_the_source_states_it(client):
    event = EventFactory(
        start_time=datetime.time(21),
        time_zone="Asia/Shanghai",
        time_as_stated="21:00 Beijing / 9:00 New York / 15:00 Geneva",
    )

    page = client.get(event.get_absolute_url()).content.decode()
    api = client.get(reverse("api:event-detail", args=[event.slug])).json()

    assert "<q>21:00 Beijing / 9:00 New York / 15:00 Geneva</q>" in page
    assert api["time_as_stated"] == event.time_as_stated


def test_an_abbreviation_is_refused_with_the_zones_that_use_it():
    with pytest.raises(ValidationError) as refused:
        validate_time_zone("EDT")

    message = refused.value.messages[0]
    assert "abbreviation" in message
    assert "America/New_York" in message


def test_an_unknown_zone_is_refused_with_an_example():
    with pytest.raises(ValidationError, match="not an IANA time zone name"):
        validate_time_zone("Mars/Olympus")


def test_picker_finds_a_zone_by_city_and_by_either_seasons_abbreviation():
    labels = dict(picker_zones(2024))

    assert labels["America/New_York"] == "New York — EST/EDT, UTC−5/UTC−4"
    assert "America/New_York" in zones_abbreviated("edt", 2024)
    assert "US/Eastern" not in labels, "old aliases are not offered"


def test_admin_event_form_offers_the_zone_list_without_a_script(admin_client):
    event = EventFactory()

    page = admin_client.get(change_url(event)).content.decode()

    assert 'list="time-zone-choices"' in page
    assert '<option value="America/New_York" label="New York — EST/EDT, UTC−5/UTC−4">' in page


def test_admin_refuses_an_abbreviation_and_keeps_what_was_typed(admin_client):
    event = EventFactory()
    data = changeform_data(admin_client.get(change_url(event)))
    data.update(start_time="07:00", time_zone="EDT", time_as_stated="7 a.m. EDT")

    response = admin_client.post(change_url(event), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "is an abbreviation" in page
    assert 'value="7 a.m. EDT"' in page


def test_time_zone_widget_renders_one_datalist():
    html = TimeZoneInput().render("time_zone", "Asia/Shanghai")

    assert html.count("<datalist") == 1
    assert 'value="Asia/Shanghai"' in html
