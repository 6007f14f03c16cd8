"""
People and organizations as they exist independently of any event.

This app knows nothing of events: what a person did at an event, and the title they held
then, is recorded by the events app, which builds on this one.
"""

import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.choices import ChoiceLabels

from . import images
from .editing.changes import RecordChange  # noqa: F401  (a model of this app)
from .editing.revisions import PendingRevision  # noqa: F401  (a model of this app)
from .identifiers import (
    IdentifierField,
    identifier_fields,
    identifiers_of,
    unique_identifier_constraints,
)
from .natural_keys import NaturalKeyQuerySet
from .slugs import SluggedRecord

country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Enter a two-letter ISO 3166-1 country code in capitals, such as CN or US.")
)


class SlugQuerySet(NaturalKeyQuerySet):
    natural_key_fields = ("slug",)


class Organization(SluggedRecord, ChoiceLabels, models.Model):
    # Levels from a top body to its smallest unit (body, department, division, unit, team).
    # Bounded so that ancestor lookups stay single SQL queries.
    MAX_DEPTH = 5

    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body")
        GOVERNMENT = "government", _("Government")
        GOVERNMENT_OFFICE = "government-office", _("Government office or department")
        DIVISION = "division", _("Division or unit")
        UNIVERSITY = "university", _("University")
        RESEARCH_INSTITUTE = "research-institute", _("Research institute")
        PUBLIC_AGENCY = "public-agency", _("Public agency")
        COMPANY = "company", _("Company")
        CIVIL_SOCIETY = "civil-society", _("Civil society organization")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("short name or acronym"),
        max_length=60,
        blank=True,
        help_text=_("As the organization writes it, for example “UN DESA”."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Leave empty to make one from the name, in any script."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The organization this one belongs to, such as a university for a faculty."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[country_code_validator],
        help_text=_("ISO 3166-1 alpha-2 code. Leave empty for international bodies."),
    )
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    ror = IdentifierField(
        _("ROR ID"),
        scheme="ror",
        help_text=_("From ror.org, such as 013q1eq08. The address may be pasted."),
    )
    wikidata = IdentifierField(
        _("Wikidata item"),
        scheme="wikidata",
        help_text=_("Such as Q7330070. The address may be pasted."),
    )
    isni = IdentifierField(
        _("ISNI"), scheme="isni", help_text=_("16 digits, such as 0000 0001 2103 2683.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlugQuerySet.as_manager()

    class Meta:
        # The English column by name: modeltranslation would rewrite "name" to the reader's
        # language, and a Chinese reader would get rows in no order while names are English.
        ordering = ["name_en"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="organization_not_own_parent",
                violation_error_message=_("An organization cannot be part of itself."),
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="organization_country_iso_code",
                violation_error_message=_("The country must be a two-letter ISO 3166-1 code."),
            ),
            *unique_identifier_constraints("organization", ["ror", "wikidata", "isni"]),
        ]
        indexes = [
            models.Index(Lower("name"), name="organization_name_lower"),
            # The public list's order: a page is read from the index, not a sort of all rows.
            models.Index(fields=["name_en"], name="organization_list_order"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The check constraint only stops direct self-reference; longer cycles are stopped here
        # so that no code path (admin, import, shell) can make the tree loop.
        self.validate_parent()
        new_logo = self.logo and not self.logo._committed
        super().save(*args, **kwargs)
        if new_logo:
            images.save_renditions(self.logo)

    def get_absolute_url(self):
        return reverse("people:organization", kwargs={"slug": self.slug})

    def slug_text(self):
        return self.name_en or self.name or self.short_name

    def namesakes(self):
        """Other organizations whose name or short name reads the same as this one's,
        ignoring case, accents and word order: likely duplicates."""
        wanted = {normalise_name(value) for value in [self.name, self.short_name] if value}
        others = Organization.objects.exclude(pk=self.pk)
        same_name = [
            other
            for other in others
            if wanted & {normalise_name(v) for v in [other.name, other.short_name] if v}
        ]
        return same_identifier_first(self, same_name)

    @property
    def logo_srcset(self):
        """``srcset`` of the logo's renditions, for ``<img srcset>``; empty without a logo."""
        return images.srcset(self.logo)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        self.validate_parent()
        validate_identifiers_elsewhere(self)

    def validate_parent(self):
        if not self.parent_id:
            return
        if self.pk and self.parent_id in self.descendant_ids(include_self=True):
            raise ValidationError(
                {"parent": _("An organization cannot be part of itself or of one of its parts.")}
            )
        if len(self.parent.ancestors()) + 2 > self.MAX_DEPTH:
            raise ValidationError(
                {
                    "parent": _("Organizations can be nested at most %(depth)d levels deep.")
                    % {"depth": self.MAX_DEPTH}
                }
            )

    @property
    def identifiers(self):
        return identifiers_of(self)

    @property
    def display_name(self):
        """The name followed by its acronym where it has one: “United Nations … (UN DESA)”."""
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

    @property
    def label(self):
        return self.short_name or self.name

    @property
    def label_with_parent(self):
        """The label followed by its parent's, to tell apart sub-units of the same name in a
        list: “Office of Statistics, JIPP”. Select the parent with it."""
        if self.parent_id:
            return f"{self.label}, {self.parent.label}"
        return self.label

    def ancestors(self):
        """Parents from the nearest outwards. One query per level; trees are shallow."""
        chain = []
        node = self.parent
        seen = {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def descendant_ids(self, include_self=False):
        """Primary keys of every part of this organization, level by level."""
        found = {self.pk} if include_self else set()
        frontier = {self.pk}
        while frontier:
            frontier = (
                set(Organization.objects.filter(parent__in=frontier).values_list("pk", flat=True))
                - found
            )
            found |= frontier
        return found

    def affiliation_label(self):
        """How a title's organization reads after a comma: the unit, then its parent's short
        name, unless the unit's own name already says it (“General Office of Shanghai
        Municipal Government”)."""
        if self.parent is None:
            return self.label
        if self.parent.name in self.name:
            return self.name
        return f"{self.name}, {self.parent.label}"


class Person(SluggedRecord, ChoiceLabels, models.Model):
    class NameOrder(models.TextChoices):
        GIVEN_FIRST = "given-first", _("Given name first (Yijia Jing)")
        FAMILY_FIRST = "family-first", _("Family name first (Jing Yijia)")

    given_name = models.CharField(_("given name"), max_length=120, blank=True)
    family_name = models.CharField(_("family name"), max_length=120)
    name_order = models.CharField(
        _("name order"),
        max_length=16,
        choices=NameOrder.choices,
        default=NameOrder.GIVEN_FIRST,
        help_text=_("The order in which the source writes the name; it is shown that way."),
    )
    honorific = models.CharField(
        _("honorific"), max_length=60, blank=True, help_text=_("For example “Professor”.")
    )
    native_name = models.CharField(
        _("name in native script"),
        max_length=120,
        blank=True,
        help_text=_("Only where an authoritative source gives it."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Leave empty to make one from the name, in the order it is shown."),
    )
    biography = models.TextField(_("short biography"), blank=True)
    portrait = models.ImageField(_("portrait"), upload_to="portraits/", blank=True)
    website = models.URLField(_("website"), blank=True)
    orcid = IdentifierField(
        _("ORCID iD"),
        scheme="orcid",
        help_text=_("Such as 0000-0002-1825-0097. The address may be pasted."),
    )
    wikidata = IdentifierField(
        _("Wikidata item"),
        scheme="wikidata",
        help_text=_("Such as Q42. The address may be pasted."),
    )
    isni = IdentifierField(
        _("ISNI"), scheme="isni", help_text=_("16 digits, such as 0000 0001 2103 2683.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "slug"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=~Q(family_name=""),
                name="person_family_name_required",
                violation_error_message=_("A person needs at least a family name."),
            ),
            *unique_identifier_constraints("person", ["orcid", "wikidata", "isni"]),
        ]
        indexes = [
            models.Index(Lower("family_name"), "given_name", name="person_sort_name"),
            # The public list's order: a page is read from the index, not a sort of all rows.
            models.Index(fields=["family_name", "given_name", "slug"], name="person_list_order"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        new_portrait = self.portrait and not self.portrait._committed
        super().save(*args, **kwargs)
        if new_portrait:
            images.save_renditions(self.portrait)

    def get_absolute_url(self):
        return reverse("people:person", kwargs={"slug": self.slug})

    def slug_text(self):
        # The name as it is shown: “Lee Jae-young” is lee-jae-young, not jae-young-lee.
        return self.name

    def namesakes(self):
        """Other people whose name reads the same, ignoring case, accents and name order:
        likely duplicates."""
        wanted = normalise_name(self.name)
        others = Person.objects.exclude(pk=self.pk).only(
            "given_name", "family_name", "name_order", "slug"
        )
        same_name = [other for other in others if normalise_name(other.name) == wanted]
        return same_identifier_first(self, same_name)

    @property
    def portrait_srcset(self):
        """``srcset`` of the portrait's renditions, for ``<img srcset>``; empty without one."""
        return images.srcset(self.portrait)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        validate_identifiers_elsewhere(self)

    @property
    def identifiers(self):
        return identifiers_of(self)

    @property
    def name(self):
        """The name exactly as the source writes it, in its order."""
        parts = [self.given_name, self.family_name]
        if self.name_order == self.NameOrder.FAMILY_FIRST:
            parts.reverse()
        return " ".join(part for part in parts if part)

    @property
    def sort_name(self):
        return ", ".join(part for part in [self.family_name, self.given_name] if part)

    @property
    def name_with_honorific(self):
        return " ".join(part for part in [self.honorific, self.name] if part)


def normalise_name(value):
    """Lower-case, accent-free, word-sorted form of a name, for spotting duplicates."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(sorted(re.findall(r"\w+", plain)))


class FormerSlugQuerySet(models.QuerySet):
    def remember(self, record, slug):
        """Keep `slug` as an old address of `record` (a later holder of the slug wins)."""
        self.update_or_create(
            content_type=ContentType.objects.get_for_model(record),
            scope=record.scope_id(),
            slug=slug,
            defaults={"object_id": record.pk},
        )

    def forget(self, record):
        """The record's current slug is nobody's former one any more."""
        self.filter(
            content_type=ContentType.objects.get_for_model(record),
            scope=record.scope_id(),
            slug=record.slug,
        ).delete()


class FormerSlug(models.Model):
    """A slug a public record had before, so that its old address still leads to it
    (answered with a permanent redirect by the record's page)."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    # The parent's primary key where slugs are unique only within a parent (a presentation's
    # event), else 0.
    scope = models.PositiveBigIntegerField(_("within"), default=0)
    slug = models.SlugField(_("former slug"), max_length=160)
    created_at = models.DateTimeField(_("changed"), auto_now_add=True)

    objects = FormerSlugQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "scope", "slug"],
                name="former_slug_unique",
                violation_error_message=_("This slug already leads to a record."),
            )
        ]

    def __str__(self):
        return self.slug


def identifier_holders(record):
    """(identifier, other record) for every other person or organization that carries one of
    this record's identifiers. A shared identifier means the same person or organization was
    entered twice (a Wikidata item or an ISNI names one thing, never a person and a body)."""
    found = []
    for identifier in identifiers_of(record):
        for model in (Person, Organization):
            if identifier.scheme.field not in {f.name for f in identifier_fields(model)}:
                continue
            others = model.objects.filter(**{identifier.scheme.field: identifier.value})
            if model is type(record) and record.pk:
                others = others.exclude(pk=record.pk)
            found += [(identifier, other) for other in others]
    return found


def same_identifier_first(record, same_name):
    """Likely duplicates: records sharing an identifier (certainly the same), then namesakes."""
    holders = [other for _, other in identifier_holders(record) if type(other) is type(record)]
    return list(dict.fromkeys([*holders, *same_name]))


def validate_identifiers_elsewhere(record):
    """Refuse an identifier that a record of the other kind already carries (the unique
    constraints cover records of the same kind)."""
    errors = {}
    for identifier, other in identifier_holders(record):
        if type(other) is not type(record):
            errors.setdefault(identifier.scheme.field, []).append(
                _("“%(record)s” (%(kind)s) already has this identifier.")
                % {"record": other, "kind": other._meta.verbose_name}
            )
    if errors:
        raise ValidationError(errors)
