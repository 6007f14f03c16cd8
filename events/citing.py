"""
Citing by selection in the admin: the panel of source texts beside a form
(templates/admin/events/cite_panel.html, static/js/cite-panel.js), the offsets of the passage
the editor selected, and the text of a source for the panel of a form that has none yet.

A passage may occur more than once in a source ("It was held." twice); the selection's offsets
tie the quote to the occurrence the editor selected. The offsets travel in hidden fields
beside each quote; the server takes them only when they changed (a new selection) and the
source's text at those offsets reads as the quote, with the same tolerance as any quote.
"""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from . import quotes


class SelectedPassageForm:
    """Form half: the hidden offsets of each quote, checked against the quote and source."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored offsets, so that the panel highlights the occurrence actually cited; an
        # unchanged value is not a new selection.
        for _quote, start, end in self._meta.model.quote_fields:
            self.initial.setdefault(start, getattr(self.instance, start))
            self.initial.setdefault(end, getattr(self.instance, end))

    def clean(self):
        cleaned_data = super().clean()
        for quote, start, end in self._meta.model.quote_fields:
            if start not in self.changed_data and end not in self.changed_data:
                continue
            at = cleaned_data.get(start), cleaned_data.get(end)
            source = cleaned_data.get("source")
            words = cleaned_data.get(quote) or ""
            if None in at or source is None or not source.text or not words.strip():
                # Not a selection (cleared after the quote was typed over): the model anchors
                # the quote where it was before, or at its first occurrence.
                continue
            passage = quotes.passage_at(words, source.text, *at)
            if passage is None:
                self.add_error(
                    quote,
                    _(
                        "The passage selected in the source (characters %(start)s to %(end)s) "
                        "does not read as this quote: select it again, or type the quote "
                        "without selecting."
                    )
                    % {"start": at[0], "end": at[1]},
                )
                continue
            setattr(self.instance, start, passage.start)
            setattr(self.instance, end, passage.end)
        return cleaned_data


def selected_passage_form(form_class, model):
    """`form_class` with a hidden start and end beside each of `model`'s quotes."""
    if issubclass(form_class, SelectedPassageForm):
        return form_class
    offsets = {}
    for _quote, start, end in model.quote_fields:
        for name in (start, end):
            offsets[name] = forms.IntegerField(
                required=False, min_value=0, widget=forms.HiddenInput
            )
    return type(form_class)(form_class.__name__, (SelectedPassageForm, form_class), offsets)


class SelectedPassageMixin:
    """For the admin or inline of a cited model (events.models.evidence.Cited)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = selected_passage_form(self.form, self.model)

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": with_offsets(options["fields"], self.model)})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def without_offsets(self, request, obj, kwargs):
        # The offsets are the form's own fields: the model keeps them out of its forms.
        offsets = {name for field in self.model.quote_fields for name in field[1:]}
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [name for name in kwargs["fields"] if name not in offsets]
        return kwargs

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, **self.without_offsets(request, obj, kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **self.without_offsets(request, obj, kwargs))


def with_offsets(fields, model):
    """The fieldset's lines with a hidden line of offsets after each quote's line."""
    lines = []
    for line in fields:
        lines.append(line)
        names = line if isinstance(line, tuple | list) else (line,)
        for quote, start, end in model.quote_fields:
            if quote in names:
                lines.append((start, end))
    return lines


class CitePanelMixin:
    """A change or add form with the text of the record's sources beside it, to cite by
    selecting. On a form without a saved source, the panel loads the text of each source the
    editor picks (`SourceTextMixin`)."""

    change_form_template = "admin/events/cite_change_form.html"

    def cite_sources(self, obj):
        raise NotImplementedError

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        sources = [] if obj is None else [s for s in self.cite_sources(obj) if s.text]
        context["cite_sources"] = sources
        context["cite_source_text_url"] = reverse(
            "admin:events_source_text", args=[0], current_app=self.admin_site.name
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


class SourceTextMixin:
    """For the sources' admin: /admin/events/source/<pk>/text/, the source's text as JSON,
    for an editor who may view sources."""

    def get_urls(self):
        return [
            path(
                "<int:pk>/text/",
                self.admin_site.admin_view(self.text_view),
                name="events_source_text",
            ),
            *super().get_urls(),
        ]

    def text_view(self, request, pk):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        source = get_object_or_404(self.model, pk=pk)
        return JsonResponse(
            {
                "id": source.pk,
                "title": source.title,
                "text": source.text,
                "language": source.language,
            }
        )
