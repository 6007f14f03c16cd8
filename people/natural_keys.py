"""
Natural keys as field lookups: one definition serves both a single look-up
(`get_by_natural_key`, used by loaddata and the serializers) and the bulk look-ups of
import_records, which resolve every key of a model in one query instead of one per reference.
"""

from django.db import models


class NaturalKeyQuerySet(models.QuerySet):
    # The lookups, in the order of the model's natural_key(): a relation's part is its own
    # natural key's lookup behind the relation's name ("event__slug").
    natural_key_fields = ("slug",)

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.natural_key_fields, key, strict=True)))

    def natural_key_map(self):
        """{natural key tuple: primary key} of every row, in one query."""
        fields = self.natural_key_fields
        return {tuple(row[:-1]): row[-1] for row in self.order_by().values_list(*fields, "pk")}
