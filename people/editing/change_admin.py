"""Admin half of the record of saves (changes.py): snapshots around each save, and the
History page that lists the saves, each once, with every changed field old → new."""

from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.models import _get_foreign_key
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from .changes import RecordChange, record_change, snapshot

SNAPSHOT_ATTRIBUTE = "_record_snapshot_before"


class SaveHistoryMixin:
    """For a ModelAdmin: keep what each save changed and show it on the History page."""

    object_history_template = "admin/editing/object_history.html"
    saves_per_page = 25

    def snapshot_plan(self, request, obj):
        """The record's form fields and, per inline, (model, foreign key, form fields)."""
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        inlines = []
        for inline in self.get_inline_instances(request, obj):
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            inlines.append(
                (inline.model, fk.name, flatten_fieldsets(inline.get_fieldsets(request, obj)))
            )
        return fields, inlines

    def take_snapshot(self, request, obj):
        fields, inlines = self.snapshot_plan(request, obj)
        stored = self.model._base_manager.get(pk=obj.pk)
        return snapshot(stored, fields, inlines)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                setattr(request, SNAPSHOT_ATTRIBUTE, self.take_snapshot(request, obj))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        record_change(obj, request.user, {}, self.take_snapshot(request, obj), _("Added"))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        before = getattr(request, SNAPSHOT_ATTRIBUTE, None)
        if before is not None:
            # A replayed revision says who published it (review.py).
            summary = getattr(request, "record_change_summary", "")
            record_change(obj, request.user, before, self.take_snapshot(request, obj), summary)
        return super().log_change(request, obj, message)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/saves/<int:change_id>/",
                self.admin_site.admin_view(self.record_change_view),
                name=f"{opts.app_label}_{opts.model_name}_record_change",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        saves = None
        if obj is not None:
            saves = Paginator(RecordChange.objects.of(obj), self.saves_per_page).get_page(
                request.GET.get("saves")
            )
        return super().history_view(request, object_id, {**(extra_context or {}), "saves": saves})

    def record_change_view(self, request, object_id, change_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        change = get_object_or_404(RecordChange.objects.of(obj), pk=change_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Save of %(date)s") % {"date": change.changed_at.strftime("%Y-%m-%d %H:%M")},
            "opts": self.model._meta,
            "object": obj,
            "change": change,
        }
        return TemplateResponse(request, "admin/editing/record_change.html", context)
