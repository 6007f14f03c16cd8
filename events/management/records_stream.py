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
        if model._meta.proxy or not model._meta.managed:
            continue
        if rebuilt_by_migrate(model, excluded):
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
        # A plain QuerySet: the models' managers (modeltranslation's among them) rewrite each
        # row for the active language, which is not what is stored and costs two thirds of
        # the time.
        queryset = models.QuerySet(model, using=database).order_by("pk").values_list(*columns)
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
    counts, table = {}, None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
            label, pk, fields = row["model"], row["pk"], row["fields"]
            model = apps.get_model(label)
        except (ValueError, KeyError, TypeError, LookupError) as error:
            raise LineError(number, f"not a record line ({error})") from None
        if table is None or model is not table.model:
            if table is not None:
                table.flush()
            table = Table(model, database, excluded, keys, overwrite)
        try:
            table.add(pk, fields)
        except KeyError as error:
            raise LineError(number, f"{label} has no column {error}") from None
        except (ValueError, TypeError, LookupError) as error:
            raise LineError(number, f"{label} {pk}: {error}") from None
        counts[label] = counts.get(label, 0) + 1
    if table is not None:
        table.flush()
    return counts


# Fields whose JSON value (text, number, true/false) is already what the database takes.
AS_WRITTEN = {
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.EmailField,
    models.IntegerField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.SmallIntegerField,
    models.TextField,
    models.URLField,
}


class Table:
    """One table's rows on their way in, BATCH_SIZE at a time. Into an empty table each
    column is converted as its field would convert it and a batch is one executemany,
    past the models' __init__ and the ORM's compiler, which cost most of the time at
    100,000 events. With overwrite (restore --force), rows go through bulk_create's
    upsert instead."""

    def __init__(self, model, database, excluded, keys, overwrite):
        self.model, self.database, self.overwrite = model, database, overwrite
        self.connection = connections[database]
        self.batch = []
        meta = model._meta
        self.fields = meta.concrete_fields
        self.pk = meta.pk.attname
        natural = by_natural_key(model, excluded)
        self.convert = {}
        for field in self.fields:
            if field.attname in natural:
                related = natural[field.attname]
                self.convert[field.attname] = lambda key, related=related: keys.pk(related, key)
            else:
                self.convert[field.attname] = self.converter(
                    field.target_field if field.is_relation else field
                )

    def converter(self, field):
        connection, to_database = self.connection, not self.overwrite
        if isinstance(field, models.JSONField):
            if to_database:
                return lambda value: field.get_db_prep_save(value, connection)
            return None
        if type(field) in AS_WRITTEN:
            return None
        if to_database:
            return lambda value: field.get_db_prep_save(field.to_python(value), connection)
        return field.to_python

    def add(self, pk, fields):
        extra = set(fields) - {field.attname for field in self.fields}
        if extra:
            raise KeyError(sorted(extra)[0])
        values = []
        for field in self.fields:
            column = field.attname
            value = pk if column == self.pk else fields[column]
            convert = self.convert[column]
            if convert is not None and value is not None:
                value = convert(value)
            values.append(value)
        self.batch.append(values)
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self):
        batch, self.batch = self.batch, []
        if not batch:
            return
        if self.overwrite:
            self.upsert(batch)
            return
        quote = self.connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        names = ", ".join(quote(field.column) for field in self.fields)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                # COPY: five times faster than executemany's INSERTs on PostgreSQL.
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(self.fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)

    def upsert(self, batch):
        columns = [field.attname for field in self.fields]
        objects = [self.model(**dict(zip(columns, values, strict=True))) for values in batch]
        manager = models.QuerySet(self.model, using=self.database)
        meta = self.model._meta
        others = [field.name for field in self.fields if not field.primary_key]
        with timestamps_kept(self.model):
            if others and not meta.auto_created:
                manager.bulk_create(
                    objects, update_conflicts=True, unique_fields=["pk"], update_fields=others
                )
            else:
                manager.bulk_create(objects, ignore_conflicts=True)


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
