"""
Import records from a JSON file in the project's fixture format (natural keys), all or nothing.

Every object is deserialised, validated with full_clean() (field rules, clean() with its
quote-in-source check, uniqueness and the models' database constraints) and saved inside one
transaction, so later records can refer to earlier ones by natural key. If any object has a
problem, every problem is reported with its line, model, natural key and field, and the
transaction is rolled back: nothing is imported. --dry-run always rolls back.

At scale (a dump of 10,000 events is some 300,000 records) the natural keys are resolved in
bulk, one query per model (`people.natural_keys`), and new records are inserted in batches
whose uniqueness and check constraints the database itself enforces. A batch the database
refuses is rolled back and done again record by record with every check, which names the
record and field at fault. Existing records (the same natural key or primary key) are
updated one by one with every check, as before. The file is read a chunk at a time, twice
(`events.management.record_files`): first its syntax and its count, then its records, so memory
does not grow with the file.
"""

import functools
from collections import OrderedDict

from django.apps import apps
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    ValidationError,
)
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializedObject
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone
from simple_history.models import HistoricalChanges

from events.cache.receivers import records_changed_in_bulk
from events.management.record_files import RecordFile
from events.management.records_stream import timestamps_kept

BATCH_SIZE = 1000


class Problem:
    def __init__(self, line, record, field, message):
        self.line, self.record, self.field, self.message = line, record, field, message

    def __str__(self):
        where = f"line {self.line}: " if self.line else ""
        field = f" field “{self.field}”" if self.field else ""
        return f"{where}{self.record}{field}: {self.message}"


def progress_bar(done, total, width=30):
    """`Checking records: 1000/2000 [###############...............]  50%`"""
    filled = width * done // total
    bar = "#" * filled + "." * (width - filled)
    return f"Checking records: {done}/{total} [{bar}] {100 * done // total:3d}%"


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


@functools.cache
def key_fields(model):
    """The model's natural-key lookups, or None if it has no natural key we can resolve."""
    if not hasattr(model, "natural_key"):
        return None
    return getattr(model._default_manager.get_queryset(), "natural_key_fields", None)


@functools.cache
def proven_relations(model):
    """The foreign keys whose target's existence the import proves itself (every reference
    is resolved through the natural keys or the primary keys read from the database), so
    full_clean need not ask the database once per reference. A relation with a
    limit_choices_to keeps its check, which is more than existence."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and not field.remote_field.limit_choices_to
    ]


def kept_by_history(model):
    """A history row (django-simple-history) records who changed what; the who and the why
    are blank for a change made by a script, and such a row is as true as any other."""
    return ["history_user", "history_change_reason"] if issubclass(model, HistoricalChanges) else []


class RelatedCache:
    """The related records that validation read (a role's clean reads its source's text),
    handed to the next records that refer to them, the least recently used dropped past
    TEXT_BUDGET characters of text: a file lists every role before every presentation, so
    each model's records go through all the sources again. A record saved drops its
    model's."""

    TEXT_BUDGET = 32_000_000

    def __init__(self):
        self.instances = OrderedDict()
        self.text = 0

    def attach(self, instance):
        for field in proven_relations(type(instance)):
            key = (field.related_model, getattr(instance, field.attname))
            if key in self.instances:
                field.set_cached_value(instance, self.instances[key][0])
                self.instances.move_to_end(key)

    def keep(self, instance):
        for field in proven_relations(type(instance)):
            key = (field.related_model, getattr(instance, field.attname))
            if key in self.instances or not field.is_cached(instance):
                continue
            related = field.get_cached_value(instance)
            if related is not None:
                self.instances[key] = (related, text_size(related))
                self.text += self.instances[key][1]
        while self.text > self.TEXT_BUDGET:
            _key, (_related, size) = self.instances.popitem(last=False)
            self.text -= size

    def forget(self, model):
        for key in [key for key in self.instances if key[0] is model]:
            self.text -= self.instances.pop(key)[1]


def text_size(instance):
    return sum(len(value) for value in vars(instance).values() if isinstance(value, str))


class NaturalKeys:
    """Natural key → primary key for every model the file refers to: each model's keys are
    read in one query the first time they are needed, and the records the import adds are
    added as they are written, so a reference costs a dictionary look-up."""

    def __init__(self, database):
        self.database = database
        self.maps, self.reverse, self.pks = {}, {}, {}

    def map(self, model):
        if model not in self.maps:
            manager = model._default_manager.db_manager(self.database)
            self.maps[model] = manager.get_queryset().natural_key_map()
        return self.maps[model]

    def existing_pks(self, model):
        if model not in self.pks:
            manager = model._base_manager.db_manager(self.database)
            self.pks[model] = set(manager.order_by().values_list("pk", flat=True))
        return self.pks[model]

    def key_for_pk(self, model, pk):
        if model not in self.reverse:
            self.reverse[model] = {value: key for key, value in self.map(model).items()}
        return self.reverse[model].get(pk)

    def add(self, model, key, pk):
        self.existing_pks(model).add(pk)
        if key is not None:
            self.map(model)[key] = pk
            if model in self.reverse:
                self.reverse[model][pk] = key

    def key_of(self, model, fields):
        """The natural key of a record still in its file form (relations named by natural
        key or primary key), or None if the record does not give every part of it."""
        lookups = key_fields(model)
        if lookups is None:
            return None
        key = []
        for lookup in lookups:
            name, _, rest = lookup.partition("__")
            value = fields.get(name)
            if rest:
                related = model._meta.get_field(name).related_model
                related_lookups = key_fields(related) or ()
                if rest not in related_lookups:
                    return None
                if isinstance(value, list):
                    related_key = tuple(value)
                elif isinstance(value, int) and not isinstance(value, bool):
                    related_key = self.key_for_pk(related, value)
                else:
                    return None
                if related_key is None or len(related_key) != len(related_lookups):
                    return None
                value = related_key[related_lookups.index(rest)]
            if value is None or isinstance(value, (list, dict)):
                return None
            key.append(value)
        return tuple(key)


class Reference(Exception):
    """A relation in the file that names no record."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


class Pending:
    """A new record checked and waiting for its batch insert."""

    __slots__ = ("line", "label", "value", "deserialized", "key")

    def __init__(self, line, label, value, deserialized, key):
        self.line, self.label, self.value = line, label, value
        self.deserialized, self.key = deserialized, key


class Command(BaseCommand):
    help = "Validate a JSON record file as a whole, then import all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file in the fixture format (natural keys).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, dry_run, database, **options):
        records = RecordFile(file)
        # The first reading checks the syntax and counts, before anything is written.
        total = records.count()
        self.database = database
        self.problems, self.counts, self.touched = [], {"new": 0, "updated": 0, "derived": 0}, set()
        self.keys = NaturalKeys(database)
        self.related = RelatedCache()
        self.pending, self.pending_model = [], None
        show_progress = self.stdout.isatty()
        with transaction.atomic(using=database):
            # Once for the whole file: the batch inserts send no signals, and the raw saves'
            # signals then find the retirement already registered for this transaction.
            records_changed_in_bulk()
            for index, (line, value) in enumerate(records, start=1):
                if show_progress and (index % 1000 == 0 or index == total):
                    self.stdout.write(f"\r{progress_bar(index, total)}", ending="")
                    self.stdout.flush()
                self.problems.extend(self.load_one(line, value))
            self.flush()
            if show_progress:
                self.stdout.write("")
            if self.problems or dry_run:
                transaction.set_rollback(True, using=database)
            else:
                self.reset_sequences(database, self.touched)

        problems = sorted(self.problems, key=lambda problem: problem.line or 0)
        for problem in problems:
            self.stderr.write(str(problem))
        counts = self.counts
        summary = f"{total} records checked: {counts['new']} new, {counts['updated']} to update."
        if counts["derived"]:
            summary += f" {counts['derived']} derived rows left for the site to rebuild."
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) in {file}; nothing was imported. {summary}"
            )
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {file}. {summary}"))

    def load_one(self, line, value):
        label = describe(value) if isinstance(value, dict) else "(not an object)"
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("model"), str)
            or not isinstance(value.get("fields"), dict)
        ):
            return [Problem(line, label, None, 'each record needs "model" and "fields".')]
        try:
            model = apps.get_model(value["model"])
        except (LookupError, ValueError):
            return [Problem(line, label, None, f"unknown model “{value['model']}”.")]
        if getattr(model, "is_cache_state", False):
            # Derived from the records (search documents, stored pages): a dump of a site
            # holds them, and the site rebuilds its own after the import.
            self.counts["derived"] += 1
            return []
        if model is not self.pending_model:
            self.flush()
        try:
            key = self.keys.key_of(model, value["fields"])
        except FieldDoesNotExist as error:
            return [Problem(line, label, None, f"{error}.")]
        try:
            deserialized = self.build(model, value)
        except FieldDoesNotExist as error:
            return [Problem(line, label, None, f"{error}.")]
        except Reference as error:
            return [Problem(line, label, error.field, error.message)]
        except ValidationError as error:
            return [Problem(line, label, getattr(error, "field", None), " ".join(error.messages))]
        instance = deserialized.object
        if key is not None:
            label = f"{model._meta.label_lower} “{'/'.join(str(part) for part in key)}”"
            if instance.pk is None:
                instance.pk = self.keys.map(model).get(key)
        # Saving raw (as loaddata does) skips auto_now/auto_now_add; a hand-written file may
        # leave timestamps out, and "now" is then the truthful value.
        for model_field in instance._meta.concrete_fields:
            automatic = getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            )
            if automatic and getattr(instance, model_field.attname) is None:
                setattr(instance, model_field.attname, timezone.now())
        exists = instance.pk is not None and instance.pk in self.keys.existing_pks(model)
        if exists:
            return self.save_checked(Pending(line, label, value, deserialized, key), exists=True)
        # Uniqueness and the constraints are the database's to enforce in the batch insert;
        # a refused batch is checked again record by record (flush).
        problems = self.clean_problems(
            instance, line, label, validate_unique=False, validate_constraints=False
        )
        if problems:
            return problems
        self.pending.append(Pending(line, label, value, deserialized, key))
        self.pending_model = model
        if len(self.pending) >= BATCH_SIZE:
            self.flush()
        return []

    def build(self, model, value):
        """The instance and its many-to-many values, every relation resolved to a primary key
        through the bulk look-ups. Raises ValidationError (with .field), Reference or
        FieldDoesNotExist."""
        meta = model._meta
        data, m2m = {}, {}
        if value.get("pk") is not None:
            data[meta.pk.attname] = self.to_python(meta.pk, value["pk"], None)
        for name, raw in value["fields"].items():
            field = meta.get_field(name)
            if field.many_to_many:
                if not isinstance(raw, list):
                    raise Reference(name, "a value has the wrong shape: expected a list.")
                m2m[name] = [self.related_pk(field, item) for item in raw]
            elif field.many_to_one or field.one_to_one:
                data[field.attname] = self.related_pk(field, raw)
            elif field.concrete:
                data[field.name] = self.to_python(field, raw, name)
            else:
                raise FieldDoesNotExist(f"{meta.object_name} has no field named '{name}'")
        return DeserializedObject(model(**data), m2m)

    def to_python(self, field, raw, name):
        try:
            return field.to_python(raw)
        except ValidationError as error:
            error.field = name
            raise

    def related_pk(self, field, raw):
        related = field.related_model
        if raw is None:
            return None
        if isinstance(raw, (list, dict)):
            key = tuple(raw)
            if self.pending_model is related:
                self.flush()
            pk = self.keys.map(related).get(key) if key_fields(related) else None
            if pk is not None:
                return pk
            if isinstance(raw, list):
                named = "/".join(str(part) for part in raw)
                raise Reference(
                    field.name,
                    f"refers to “{named}”, which is neither in the database nor valid earlier "
                    f"in the file.",
                )
            raise Reference(field.name, f"refers to a record that does not exist ({raw}).")
        pk = self.to_python(related._meta.pk, raw, field.name)
        if self.pending_model is related:
            self.flush()
        if pk not in self.keys.existing_pks(related):
            raise Reference(field.name, f"refers to a record that does not exist (pk {raw}).")
        return pk

    def clean_problems(self, instance, line, label, **checks):
        """`full_clean(**checks)` of one record: its problems, each naming line and field."""
        model = type(instance)
        exclude = [
            field.name
            for field in proven_relations(model)
            if getattr(instance, field.attname) is not None
        ]
        exclude += [name for name in kept_by_history(model) if getattr(instance, name) is None]
        self.related.attach(instance)
        try:
            instance.full_clean(exclude=exclude, **checks)
        except ValidationError as error:
            return self.field_problems(line, label, error)
        except ObjectDoesNotExist as error:
            return [Problem(line, label, None, f"refers to a missing record: {error}")]
        except (TypeError, ValueError) as error:
            return [Problem(line, label, None, f"a value has the wrong shape: {error}")]
        self.related.keep(instance)
        return []

    def field_problems(self, line, label, error):
        return [
            Problem(line, label, None if field == NON_FIELD_ERRORS else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]

    def flush(self):
        """Insert the waiting batch in one statement; if the database refuses it, undo it and
        save its records one by one with every check, to name the one at fault."""
        batch, model = self.pending, self.pending_model
        self.pending, self.pending_model = [], None
        if not batch:
            return
        try:
            with transaction.atomic(using=self.database), timestamps_kept(model):
                model._base_manager.using(self.database).bulk_create(
                    [pending.deserialized.object for pending in batch]
                )
                self.add_many_to_many(model, batch)
        except (DatabaseError, ValueError):
            for pending in batch:
                pending.deserialized.object.pk = pending.value.get("pk")
                pending.deserialized.object._state.adding = True
                self.problems.extend(self.save_checked(pending, exists=False))
            return
        for pending in batch:
            self.keys.add(model, pending.key, pending.deserialized.object.pk)
        self.related.forget(model)
        self.counts["new"] += len(batch)
        self.touched.add(model)

    def add_many_to_many(self, model, batch):
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            source = field.m2m_field_name() + "_id"
            target = field.m2m_reverse_field_name() + "_id"
            rows = [
                through(**{source: pending.deserialized.object.pk, target: pk})
                for pending in batch
                for pk in pending.deserialized.m2m_data.get(field.name, ())
            ]
            through._base_manager.using(self.database).bulk_create(rows)

    def save_checked(self, pending, exists):
        """One record with every check (uniqueness and constraints included), saved in a
        savepoint of its own: updates, and the records of a batch the database refused."""
        instance, line, label = pending.deserialized.object, pending.line, pending.label
        # The record was found by natural key or primary key; uniqueness checks must then
        # treat it as an update of that row, not a second copy.
        instance._state.adding = not exists
        problems = self.clean_problems(instance, line, label, validate_constraints=True)
        if problems:
            return problems
        try:
            with transaction.atomic(using=self.database):
                pending.deserialized.save(using=self.database)
        except (DatabaseError, ValueError) as error:
            return [Problem(line, label, None, f"the database refused it: {error}")]
        model = type(instance)
        self.keys.add(model, pending.key, instance.pk)
        self.related.forget(model)
        self.counts["updated" if exists else "new"] += 1
        self.touched.add(model)
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
