"""
A cheaper `get_FOO_display()` for models with choices.

Django's version rebuilds a dict of every choice on each call, hashing each lazily
translated label, which translates it: a page that shows twenty events' kinds and their
organizations' parts ran hundreds of translations to print a few dozen labels
(bench/README.md). Here the choices are
mapped once per field and only the label shown is translated.
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS = {}


class ChoiceLabels:
    def _get_FIELD_display(self, field):
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = {
                make_hashable(value): label for value, label in field.flatchoices
            }
        value = getattr(self, field.attname)
        # force_str() turns the lazy label into text in the active language.
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
