"""
Import records from a JSON file in the project's fixture format (natural keys), all or nothing.

Every object is deserialised, validated with full_clean() (field rules, clean() with its
quote-in-source check, uniqueness and the models' database constraints) and saved inside one
transaction, so later records can refer to earlier ones by natural key. If any object has a
problem, every problem is reported with its line, model, natural key and field, and the
transaction is rolled back: nothing is imported. --dry-run always rolls back.
"""

import json

from django.apps import apps
from django.core import serializers
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    ValidationError,
)
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone


class Problem:
    def __init__(self, line, record, field, message):
        self.line, self.record, self.field, self.message = line, record, field, message

    def __str__(self):
        where = f"line {self.line}: " if self.line else ""
        field = f" field “{self.field}”" if self.field else ""
        return f"{where}{self.record}{field}: {self.message}"


def read_records(path):
    """The list of objects in the file, each with the line on which it starts."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError as error:
        raise CommandError(f"{path}: no such file.") from error
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})."
        ) from error
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror}).") from error
    decoder = json.JSONDecoder()
    position = skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise CommandError(
            f"{path}: not a record file; it should be a JSON list of objects such as "
            '[{"model": "events.event", "fields": {…}}].'
        )
    records = []
    position = skip_space(text, position + 1)
    try:
        while position < len(text) and text[position] != "]":
            line = text.count("\n", 0, position) + 1
            value, position = decoder.raw_decode(text, position)
            records.append((line, value))
            position = skip_space(text, position)
            if position < len(text) and text[position] == ",":
                position = skip_space(text, position + 1)
            elif position < len(text) and text[position] != "]":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        if position >= len(text):
            raise json.JSONDecodeError("The file ends before the list is closed", text, position)
        if text[position + 1 :].strip():
            raise json.JSONDecodeError("Extra data after the list", text, position + 1)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}. "
            "Nothing was imported."
        ) from error
    return records


def skip_space(text, position):
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def describe(value):
    """`people.person “jane-doe”` from a raw fixture object, before it is deserialised."""
    model = value.get("model", "?")
    fields = value.get("fields") or {}
    key = fields.get("slug") or value.get("pk")
    if key is None and isinstance(fields, dict):
        key = next((v for k, v in fields.items() if k in {"name", "username", "title"}), None)
    if key is None and isinstance(fields, dict):
        # Records keyed by their relations (a role: event, person, kind) as the fixture names
        # them; the cited source is evidence, not identity.
        qualifiers = [k for k in ("kind", "part", "fact") if k in fields] or ["order"]
        parts = [
            "/".join(str(p) for p in v) if isinstance(v, list) else str(v)
            for k, v in fields.items()
            if (isinstance(v, list) and v and k != "source") or k in qualifiers
        ]
        key = "/".join(parts) or None
    return f"{model} “{key}”" if key is not None else f"{model} (no key)"


def describe_instance(instance, fallback):
    try:
        key = instance.natural_key() if hasattr(instance, "natural_key") else (instance.pk,)
    except Exception:  # natural_key() follows relations that may be the very problem
        return fallback
    label = instance._meta.label_lower
    return f"{label} “{'/'.join(str(part) for part in key)}”"


class Command(BaseCommand):
    help = "Validate a JSON record file as a whole, then import all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file in the fixture format (natural keys).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, dry_run, database, **options):
        records = read_records(file)
        problems, counts, touched = [], {"new": 0, "updated": 0}, set()
        show_progress = self.stdout.isatty()
        with transaction.atomic(using=database):
            for index, (line, value) in enumerate(records, start=1):
                if show_progress and (index % 50 == 0 or index == len(records)):
                    self.stdout.write(f"\rChecking records: {index}/{len(records)}", ending="")
                problems.extend(self.load_one(line, value, database, counts, touched))
            if show_progress:
                self.stdout.write("")
            if problems or dry_run:
                transaction.set_rollback(True, using=database)
            else:
                self.reset_sequences(database, touched)

        for problem in problems:
            self.stderr.write(str(problem))
        summary = (
            f"{len(records)} records checked: {counts['new']} new, {counts['updated']} to update."
        )
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) in {file}; nothing was imported. {summary}"
            )
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {file}. {summary}"))

    def load_one(self, line, value, database, counts, touched):
        label = describe(value) if isinstance(value, dict) else "(not an object)"
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("model"), str)
            or not isinstance(value.get("fields"), dict)
        ):
            return [Problem(line, label, None, 'each record needs "model" and "fields".')]
        try:
            apps.get_model(value["model"])
        except (LookupError, ValueError):
            return [Problem(line, label, None, f"unknown model “{value['model']}”.")]
        try:
            (deserialized,) = serializers.deserialize("python", [value], using=database)
        except FieldDoesNotExist as error:
            return [Problem(line, label, None, f"{error}.")]
        except (TypeError, ValueError, ValidationError) as error:
            return [Problem(line, label, None, f"a value has the wrong shape: {error}")]
        except DeserializationError as error:
            # Most often a natural key naming a record that is neither in the database nor
            # earlier in the file (records must come after those they refer to).
            field = next(
                (
                    name
                    for name, field_value in value["fields"].items()
                    if f"field_value was '{field_value}'" in str(error)
                ),
                None,
            )
            cause = error.__cause__ or error.__context__ or error
            raw = value["fields"].get(field)
            if isinstance(cause, ObjectDoesNotExist) and isinstance(raw, list):
                named = "/".join(str(part) for part in raw)
                message = (
                    f"refers to “{named}”, which is neither in the database nor valid earlier "
                    f"in the file."
                )
            elif isinstance(cause, ObjectDoesNotExist):
                message = f"refers to a record that does not exist ({cause})"
            elif isinstance(cause, ValidationError):
                message = " ".join(cause.messages)
            else:
                message = str(cause)
            return [Problem(line, label, field, message)]
        instance = deserialized.object
        label = describe_instance(instance, label)
        # Saving raw (as loaddata does) skips auto_now/auto_now_add; a hand-written file may
        # leave timestamps out, and "now" is then the truthful value.
        for model_field in instance._meta.concrete_fields:
            automatic = getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            )
            if automatic and getattr(instance, model_field.attname) is None:
                setattr(instance, model_field.attname, timezone.now())
        exists = (
            instance.pk is not None
            and type(instance)._default_manager.using(database).filter(pk=instance.pk).exists()
        )
        # The deserializer found the existing row by natural key; uniqueness checks must then
        # treat the record as an update of that row, not a second copy.
        instance._state.adding = not exists
        try:
            instance.full_clean(validate_constraints=True)
        except ValidationError as error:
            return [
                Problem(line, label, None if field == NON_FIELD_ERRORS else field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        except ObjectDoesNotExist as error:
            return [Problem(line, label, None, f"refers to a missing record: {error}")]
        except (TypeError, ValueError) as error:
            return [Problem(line, label, None, f"a value has the wrong shape: {error}")]
        try:
            with transaction.atomic(using=database):
                deserialized.save(using=database)
        except (DatabaseError, ValueError) as error:
            return [Problem(line, label, None, f"the database refused it: {error}")]
        counts["updated" if exists else "new"] += 1
        touched.add(type(instance))
        return []

    def reset_sequences(self, database, models):
        """Like loaddata: explicit primary keys must not collide with later inserts."""
        models = [m for m in models if router.allow_migrate_model(database, m)]
        if not models:
            return
        connection = connections[database]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
