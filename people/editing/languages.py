"""
Language columns in the admin side by side: a translated field's English and Chinese inputs
share one row, each input is marked with its language (so the browser and screen readers
treat typed Chinese as Chinese), and a column the record does not use folds away behind an
"add" button (static/editing/language_columns.js; without script both columns just show).
"""

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname


def language_tag(code):
    """BCP 47 as HTML writes it: en, zh-Hans."""
    language, _sep, script = code.partition("-")
    return f"{language}-{script.title()}" if script else language


def group_languages(fields, bases):
    """["title_en", "title_zh_hans", "slug"] → [("title_en", "title_zh_hans"), "slug"]:
    consecutive columns of one translated field (`bases` maps column → field) in one row."""
    rows = []
    for entry in fields:
        base = bases.get(entry) if isinstance(entry, str) else None
        if base and rows and isinstance(rows[-1], list) and bases[rows[-1][0]] == base:
            rows[-1].append(entry)
        else:
            rows.append([entry] if base else entry)
    return [
        (tuple(row) if len(row) > 1 else row[0]) if isinstance(row, list) else row for row in rows
    ]


class LanguageColumnsMixin:
    """For a modeltranslation admin or inline (anything with `trans_opts`)."""

    class Media:
        css = {"all": ["editing/language_columns.css"]}
        js = ["editing/language_columns.js"]

    def localized_names(self):
        """{"title_en": "title", "title_zh_hans": "title", …} for this admin's model."""
        names = {}
        for field in self.trans_opts.fields:
            for code, _name in settings.LANGUAGES:
                names[build_localized_fieldname(field, code)] = (field, code)
        return names

    def get_fieldsets(self, request, obj=None):
        bases = {name: field for name, (field, _code) in self.localized_names().items()}
        return [
            (name, {**options, "fields": group_languages(options["fields"], bases)})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        localized = self.localized_names().get(db_field.name)
        if field is not None and localized:
            field.widget.attrs["lang"] = language_tag(localized[1])
        return field
