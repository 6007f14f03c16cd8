"""The admin base every record's admin builds on: history with a baseline entry, a version
that refuses a stale save, and (for translated models) the languages side by side."""

from django.db import models
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .change_admin import SaveHistoryMixin
from .history import BaselineHistoryMixin
from .languages import LanguageColumnsMixin
from .versions import VersionedAdminMixin

# Addresses typed without a scheme are taken as https (Django 6's default, set now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class RecordHistoryAdmin(
    SaveHistoryMixin, BaselineHistoryMixin, VersionedAdminMixin, SimpleHistoryAdmin
):
    """A versioned record with its history: every save once, with what it changed."""

    formfield_overrides = URL_FIELDS
    history_list_display = ["version"]


class TranslatedRecordAdmin(LanguageColumnsMixin, RecordHistoryAdmin, TranslationAdmin):
    """A versioned record with its history and its translations side by side."""
