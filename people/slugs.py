"""
Slugs readers can keep: made from a record's name in any script, short, cut at a word, and
remembered when they change, so that an address once published keeps leading to the record.

Transliteration is anyascii's (Korean, Chinese, Cyrillic, Arabic… to ASCII), not a table of
this project's: a well-kept library covers scripts that nobody here reads.
"""

import unicodedata

from anyascii import anyascii
from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify

MAX_LENGTH = 60


def transliterate(text):
    """ASCII spelling of `text`. Chinese writes no spaces between words and anyascii runs
    the syllables of Han characters together (“ShangHaiZhiHui”), so each is set apart: the
    slug then has places to be cut and reads syllable by syllable."""
    spaced = "".join(f" {char} " if is_han(char) else char for char in text)
    return anyascii(spaced)


def is_han(char):
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def cut_at_word(slug, max_length=MAX_LENGTH):
    """The slug shortened to `max_length` at the last whole word (a word longer than that is
    cut where it must be)."""
    if len(slug) <= max_length:
        return slug
    if slug[max_length] == "-":
        return slug[:max_length]
    head = slug[:max_length]
    word_end = head.rfind("-")
    return head[:word_end] if word_end > 0 else head


def slug_from(text, max_length=MAX_LENGTH):
    """“스마트 도시” → “seumateu-dosi”; “上海” → “shang-hai”; “Умный город” → “umnyy-gorod”."""
    return cut_at_word(slugify(transliterate(text or "")), max_length)


def unique_slug(instance, text, **scope):
    """A slug from `text` that no other record of the instance's model holds (within
    `scope`, such as the event of a presentation): “report”, else “report-2”, “report-3”…"""
    base = slug_from(text) or instance._meta.model_name
    others = type(instance)._base_manager.filter(**scope).exclude(pk=instance.pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= set(getattr(instance, "reserved_slugs", ()))
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = cut_at_word(base, MAX_LENGTH - len(suffix)) + suffix
        number += 1
    return candidate


class SluggedRecord:
    """Model mixin: an empty slug is made from the record's name when it is validated or
    saved, and the slug a public record had before a change is kept as a former slug.

    Fixture loads (raw saves) bypass save() and so neither make slugs nor keep old ones:
    loading data is not an edit.
    """

    # Where slugs are unique only within a parent record, the name of its foreign key.
    slug_scope = None

    def slug_text(self):
        raise NotImplementedError

    def had_public_address(self, stored):
        """Whether the stored record (before this save) could be read at its address."""
        return True

    def slug_scope_filter(self):
        if self.slug_scope is None:
            return {}
        return {f"{self.slug_scope}_id": getattr(self, f"{self.slug_scope}_id")}

    def fill_slug(self):
        if not self.slug:
            self.slug = unique_slug(self, self.slug_text(), **self.slug_scope_filter())

    def clean(self):
        super().clean()
        self.fill_slug()

    def save(self, *args, **kwargs):
        from .models import FormerSlug

        self.fill_slug()
        stored = None
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
        super().save(*args, **kwargs)
        FormerSlug.objects.forget(self)
        if (
            stored is not None
            and stored.slug != self.slug
            and stored.slug
            and self.had_public_address(stored)
        ):
            FormerSlug.objects.remember(self, stored.slug)

    def scope_id(self):
        scope = self.slug_scope_filter()
        return next(iter(scope.values())) if scope else 0


def former_slug_target(model, slug, scope=0):
    """The primary key of the record of `model` that had `slug` before, or None."""
    from .models import FormerSlug

    return (
        FormerSlug.objects.filter(
            content_type=ContentType.objects.get_for_model(model), scope=scope or 0, slug=slug
        )
        .values_list("object_id", flat=True)
        .first()
    )
