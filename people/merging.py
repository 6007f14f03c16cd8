"""
Merging a duplicate person or organization into the record that is kept.

The merge walks the model's reverse relations through ``_meta.related_objects``, so it moves
roles, speaker links and affiliations that other apps attach to people without this app
knowing those apps exist.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .identifiers import identifier_fields
from .models import FormerSlug
from .signals import merged


class MergeError(Exception):
    """The duplicate cannot be merged; nothing was changed."""


def merge(kept, duplicate):
    """Move everything that points at ``duplicate`` to ``kept``, then delete ``duplicate``.

    All or nothing: a link that would break a rule (the same role twice in one event, an
    organization becoming part of itself) raises MergeError and rolls the whole merge back.
    Returns the number of rows moved.
    """
    if type(kept) is not type(duplicate):
        raise MergeError(_("Only records of the same kind can be merged."))
    if kept.pk == duplicate.pk:
        raise MergeError(_("A record cannot be merged into itself."))
    adopted = adopted_identifiers(kept, duplicate)
    moved = 0
    with transaction.atomic():
        for relation in duplicate._meta.related_objects:
            if relation.many_to_many:
                if relation.through._meta.auto_created:
                    moved += _move_many_to_many(relation, kept, duplicate)
                # A through model of its own is moved as the foreign key it has.
            else:
                moved += _move_foreign_keys(relation, kept, duplicate)
        # Before the delete, inside the transaction: what listens (the events app's retired
        # addresses) is rolled back with the merge.
        merged.send(sender=type(kept), kept=kept, duplicate=duplicate)
        duplicate.delete()
        if getattr(duplicate, "slug", ""):
            # Links to the duplicate's page now lead to the record it was merged into.
            FormerSlug.objects.filter(
                content_type=ContentType.objects.get_for_model(duplicate), object_id=duplicate.pk
            ).update(object_id=kept.pk)
            FormerSlug.objects.remember(kept, duplicate.slug)
        if adopted:
            # After the delete: the identifiers are unique, and the duplicate held them.
            for field, value in adopted.items():
                setattr(kept, field, value)
            kept.save(update_fields=list(adopted))
    return moved


def adopted_identifiers(kept, duplicate):
    """The duplicate's identifiers that the kept record lacks, which it takes over.

    Two different identifiers of one scheme (two ORCID iDs) say the records are two people,
    not one entered twice: the merge is refused.
    """
    adopted = {}
    for field in identifier_fields(type(kept)):
        ours, theirs = getattr(kept, field.attname), getattr(duplicate, field.attname)
        if ours and theirs and ours != theirs:
            raise MergeError(
                _(
                    "“%(kept)s” and “%(other)s” have different %(scheme)s identifiers (%(ours)s, "
                    "%(theirs)s), so they are not the same record."
                )
                % {
                    "kept": kept,
                    "other": duplicate,
                    "scheme": field.scheme.label,
                    "ours": ours,
                    "theirs": theirs,
                }
            )
        if theirs and not ours:
            adopted[field.attname] = theirs
    return adopted


def _move_foreign_keys(relation, kept, duplicate):
    field = relation.field
    moved = 0
    rows = relation.related_model._base_manager.filter(**{field.name: duplicate})
    for row in rows:
        if isinstance(row, type(kept)) and row.pk == kept.pk:
            # The kept record was part of its duplicate: it takes the duplicate's place.
            setattr(row, field.name, getattr(duplicate, field.name))
            kept = row
        else:
            setattr(row, field.name, kept)
        try:
            with transaction.atomic():
                # Constraints checked first for their readable messages; the database still has
                # the last word inside the savepoint.
                row.validate_constraints()
                row.save()
        except (IntegrityError, ValidationError) as exc:
            raise MergeError(
                _("“%(row)s” cannot be moved to “%(kept)s”: %(reason)s")
                % {"row": row, "kept": kept, "reason": _reason(exc)}
            ) from exc
        moved += 1
    return moved


def _move_many_to_many(relation, kept, duplicate):
    # The reverse side of a many-to-many: rows of the through table name the duplicate.
    through = relation.through
    source_name = relation.field.m2m_reverse_field_name()
    other_name = relation.field.m2m_field_name()
    moved = 0
    for link in through._base_manager.filter(**{source_name: duplicate}):
        other_id = getattr(link, f"{other_name}_id")
        if through._base_manager.filter(**{source_name: kept, other_name: other_id}).exists():
            link.delete()
        else:
            setattr(link, source_name, kept)
            link.save()
        moved += 1
    return moved


def _reason(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
