"""
No lost updates in the admin: a record's form carries the version it was opened at, and a save
is refused when the record has moved on since.

The form checks the version while validating (locking the row where the database can), so the
usual case ends in a form error that keeps the editor's input; the save itself then claims the
version with a conditional UPDATE, so two saves racing past validation cannot both win.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

VERSION_FIELD = "version_seen"


class VersionConflict(Exception):
    """Someone else saved the record between this editor's validation and save."""


class VersionedForm(forms.ModelForm):
    """A model form for a model with a ``version`` counter."""

    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # A parent form is checked on every save, because its inlines are saved with it; an inline
    # form only when the editor changed it.
    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[VERSION_FIELD].initial = self.instance.version

    def must_check(self):
        if not self.instance.pk:
            return False
        return self.check_unchanged or any(name != VERSION_FIELD for name in self.changed_data)

    def clean(self):
        cleaned_data = super().clean()
        if self.must_check():
            current = list(
                type(self.instance)
                ._base_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
            )
            if not current:
                raise forms.ValidationError(
                    _("Someone else deleted this record while you were editing it."),
                    code="deleted",
                )
            if current[0] != cleaned_data.get(VERSION_FIELD):
                raise forms.ValidationError(self.conflict_message(), code="conflict")
        return cleaned_data

    def conflict_message(self):
        opts = self.instance._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.instance.pk])
        return format_html(
            '{} <a href="{}">{}</a> {}',
            _(
                "Someone else changed “%(record)s” after you opened it, so your changes were not "
                "saved."
            )
            % {"record": self.instance},
            url,
            _("Reload the record"),
            _("to see their version, then make your changes again."),
        )

    def claim_version(self):
        """Move the stored version on by one, if it is still the one this form was opened at."""
        seen = self.cleaned_data.get(VERSION_FIELD)
        claimed = (
            type(self.instance)
            ._base_manager.filter(pk=self.instance.pk, version=seen)
            .update(version=F("version") + 1)
        )
        if claimed != 1:
            raise VersionConflict(self.instance)
        self.instance.version = seen + 1

    def save(self, commit=True):
        # The admin saves a parent through save_model (claiming there) and inline forms here.
        if commit and self.must_check():
            self.claim_version()
        return super().save(commit=commit)


class VersionedInlineForm(VersionedForm):
    check_unchanged = False


class VersionFieldMixin:
    """Puts the hidden version into the fieldsets of an existing record's form."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]


class VersionedInlineMixin(VersionFieldMixin):
    form = VersionedInlineForm


class VersionedAdminMixin(VersionFieldMixin):
    """Admin half of the check: the hidden version in the form, the claim on save, and a
    clear message rather than an error page if a save loses the race."""

    form = VersionedForm

    def save_model(self, request, obj, form, change):
        if change:
            form.claim_version()
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionConflict as conflict:
            # The transaction of the whole save was rolled back on the way out.
            (record,) = conflict.args
            messages.error(
                request,
                _(
                    "Someone else changed “%(record)s” while you were saving, so your changes "
                    "were not saved. The page now shows their version."
                )
                % {"record": record},
            )
            return redirect(request.get_full_path())
