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
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
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
                self.merge_or_refuse(cleaned_data, current[0])
        return cleaned_data

    def merge_or_refuse(self, cleaned_data, current_version):
        """Someone saved since the form was opened. Where they changed other fields than this
        editor, take theirs for those and go on (the save merges); where both changed the
        same field, refuse, naming who and when, with their value beside this editor's,
        which stays in the form."""
        seen = cleaned_data.get(VERSION_FIELD)
        history = getattr(type(self.instance), "history", None)
        opened = stored_then = None
        if history is not None and seen is not None:
            pk = {self.instance._meta.pk.attname: self.instance.pk}
            opened = history.filter(version=seen, **pk).order_by("-history_date").first()
            stored_then = history.filter(version=current_version, **pk).first()
        if opened is None:
            raise forms.ValidationError(self.conflict_message(), code="conflict")
        stored = type(self.instance)._base_manager.get(pk=self.instance.pk)
        theirs, mine, unknown = set(), set(), False
        for name in self.fields:
            field = model_field(self.instance, name)
            if field is None:
                continue
            if field.many_to_many:
                # No stored state of links at opening: a difference cannot be attributed.
                posted = {getattr(item, "pk", item) for item in cleaned_data.get(name) or []}
                now = set(getattr(stored, name).values_list("pk", flat=True))
                unknown = unknown or posted != now
                continue
            then = getattr(opened, field.attname)
            if not same(getattr(stored, field.attname), then):
                theirs.add(name)
            if name in cleaned_data and not same(form_value(field, cleaned_data[name]), then):
                mine.add(name)
        who = getattr(stored_then, "history_user", None) if stored_then else None
        when = getattr(stored_then, "history_date", None) if stored_then else None
        clashes = theirs & mine
        if clashes or unknown:
            self.refuse(clashes, stored, who, when, current_version)
        for name in theirs:
            field = model_field(self.instance, name)
            cleaned_data[name] = getattr(stored, field.name)
        cleaned_data[VERSION_FIELD] = current_version
        self.merged = MergedChanges(sorted(theirs, key=list(self.fields).index), who, when)
        # Rows edited in the same save cannot be told apart from theirs: their formsets
        # check this mark (VersionedInlineFormSet).
        self.instance._merged_since_opened = self.merged

    def refuse(self, clashes, stored, who, when, current_version):
        for name in clashes:
            field = model_field(self.instance, name)
            self.add_error(
                name,
                forms.ValidationError(
                    _(
                        "%(who)s changed this at %(when)s to: “%(value)s”. Your text is kept here; "
                        "save again to replace theirs with it, or change it."
                    ),
                    code="conflict",
                    params={
                        "who": who or _("Someone else"),
                        "when": when_label(when),
                        "value": display(stored, field),
                    },
                ),
            )
        # Saving again means: this editor has seen theirs and keeps this text.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = str(current_version)
        raise forms.ValidationError(self.conflict_message(who, when), code="conflict")

    def conflict_message(self, who=None, when=None):
        opts = self.instance._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.instance.pk])
        by = ""
        if who or when:
            by = _(" (%(who)s, %(when)s)") % {
                "who": who or _("someone"),
                "when": when_label(when),
            }
        return format_html(
            '{} <a href="{}">{}</a> {}',
            _(
                "Someone else changed “%(record)s”%(by)s after you opened it, so your changes "
                "were not saved yet. What you typed is still in the form; the fields you both "
                "changed show their value."
            )
            % {"record": self.instance, "by": by},
            url,
            _("Reload the record"),
            _("to start again from their version (this drops what you typed)."),
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


class MergedChanges:
    """What another editor changed that a save took in: field names, who and when."""

    def __init__(self, fields, who, when):
        self.fields, self.who, self.when = fields, who, when

    def message(self, form):
        labels = ", ".join(str(form.fields[name].label or name) for name in self.fields)
        if not labels:
            return _(
                "%(who)s saved this record at %(when)s after you opened it; your changes were "
                "merged with theirs."
            ) % {"who": self.who or _("Someone else"), "when": when_label(self.when)}
        return _(
            "%(who)s changed %(fields)s at %(when)s after you opened this record; their "
            "changes were kept and merged with yours."
        ) % {"who": self.who or _("Someone else"), "when": when_label(self.when), "fields": labels}


class VersionedInlineFormSet(BaseInlineFormSet):
    """Refuses changed rows when the parent's save merged with someone else's: rows have
    no state stored at opening to merge with, so theirs might be overwritten."""

    def clean(self):
        super().clean()
        merged = getattr(self.instance, "_merged_since_opened", None)
        if merged is None:
            return
        if any(form.has_changed() for form in self.forms if not form.instance._state.adding):
            raise forms.ValidationError(
                _(
                    "%(who)s saved this record at %(when)s after you opened it, and rows "
                    "of it may have changed: your changes to these rows were not saved yet. "
                    "What you typed is still here; reload the record to compare."
                )
                % {"who": merged.who or _("Someone else"), "when": when_label(merged.when)},
                code="conflict",
            )


def model_field(instance, name):
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "editable", False) and not field.auto_created else None


def form_value(field, value):
    """A cleaned form value as the model stores it (a linked record by its key)."""
    if field.is_relation:
        return getattr(value, "pk", value)
    if isinstance(value, FieldFile):
        return value.name
    return value


def same(one, other):
    """Equal as an editor sees them: an empty text and a missing one are the same."""
    return (one if one is not None else "") == (other if other is not None else "")


def display(instance, field):
    value = getattr(instance, field.name)
    if field.choices:
        return getattr(instance, f"get_{field.name}_display")()
    return "" if value is None else str(value)


def when_label(when):
    if when is None:
        return _("an unknown time")
    return date_format(timezone.localtime(when), "DATETIME_FORMAT")


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
        merged = getattr(form, "merged", None)
        if merged is not None:
            messages.info(request, merged.message(form))

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            if not issubclass(inline.formset, VersionedInlineFormSet):
                inline.formset = type(
                    inline.formset.__name__, (VersionedInlineFormSet, inline.formset), {}
                )
        return inlines

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
