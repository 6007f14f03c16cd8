"""
Time zones as readers and sources name them: IANA names stored, abbreviations and UTC offsets
shown (“EDT, UTC−4”), and a picker that finds a zone by city or abbreviation.
"""

import datetime
import functools
import pathlib
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

DATALIST_ID = "time-zone-choices"

# Aliases kept only for old systems (US/Eastern, EST5EDT, Etc/GMT+5…): the picker offers the
# zones a source would name by a city.
LEGACY_PREFIXES = ("Etc/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "SystemV/")


def utc_offset_label(offset):
    """“UTC−4”, “UTC+5:30”, “UTC” (a true minus sign, as typography wants)."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(name, when):
    """“EDT, UTC−4” for a zone at a moment; “UTC+8” alone where the zone has no letters of its
    own (tz data writes “+08” for many zones)."""
    moment = when.replace(tzinfo=zoneinfo.ZoneInfo(name))
    abbreviation = moment.tzname() or ""
    offset = utc_offset_label(moment.utcoffset())
    if not abbreviation.isalpha() or abbreviation == "UTC":
        return offset
    return f"{abbreviation}, {offset}"


@functools.cache
def known_zones():
    """The zone names of the system's tz database; reading them walks the whole database,
    which is why they are read once per process."""
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def picker_zones(year):
    """(name, label) for every city zone: “America/New_York”, “New York — EST/EDT, UTC−5/−4”.
    The label holds the abbreviations of winter and summer, so typing either finds it."""
    choices = []
    for name in sorted(known_zones()):
        if "/" not in name or name.startswith(LEGACY_PREFIXES):
            continue
        seasons = [
            datetime.datetime(year, 1, 15, 12).replace(tzinfo=zoneinfo.ZoneInfo(name)),
            datetime.datetime(year, 7, 15, 12).replace(tzinfo=zoneinfo.ZoneInfo(name)),
        ]
        abbreviations = dict.fromkeys(
            moment.tzname() for moment in seasons if (moment.tzname() or "").isalpha()
        )
        offsets = dict.fromkeys(utc_offset_label(moment.utcoffset()) for moment in seasons)
        city = name.rsplit("/", 1)[-1].replace("_", " ")
        parts = ["/".join(abbreviations), "/".join(offsets)]
        choices.append((name, f"{city} — " + ", ".join(part for part in parts if part)))
    return tuple(choices)


@functools.cache
def principal_zones():
    """Zones that tz data describes as a whole country or its main area (zone.tab): the ones
    to suggest first, before a region's own zone or an old alias (America/Fort_Wayne)."""
    for directory in zoneinfo.TZPATH:
        path = pathlib.Path(directory) / "zone.tab"
        if path.exists():
            break
    else:
        return frozenset()
    principal = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 3:
            continue
        comment = fields[3] if len(fields) > 3 else ""
        if not comment or "most areas" in comment:
            principal.add(fields[2])
    return frozenset(principal)


def zones_abbreviated(abbreviation, year=None):
    """City zones that use an abbreviation, principal zones first (“EDT” → America/Detroit,
    America/Nassau, America/New_York, America/Toronto…)."""
    year = year or datetime.date.today().year
    wanted = abbreviation.strip().upper()
    found = [
        name
        for name, label in picker_zones(year)
        if wanted in label.split(" — ", 1)[1].split(", ")[0].split("/")
    ]
    principal = principal_zones()
    return sorted(found, key=lambda name: (name not in principal, name.count("/")))


def validate_time_zone(value):
    if not value or value in known_zones():
        return
    suggestions = zones_abbreviated(value)
    if suggestions:
        raise ValidationError(
            _(
                "“%(value)s” is an abbreviation, which several zones share and which changes "
                "with summer time. Pick the zone of the place, such as %(zones)s."
            ),
            params={"value": value, "zones": ", ".join(suggestions[:6])},
        )
    raise ValidationError(
        _("“%(value)s” is not an IANA time zone name, such as Asia/Shanghai."),
        params={"value": value},
    )


class TimeZoneInput(forms.TextInput):
    """A text input with a list of every city zone: browsers suggest zones as the editor types a
    city, a zone name or an abbreviation (no script, so the admin's CSP holds)."""

    def __init__(self, attrs=None):
        super().__init__({"list": DATALIST_ID, "autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join(
            "",
            '<option value="{}" label="{}"></option>',
            picker_zones(datetime.date.today().year),
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            DATALIST_ID,
            options,
        )


class TimeZoneField(models.CharField):
    """An IANA time zone name, picked by city or abbreviation in forms."""

    default_validators = [validate_time_zone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        # Also in the admin, whose default widget for any CharField would replace this one.
        return super().formfield(
            **{**kwargs, "widget": TimeZoneInput(attrs={"class": "vTextField"})}
        )
