"""
Review before publishing: an editor's change to a public record is kept as a pending revision
instead of changing the record, until someone who may publish opens it, reads what it would
change and publishes or rejects it.

A revision is the change form's POST data (the record's fields and every inline row) with the
version of the record it was made against. Nothing of it reaches a stored record, so no public
page, export, feed, search or API can show it. Publishing replays it through the same
ModelAdmin change form as the editor who made it (their fields, their read-only fields), so it
meets the same validation, history, cache retirement and conflict check (VersionedForm merges
what others changed since and refuses a field both changed). What a revision would change is
found the same way: the replay is saved and rolled back, and the record's snapshot before and
after gives the field-by-field difference the History page shows.
"""

import copy

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage.base import BaseStorage
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .changes import differences
from .revisions import PendingRevision

# Marks on the request of a replayed revision (set here, read by the mixins below it).
APPLYING = "_applying_revision"
SAVED = "_revision_saved"
SUMMARY = "record_change_summary"


def form_data(post):
    """What of a change form's POST a revision keeps: every field, not the buttons pressed
    (“_save”, “_continue”) nor the CSRF token."""
    return {
        name: post.getlist(name)
        for name in post
        if not name.startswith("_") and name != "csrfmiddlewaretoken"
    }


class CollectedMessages(BaseStorage):
    """Messages of a replayed save, kept aside instead of shown to whoever replays it."""

    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []

    @property
    def collected(self):
        return [*self._loaded_messages, *self._queued_messages]


class Replay:
    """One save of a revision's data through the change form: saved, or the form's answer."""

    def __init__(self, response, saved, changes, collected):
        self.response, self.saved, self.changes, self.collected = (
            response,
            saved,
            changes,
            collected,
        )

    @property
    def errors(self):
        """The form's errors and the messages of a refused save, as text."""
        found = [str(message) for message in self.collected if message.level >= messages.WARNING]
        context = getattr(self.response, "context_data", None) or {}
        for error_list in context.get("errors") or []:
            found.extend(str(error) for error in error_list)
        return found


class ReviewBeforePublishingMixin:
    """For a ModelAdmin: a change to a public record by someone who may not publish becomes
    a pending revision; a publisher publishes or rejects it from its page."""

    # "app_label.codename" of the permission to publish; without one nothing is reviewed.
    publish_permission = None

    def is_public(self, obj):
        """Whether readers can see this record now (a subclass says when)."""
        return False

    def may_publish(self, request):
        return self.publish_permission is None or request.user.has_perm(self.publish_permission)

    def needs_review(self, request, obj):
        if obj is None or getattr(request, APPLYING, False) or self.may_publish(request):
            return False
        # Asked by the form, its delete link and the save: once per request and record.
        cache = request.__dict__.setdefault("_needs_review", {})
        key = (self.model, obj.pk)
        if key not in cache:
            cache[key] = self.is_public(obj)
        return cache[key]

    def has_delete_permission(self, request, obj=None):
        # Deleting a public record would change what readers see without review.
        if obj is not None and self.needs_review(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    # The editor's save

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None and not hasattr(request, APPLYING):
            obj = self.get_object(request, unquote(object_id))
            if self.needs_review(request, obj):
                return self.submit_for_review(request, obj, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def submit_for_review(self, request, obj, form_url, extra_context):
        data = form_data(request.POST)
        replay = self.replay(
            request, obj, data, request.user, keep=False, extra_context=extra_context
        )
        if replay.saved is None:
            # The form with its errors and what was typed (its page shows the replay's
            # messages), or a save that lost a race after validation (its message says so).
            if not isinstance(replay.response, HttpResponseRedirect):
                return replay.response
            for message in replay.collected:
                messages.add_message(request, message.level, message.message)
            return HttpResponseRedirect(request.get_full_path())
        if request.FILES:
            messages.warning(
                request,
                gettext(
                    "The file you chose was not kept: files of a public record are changed by "
                    "a publisher."
                ),
            )
        if not replay.changes:
            messages.info(request, gettext("Nothing was changed."))
            return HttpResponseRedirect(request.get_full_path())
        version = data.get("version_seen", [""])[0]
        revision = PendingRevision.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            record_label=str(obj)[:300],
            base_version=int(version) if version.isdigit() else getattr(obj, "version", None),
            data=data,
            changes=replay.changes,
            submitted_by=request.user,
        )
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                gettext(
                    "Saved as pending review: the public page keeps the published version "
                    "until a publisher publishes your change."
                ),
                revision.get_absolute_url(),
                gettext("See your change"),
            ),
        )
        return HttpResponseRedirect(self.after_review_url(request, obj))

    def after_review_url(self, request, obj):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )

    # Replaying a revision

    def replay(self, request, obj, data, user, *, keep, extra_context=None):
        """Save `data` through this record's change form as `user` would; keep the save only
        if `keep`. Returns what it changed, or the form's answer when it could not save."""
        if not isinstance(data, QueryDict):
            query = QueryDict(mutable=True)
            for name, values in data.items():
                query.setlist(name, values)
            data = query
        replayed = copy.copy(request)
        replayed.method = "POST"
        replayed.POST = data
        replayed._files = MultiValueDict()
        replayed.user = user
        replayed._messages = CollectedMessages(replayed)
        setattr(replayed, APPLYING, True)
        if keep and user != request.user:
            setattr(
                replayed,
                SUMMARY,
                gettext("Published after review by %(publisher)s")
                % {"publisher": request.user.get_username()},
            )
        saved = changes = None
        with transaction.atomic(using=router.db_for_write(self.model)):
            before = self.take_snapshot(replayed, obj)
            response = super().changeform_view(replayed, str(obj.pk), "", extra_context)
            saved = getattr(replayed, SAVED, None)
            if saved is not None:
                changes = differences(before, self.take_snapshot(replayed, saved))
            if not keep:
                transaction.set_rollback(True)
        return Replay(response, saved, changes, replayed._messages.collected)

    def response_change(self, request, obj):
        if getattr(request, APPLYING, False):
            setattr(request, SAVED, obj)
            return HttpResponse(status=204)
        return super().response_change(request, obj)

    # The change form says what waits

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.review_shown(request, obj):
            return fieldsets
        return [(_("Review"), {"fields": ["review_state"]}), *fieldsets]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None or not self.review_shown(request, obj):
            return fields
        return [*fields, "review_state"]

    def review_shown(self, request, obj):
        """Whether the form says something of review: this editor's saves wait for it, or
        the record has revisions (asked once per request)."""
        if getattr(request, APPLYING, False):
            return False
        # The read-only field below is given the record only.
        obj._saves_wait_for_review = self.needs_review(request, obj)
        cache = request.__dict__.setdefault("_revisions_shown", {})
        key = (self.model, obj.pk)
        if key not in cache:
            cache[key] = PendingRevision.objects.of(obj).exists()
        return obj._saves_wait_for_review or cache[key]

    @admin.display(description=_("state of review"))
    def review_state(self, obj):
        # Inline markup: the admin lays a read-only value's block elements out beside its label.
        revisions = PendingRevision.objects.of(obj)[:20]
        pending = [revision for revision in revisions if revision.is_pending]
        decided = next((revision for revision in revisions if not revision.is_pending), None)
        parts = []
        if getattr(obj, "_saves_wait_for_review", False):
            parts.append(
                format_html(
                    '<span class="review-state">{}</span>',
                    gettext(
                        "This record is public: what you save here waits for a publisher's "
                        "review before readers see it."
                    ),
                )
            )
        if pending:
            parts.append(
                format_html(
                    '<span class="review-state review-state--pending"><strong>{}</strong> {} {}'
                    "</span>",
                    ngettext(
                        "%(count)d change pending review.",
                        "%(count)d changes pending review.",
                        len(pending),
                    )
                    % {"count": len(pending)},
                    gettext("The public page shows the published version; this form shows it too:"),
                    format_html_join(
                        "; ",
                        '<a href="{}">{}</a>',
                        ((revision.get_absolute_url(), by_line(revision)) for revision in pending),
                    ),
                )
            )
        if decided is not None:
            parts.append(
                format_html(
                    '<span class="review-state review-state--{}">{} <a href="{}">{}</a>{}</span>',
                    decided.state,
                    decided_line(decided),
                    decided.get_absolute_url(),
                    gettext("See it"),
                    format_html(" — “{}”", decided.note) if decided.note else "",
                )
            )
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    # The revision's page

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/revisions/<int:revision_id>/",
                self.admin_site.admin_view(self.revision_view),
                name=f"{opts.app_label}_{opts.model_name}_revision",
            ),
            *super().get_urls(),
        ]

    def revision_view(self, request, object_id, revision_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        revision = get_object_or_404(PendingRevision.objects.of(obj), pk=revision_id)
        may_decide = revision.is_pending and self.may_publish(request)
        errors, note = [], request.POST.get("note", "").strip()[:2000]
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            if "_reject" in request.POST:
                if not note:
                    errors.append(gettext("Say why it is rejected: the editor reads this note."))
                else:
                    revision.decide(PendingRevision.State.REJECTED, request.user, note)
                    messages.success(
                        request,
                        gettext("The change was rejected; the record is as it was."),
                    )
                    return HttpResponseRedirect(self.after_review_url(request, obj))
            elif "_publish" in request.POST:
                response, errors = self.publish_revision(request, obj, revision, note)
                if response is not None:
                    return response
        changes, could_apply = revision.changes, None
        if revision.is_pending:
            trial = self.replay(
                request, obj, revision.data, revision.submitted_by or request.user, keep=False
            )
            could_apply = trial.saved is not None
            if could_apply:
                changes = trial.changes
            elif not errors:
                errors = trial.errors
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Change of %(record)s pending review") % {"record": obj},
            "opts": self.model._meta,
            "object": obj,
            "revision": revision,
            "rows": changes,
            "could_apply": could_apply,
            "errors": errors,
            "note": note,
            "may_decide": may_decide,
            "current_version": getattr(obj, "version", None),
            "by_line": by_line(revision),
            "decided_line": "" if revision.is_pending else decided_line(revision),
        }
        return TemplateResponse(request, "admin/editing/revision.html", context)

    def publish_revision(self, request, obj, revision, note):
        """Replay the revision for good and mark it published: (the redirect, no errors); or
        keep it pending: (None, why it could not be saved)."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            replay = self.replay(
                request, obj, revision.data, revision.submitted_by or request.user, keep=True
            )
            if replay.saved is None:
                transaction.set_rollback(True)
                return None, replay.errors or [gettext("The change could not be saved.")]
            revision.decide(PendingRevision.State.PUBLISHED, request.user, note)
        for message in replay.collected:
            if message.level < messages.WARNING:
                messages.add_message(request, message.level, message.message)
        self.message_published(request, replay.saved)
        return HttpResponseRedirect(self.after_review_url(request, replay.saved)), []

    def message_published(self, request, obj):
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
        text = gettext("Published: the public page shows this change.")
        if url:
            messages.success(
                request, format_html('{} <a href="{}">{}</a>', text, url, gettext("Open it"))
            )
        else:
            messages.success(request, text)


def by_line(revision):
    who = revision.submitted_by.get_username() if revision.submitted_by else gettext("someone")
    return gettext("by %(who)s, %(when)s") % {
        "who": who,
        "when": date_format(timezone.localtime(revision.submitted_at), "DATETIME_FORMAT"),
    }


def decided_line(revision):
    who = revision.decided_by.get_username() if revision.decided_by else gettext("someone")
    when = date_format(timezone.localtime(revision.decided_at), "DATETIME_FORMAT")
    if revision.state == PendingRevision.State.PUBLISHED:
        text = gettext("The change %(by)s was published by %(who)s, %(when)s.")
    else:
        text = gettext("The change %(by)s was rejected by %(who)s, %(when)s.")
    return text % {"by": by_line(revision), "who": who, "when": when}


class PendingRevisionAdmin(admin.ModelAdmin):
    """The publishers' queue: every change waiting for review, each a link to its page."""

    list_display = ["record", "submitted_by", "submitted_at", "state", "decided_by"]
    list_filter = ["state", "content_type"]
    list_select_related = ["content_type", "submitted_by", "decided_by"]
    search_fields = ["record_label"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # The queue opens on what waits; the filter shows the decided ones too.
        if not request.GET:
            return HttpResponseRedirect(
                f"{request.path}?state__exact={PendingRevision.State.PENDING}"
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("record"), ordering="record_label")
    def record(self, revision):
        return format_html(
            '<a href="{}">{}</a>', revision.get_absolute_url(), revision.record_label
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            raise Http404
        return HttpResponseRedirect(revision.get_absolute_url())
