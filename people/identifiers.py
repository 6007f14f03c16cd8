"""
Identifiers that join a person or an organization to the rest of the world's data: ORCID,
ISNI, ROR and Wikidata.

Each scheme knows how to read what an editor pastes (the bare identifier, spaced or not, or
its address), how to check it (format and check digit: python-stdnum where it knows the
scheme, ISO 7064 from python-stdnum for ORCID and ROR, a format rule for Wikidata, which has
no check digit), how to write it and its address. The exports (schema.org ``sameAs`` and
``identifier``, Popolo ``identifiers``, the API, the CSV) and the pages read them from here.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from stdnum import isni
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_11_2, mod_97_10

CROCKFORD_BASE32 = "0123456789abcdefghjkmnpqrstvwxyz"


def _strip(value, *prefixes):
    """The identifier without its address, surrounding spaces or a trailing slash."""
    value = value.strip()
    lowered = value.lower()
    for prefix in prefixes:
        for scheme in ("https://", "http://", ""):
            for host in (prefix, "www." + prefix):
                if lowered.startswith(scheme + host):
                    value = value[len(scheme + host) :]
                    lowered = value.lower()
    return value.strip().strip("/")


def compact_orcid(value):
    digits = re.sub(r"[\s-]", "", _strip(value, "orcid.org/")).upper()
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4)) if digits else ""


def check_orcid(value):
    # An ORCID iD is an ISNI-shaped number (ISO 7064 MOD 11-2 check character) written in
    # four hyphenated groups. https://support.orcid.org/hc/en-us/articles/360006897674
    if not re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", value):
        raise ValidationError(
            _("An ORCID iD has 16 digits in four groups, such as 0000-0002-1825-0097."),
            code="orcid_format",
        )
    if not mod_11_2.is_valid(value.replace("-", "")):
        raise ValidationError(
            _("This ORCID iD’s last character (its check digit) does not match: check for a typo."),
            code="orcid_checksum",
        )


def compact_isni(value):
    return re.sub(r"[\s-]", "", _strip(value, "isni.org/isni/", "isni.org/")).upper()


def check_isni(value):
    try:
        isni.validate(value)
    except InvalidChecksum as error:
        raise ValidationError(
            _("This ISNI’s last character (its check digit) does not match: check for a typo."),
            code="isni_checksum",
        ) from error
    except StdnumError as error:
        raise ValidationError(
            _("An ISNI has 16 digits (the last may be X), such as 0000 0001 2103 2683."),
            code="isni_format",
        ) from error


def compact_ror(value):
    return _strip(value, "ror.org/").lower()


def check_ror(value):
    # A ROR ID is "0", six Crockford base-32 characters and two check digits: ISO 7064
    # MOD 97-10 of the number the seven characters encode. https://ror.readme.io/docs/identifier
    if not re.fullmatch(r"0[0-9a-hjkmnp-tv-z]{6}\d{2}", value):
        raise ValidationError(
            _("A ROR ID has nine characters starting with 0, such as 013q1eq08."),
            code="ror_format",
        )
    number = 0
    for character in value[:7]:
        number = number * 32 + CROCKFORD_BASE32.index(character)
    if value[7:] != mod_97_10.calc_check_digits(str(number)):
        raise ValidationError(
            _("This ROR ID’s last two digits (its check digits) do not match: check for a typo."),
            code="ror_checksum",
        )


def compact_wikidata(value):
    value = _strip(value, "wikidata.org/wiki/", "wikidata.org/entity/")
    return value.upper() if value[:1] in "qQ" else value


def check_wikidata(value):
    # Wikidata item numbers carry no check digit; the format is all there is to check.
    if not re.fullmatch(r"Q[1-9]\d{0,11}", value):
        raise ValidationError(
            _("A Wikidata item is Q followed by its number, such as Q7330070."),
            code="wikidata_format",
        )


@dataclass(frozen=True)
class Scheme:
    field: str
    label: str
    compact: object
    check: object
    address: str
    # schema.org identifier PropertyValue.propertyID and Popolo identifier.scheme.
    property_id: str
    shown: object = None

    def url(self, value):
        return self.address.format(value)

    def display(self, value):
        return self.shown(value) if self.shown else value


ORCID = Scheme("orcid", "ORCID", compact_orcid, check_orcid, "https://orcid.org/{}", "ORCID")
ISNI = Scheme(
    "isni",
    "ISNI",
    compact_isni,
    check_isni,
    "https://isni.org/isni/{}",
    "ISNI",
    shown=isni.format,
)
ROR = Scheme("ror", "ROR", compact_ror, check_ror, "https://ror.org/{}", "ROR")
WIKIDATA = Scheme(
    "wikidata",
    "Wikidata",
    compact_wikidata,
    check_wikidata,
    "https://www.wikidata.org/wiki/{}",
    "Wikidata",
)
SCHEMES = {scheme.field: scheme for scheme in (ORCID, ISNI, ROR, WIKIDATA)}


class IdentifierField(models.CharField):
    """An optional identifier of one scheme, stored in its compact form and checked.

    What an editor pastes (an address, spaces, lower case) is put in the stored form before
    it is checked, so the same identifier is always stored the same way and the unique
    constraint on it means what it says.
    """

    def __init__(self, *args, scheme, **kwargs):
        self.scheme = SCHEMES[scheme]
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["scheme"] = self.scheme.field
        for key, value in (("max_length", 40), ("blank", True), ("default", "")):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return self.scheme.compact(value) if value else ""

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value:
            self.scheme.check(value)


def identifier_fields(model):
    return [field for field in model._meta.get_fields() if isinstance(field, IdentifierField)]


def unique_identifier_constraints(model_name, fields):
    """One partial unique constraint per identifier: empty is allowed many times."""
    return [
        models.UniqueConstraint(
            fields=[field],
            condition=~models.Q(**{field: ""}),
            name=f"{model_name}_{field}_unique",
            violation_error_message=format_lazy(
                _("Another record already has this {scheme} identifier."),
                scheme=SCHEMES[field].label,
            ),
        )
        for field in fields
    ]


@dataclass(frozen=True)
class Identifier:
    scheme: Scheme
    value: str

    @property
    def url(self):
        return self.scheme.url(self.value)

    @property
    def label(self):
        return self.scheme.label

    @property
    def display(self):
        return self.scheme.display(self.value)


def identifiers_of(record):
    """The record's identifiers, in the order of its fields, empty ones left out."""
    return [
        Identifier(field.scheme, getattr(record, field.attname))
        for field in identifier_fields(type(record))
        if getattr(record, field.attname)
    ]


def same_as(record):
    """schema.org ``sameAs``: the address of each identifier."""
    return [identifier.url for identifier in identifiers_of(record)]


def property_values(record):
    """schema.org ``identifier``: one ``PropertyValue`` per identifier."""
    return [
        {
            "@type": "PropertyValue",
            "propertyID": identifier.scheme.property_id,
            "value": identifier.value,
            "url": identifier.url,
        }
        for identifier in identifiers_of(record)
    ]


def popolo_identifiers(record):
    """Popolo ``identifiers``: ``{"scheme", "identifier"}`` per identifier."""
    return [
        {"scheme": identifier.scheme.property_id.lower(), "identifier": identifier.value}
        for identifier in identifiers_of(record)
    ]
