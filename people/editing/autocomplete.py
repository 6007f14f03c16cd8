"""Autocomplete widgets that show their selected records without one query each.

Django's autocomplete widget looks up its selected option when it renders, one query per
widget: an event's change form with twenty inline rows, each naming a person, an
organization and a source, asks the database sixty times for rows it could read in three.
Before the change form renders, `PreloadedAutocompleteAdmin.render_change_form` gathers the
values of every autocomplete widget on the page (the form and every inline row), reads the
records of each model in one query, and hands each widget the ones it shows.
"""

from collections import defaultdict

from django import forms
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.utils.translation import gettext as _

from .quick_add import quick_add_url


class PreloadedOptionsMixin:
    """An autocomplete widget that takes its selected records from `preloaded` when set;
    with a `data-quick-add-url`, one that can add a record not found (quick_add.py)."""

    preloaded = None

    @property
    def media(self):
        media = super().media
        if self.attrs.get("data-quick-add-url"):
            # In one list with the autocomplete's own files, so that it loads after them.
            media += forms.Media(
                js=[*media._js, "editing/quick-add.js"], css={"all": ["editing/quick-add.css"]}
            )
        return media

    def optgroups(self, name, value, attr=None):
        if self.preloaded is None:
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        selected_choices = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        label = self.choices.field.label_from_instance
        has_selected = False
        # The records in the order the query would have given them: the model's ordering.
        for key, record in self.preloaded:
            if key not in selected_choices:
                continue
            selected = key in value and (has_selected is False or self.allow_multiple_selected)
            has_selected |= selected
            default[1].append(
                self.create_option(
                    name,
                    record_value(record, self),
                    label(record),
                    selected_choices,
                    len(default[1]),
                )
            )
        return [default]


class PreloadedAutocompleteSelect(PreloadedOptionsMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedOptionsMixin, AutocompleteSelectMultiple):
    pass


def to_field_attname(widget):
    """The column the widget's values name (the primary key unless the relation says)."""
    opts = widget.field.remote_field.model._meta
    name = getattr(widget.field.remote_field, "field_name", opts.pk.attname)
    return opts.get_field(name).attname


def record_value(record, widget):
    return getattr(record, to_field_attname(widget))


class PreloadedAutocompleteFieldsMixin:
    """For a ModelAdmin or an inline: its autocomplete fields use the preloading widgets,
    and those naming a record that can be added from the box say where."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field,
                self.admin_site,
                attrs=self.quick_add_attrs(db_field),
                using=kwargs.get("using"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelectMultiple(
                db_field,
                self.admin_site,
                attrs=self.quick_add_attrs(db_field),
                using=kwargs.get("using"),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def quick_add_attrs(self, db_field):
        model = db_field.remote_field.model
        url = quick_add_url(self.admin_site, model)
        if url is None:
            return None
        return {
            "data-quick-add-url": url,
            # %(term)s is what the editor typed; the script puts it in.
            "data-quick-add-label": _("Add “%(term)s” as a new %(model)s…")
            % {"term": "%(term)s", "model": model._meta.verbose_name},
        }


class PreloadedAutocompleteAdmin(PreloadedAutocompleteFieldsMixin):
    """A ModelAdmin whose change form reads the selected records of all its autocomplete
    widgets, its inlines' included, in one query per model."""

    def render_change_form(self, request, context, *args, **kwargs):
        forms = [context["adminform"].form]
        for inline in context.get("inline_admin_formsets", []):
            forms.extend(inline.formset.forms)
        preload_autocomplete_options(forms)
        return super().render_change_form(request, context, *args, **kwargs)


def preload_autocomplete_options(forms):
    """Give every preloading widget of these forms the records its values name."""
    wanted = defaultdict(list)  # (queryset SQL, column) -> [(widget, values)]
    querysets = {}
    for form in forms:
        for name, field in form.fields.items():
            widget = field.widget
            if isinstance(widget, RelatedFieldWidgetWrapper):
                widget = widget.widget
            if not isinstance(widget, PreloadedOptionsMixin):
                continue
            value = form[name].value()
            values = value if isinstance(value, list | tuple) else [value]
            values = {str(v) for v in values if v not in field.empty_values}
            queryset = widget.choices.queryset.using(widget.db)
            key = (widget.field.remote_field.model, str(queryset.query), to_field_attname(widget))
            querysets[key] = queryset
            wanted[key].append((widget, values))
    for key, widgets in wanted.items():
        column = key[2]
        values = set().union(*(values for _widget, values in widgets))
        records = list(querysets[key].filter(**{f"{column}__in": values})) if values else []
        found = [(str(getattr(record, column)), record) for record in records]
        for widget, _values in widgets:
            widget.preloaded = found
