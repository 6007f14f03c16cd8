"""The admin base every record's admin builds on: history with a baseline entry, a version
that refuses a stale save, and (for translated models) the languages side by side."""

from django.contrib import messages
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .autocomplete import PreloadedAutocompleteAdmin
from .change_admin import SaveHistoryMixin
from .history import BaselineHistoryMixin
from .languages import LanguageColumnsMixin
from .review import ReviewBeforePublishingMixin
from .versions import VersionedAdminMixin

# Addresses typed without a scheme are taken as https (Django 6's default, set now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SaveMessageMixin:
    """After a save, say where the record stands and lead to it: a draft's preview, a
    published record's public page."""

    def response_add(self, request, obj, post_url_continue=None):
        self.message_where(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self.message_where(request, obj)
        return super().response_change(request, obj)

    def message_where(self, request, obj):
        if not hasattr(obj, "get_absolute_url"):
            return
        url = obj.get_absolute_url()
        published = getattr(obj, "is_published", None)
        if published is None and hasattr(obj, "event"):
            published = obj.event.is_published
        if published is False:
            text, link = _("Saved as a draft: not public."), _("Preview it")
        elif published:
            text, link = _("Published: the public page shows this version."), _("Open it")
        else:
            text, link = _("Saved."), _("View it on the site")
        messages.info(request, format_html('{} <a href="{}">{}</a>', text, url, link))


class RecordHistoryAdmin(
    ReviewBeforePublishingMixin,
    SaveMessageMixin,
    SaveHistoryMixin,
    PreloadedAutocompleteAdmin,
    BaselineHistoryMixin,
    VersionedAdminMixin,
    SimpleHistoryAdmin,
):
    """A versioned record with its history: every save once, with what it changed; a change
    to a public record by an editor who may not publish waits for review; its change form
    reads the records its autocomplete widgets show in one query per model."""

    formfield_overrides = URL_FIELDS
    history_list_display = ["version"]


class TranslatedRecordAdmin(LanguageColumnsMixin, RecordHistoryAdmin, TranslationAdmin):
    """A versioned record with its history and its translations side by side."""
