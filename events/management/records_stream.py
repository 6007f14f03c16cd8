"""
Every record as JSON Lines, written and read back in bounded memory, for backup_records and
restore_records (and the batch inserts of import_records).

One line per row: {"model": "events.role", "pk": 7, "fields": {...}} with each field under
its column's name (`event_id`), relations as primary keys, many-to-many links as rows of
their link tables. Rows are read `chunk_size` at a time and written back `BATCH_SIZE` at a
time with bulk_create, so neither side holds more than one chunk, and a 100,000-event site
costs a few thousand queries instead of one per natural key. Relations to tables that
`migrate` rebuilds (content types, permissions) are written by natural key, since their
primary keys may differ in the database restored into.
"""

import base64
import datetime
import decimal
import json
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.db import connections, models
from django.utils.duration import duration_iso_string

BATCH_SIZE = 2000


def backed_up_models(excluded):
    """Every table a backup holds (link tables of many-to-many fields included), parents
    before children where the models say so."""
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.app_label in excluded or meta.label_lower in excluded:
            continue
        yield model


def rebuilt_by_migrate(model, excluded):
    meta = model._meta
    return meta.app_label in excluded or meta.label_lower in excluded


def encode(value):
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        # Full precision: DjangoJSONEncoder would cut microseconds to milliseconds.
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot write {type(value).__name__} to a backup")


class KeyMaps:
    """Primary key ↔ natural key of the small tables migrate rebuilds, read once."""

    def __init__(self, database):
        self.database, self.to_key, self.to_pk = database, {}, {}

    def _load(self, model):
        if model not in self.to_key:
            queryset = model._base_manager.using(self.database).all()
            if model._meta.label_lower == "auth.permission":
                queryset = queryset.select_related("content_type")
            rows = {row.pk: list(row.natural_key()) for row in queryset}
            self.to_key[model] = rows
            self.to_pk[model] = {tuple(key): pk for pk, key in rows.items()}

    def key(self, model, pk):
        self._load(model)
        return self.to_key[model].get(pk)

    def pk(self, model, key):
        self._load(model)
        found = self.to_pk[model].get(tuple(key))
        if found is None:
            raise LookupError(f"{model._meta.label_lower} {'/'.join(map(str, key))} is missing")
        return found


def by_natural_key(model, excluded):
    """{column: related model} of the relations written by natural key."""
    return {
        field.attname: field.related_model
        for field in model._meta.concrete_fields
        if field.is_relation and rebuilt_by_migrate(field.related_model, excluded)
    }


def write_lines(database, excluded, counts=None):
    """The backup's lines (text, each ending in a newline), table by table."""
    keys = KeyMaps(database)
    for model in backed_up_models(excluded):
        label = model._meta.label_lower
        columns = [field.attname for field in model._meta.concrete_fields]
        pk_column = model._meta.pk.attname
        natural = by_natural_key(model, excluded)
        queryset = model._base_manager.using(database).order_by("pk").values_list(*columns)
        rows = 0
        for values in queryset.iterator(chunk_size=BATCH_SIZE):
            fields = dict(zip(columns, values, strict=True))
            pk = fields.pop(pk_column)
            for column, related in natural.items():
                if fields[column] is not None:
                    fields[column] = keys.key(related, fields[column])
            yield (
                json.dumps(
                    {"model": label, "pk": pk, "fields": fields},
                    ensure_ascii=False,
                    default=encode,
                    separators=(",", ":"),
                )
                + "\n"
            )
            rows += 1
        if counts is not None and rows:
            counts[label] = rows


@contextmanager
def timestamps_kept(model):
    """auto_now fields keep the values given during bulk_create, as a raw save (loaddata)
    does; bulk_create would otherwise stamp every row with the time of the insert."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class LineError(ValueError):
    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}")


def read_lines(lines, database, excluded, overwrite=False):
    """Insert the rows of `lines` (an iterable of text lines) in batches; returns
    {model label: rows}. With overwrite, a row whose primary key exists replaces it."""
    keys = KeyMaps(database)
    counts, batch, model, converters = {}, [], None, None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
            label, pk, fields = row["model"], row["pk"], row["fields"]
            row_model = apps.get_model(label)
        except (ValueError, KeyError, TypeError, LookupError) as error:
            raise LineError(number, f"not a record line ({error})") from None
        if row_model is not model:
            insert(model, batch, database, overwrite)
            batch, model = [], row_model
            converters = column_converters(model, excluded, keys)
        try:
            values = {column: converters[column](value) for column, value in fields.items()}
        except KeyError as error:
            raise LineError(number, f"{label} has no column {error}") from None
        except (ValueError, TypeError, LookupError) as error:
            raise LineError(number, f"{label} {pk}: {error}") from None
        values[model._meta.pk.attname] = pk
        batch.append(model(**values))
        counts[label] = counts.get(label, 0) + 1
        if len(batch) >= BATCH_SIZE:
            insert(model, batch, database, overwrite)
            batch = []
    insert(model, batch, database, overwrite)
    return counts


def column_converters(model, excluded, keys):
    natural = by_natural_key(model, excluded)
    converters = {}
    for field in model._meta.concrete_fields:
        if field.attname in natural:
            related = natural[field.attname]
            converters[field.attname] = lambda key, related=related: (
                None if key is None else keys.pk(related, key)
            )
        elif field.is_relation:
            converters[field.attname] = field.target_field.to_python
        elif isinstance(field, models.JSONField):
            converters[field.attname] = lambda value: value
        else:
            converters[field.attname] = field.to_python
    return converters


def insert(model, batch, database, overwrite):
    if not batch:
        return
    manager = model._base_manager.using(database)
    with timestamps_kept(model):
        if not overwrite:
            manager.bulk_create(batch)
            return
        others = [
            field.name
            for field in model._meta.concrete_fields
            if not field.primary_key and not field.auto_created
        ]
        if others and not model._meta.auto_created:
            manager.bulk_create(
                batch, update_conflicts=True, unique_fields=["pk"], update_fields=others
            )
        else:
            manager.bulk_create(batch, ignore_conflicts=True)


def reset_sequences(database, model_labels):
    from django.core.management.color import no_style

    connection = connections[database]
    statements = connection.ops.sequence_reset_sql(
        no_style(), [apps.get_model(label) for label in model_labels]
    )
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
