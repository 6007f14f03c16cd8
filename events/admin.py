from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from people.admin import OrganizationAdmin, PersonAdmin
from people.editing.admin import URL_FIELDS, RecordHistoryAdmin, TranslatedRecordAdmin
from people.editing.autocomplete import PreloadedAutocompleteFieldsMixin
from people.editing.changes import record_field_change
from people.editing.history import record_baseline
from people.editing.languages import LanguageColumnsMixin
from people.editing.quick_add import QuickAddMixin
from people.editing.versions import VersionedForm, VersionedInlineMixin
from people.models import Organization, Person

from .citing import CitePanelMixin, SelectedPassageMixin, SourceTextMixin
from .completeness import record_facts, with_uncited_count
from .editorial import (
    ReturnToEventMixin,
    ReviewedWhereShownMixin,
    ReviewedWithEventMixin,
    pending_review_count,
    pending_review_message,
    published_message,
    sources_shown_on,
)
from .materials import MaterialField
from .models import (
    Citation,
    Event,
    EventOrganization,
    EventSeries,
    KeyPoint,
    Presentation,
    Role,
    Source,
    Topic,
)

EVIDENCE_HELP = _("Pick the source, then paste the words of it that state this, exactly.")


class HistoryAdmin(TranslatedRecordAdmin):
    """A record of the events app: its programme positions can be swapped in its inlines."""

    def prepare_formset(self, formset):
        make_room_for_new_order(formset)


def make_room_for_new_order(formset):
    """Let editors swap or shift positions that must be unique (the programme, key points).

    Rows whose position changes, or that are deleted, are first moved to positions nobody
    uses, so saving them one by one never meets the old holder of a position. The formset has
    already checked that the new positions are unique among themselves.
    """
    moving = [
        form.instance.pk
        for form in formset.initial_forms
        if form.instance.pk and ("order" in form.changed_data or formset._should_delete_form(form))
    ]
    if not moving or "order" not in {field.name for field in formset.model._meta.fields}:
        return
    for offset, pk in enumerate(moving):
        formset.model._base_manager.filter(pk=pk).update(order=PARKED_ORDER + offset)


# Above any real position and within a PositiveSmallIntegerField.
PARKED_ORDER = 30000


class EventOrganizationInline(
    SelectedPassageMixin, PreloadedAutocompleteFieldsMixin, admin.TabularInline
):
    model = EventOrganization
    extra = 0
    fields = ["order", "organization", "part", "source", "quote"]
    autocomplete_fields = ["organization", "source"]
    ordering = ["order", "pk"]
    verbose_name_plural = _("Organizations and their part (host, collaborator…)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event", "organization")


class RoleInline(
    SelectedPassageMixin,
    PreloadedAutocompleteFieldsMixin,
    LanguageColumnsMixin,
    TranslationStackedInline,
):
    model = Role
    extra = 0
    fields = [
        ("order", "kind", "attestation"),
        "person",
        "position_title",
        "organization",
        "source",
        "quote",
    ]
    autocomplete_fields = ["person", "organization", "source"]
    ordering = ["order", "pk"]
    verbose_name_plural = _("Roles: who took part, with their title at the time")

    def get_queryset(self, request):
        # Each row's heading is the role's __str__, which names its person and event.
        return super().get_queryset(request).select_related("event", "person")


class PresentationInline(
    SelectedPassageMixin,
    PreloadedAutocompleteFieldsMixin,
    LanguageColumnsMixin,
    VersionedInlineMixin,
    TranslationStackedInline,
):
    formfield_overrides = URL_FIELDS
    model = Presentation
    extra = 0
    fields = [
        ("order", "kind"),
        "title",
        "slug",
        "speakers",
        ("start_time", "end_time"),
        "summary",
        "source",
        "quote",
        "qa_followed",
        "qa_quote",
        "material_url",
    ]
    autocomplete_fields = ["speakers", "source"]
    ordering = ["order"]
    show_change_link = True
    verbose_name_plural = _("Programme (key points are edited on each presentation's page)")

    def get_queryset(self, request):
        # The speakers' initial values come from the prefetch, not a query per row.
        return super().get_queryset(request).select_related("event").prefetch_related("speakers")


class CitationInline(SelectedPassageMixin, PreloadedAutocompleteFieldsMixin, admin.TabularInline):
    model = Citation
    extra = 0
    fields = ["fact", "source", "quote"]
    autocomplete_fields = ["source"]
    verbose_name_plural = _("Evidence for facts of the event itself (date, counts, audience…)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")


class EventForm(VersionedForm):
    """The event's form, with what readers are told about this save (kept on its history row
    by events.models.changes; blank again the next time the form opens)."""

    public_note = forms.CharField(
        label=_("Public note on this change"),
        max_length=300,
        required=False,
        help_text=_(
            "Optional. Shown to readers on the changes page, e.g. “Corrected Zongyao Zhu's title”."
        ),
    )
    is_correction = forms.BooleanField(
        label=_("This change corrects an error"),
        required=False,
        help_text=_("Announced on the record page, its changes page and the Atom feed."),
    )


class UncitedFilter(admin.SimpleListFilter):
    title = _("uncited facts")
    parameter_name = "uncited"

    def lookups(self, request, model_admin):
        return [("some", _("Some facts not cited")), ("none", _("Every fact cited"))]

    def queryset(self, request, queryset):
        if self.value() == "some":
            return queryset.filter(uncited_count__gt=0)
        if self.value() == "none":
            return queryset.filter(uncited_count=0)
        return queryset


@admin.register(Event)
class EventAdmin(ReviewedWithEventMixin, CitePanelMixin, HistoryAdmin):
    form = EventForm
    list_display = [
        "title",
        "start_date",
        "kind",
        "status_label",
        "uncited_facts",
        "published_at",
        "updated_at",
    ]
    list_filter = [
        "status",
        UncitedFilter,
        "event_status",
        "kind",
        "attendance_mode",
        "series",
        "topics",
    ]
    search_fields = ["title_en", "title_zh_hans", "slug", "description_en"]
    date_hierarchy = "start_date"
    # A filtered list shows its own count only: the total of every event costs a second
    # COUNT per page at 100,000 events.
    show_full_result_count = False
    autocomplete_fields = ["topics", "sources", "series"]
    readonly_fields = ["evidence_summary", "published_at", "created_at", "updated_at"]
    inlines = [EventOrganizationInline, RoleInline, PresentationInline, CitationInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    ("original_title", "original_title_language"),
                    "slug",
                    "kind",
                    "series",
                ]
            },
        ),
        (
            _("When"),
            {
                "fields": [
                    ("start_date", "end_date"),
                    ("start_time", "end_time"),
                    "time_zone",
                    "time_as_stated",
                    ("event_status", "previous_start_date"),
                ]
            },
        ),
        (_("Where and how"), {"fields": ["attendance_mode", "location", "language"]}),
        (_("About"), {"fields": ["description", "topics"]}),
        (
            _("Who attended"),
            {
                "fields": [
                    ("participant_count_qualifier", "participant_count"),
                    "audience",
                    "speaker_count",
                ]
            },
        ),
        (_("Sources of this record"), {"fields": ["sources"]}),
        (_("Publication"), {"fields": ["status", "published_at", "created_at", "updated_at"]}),
        (_("About this change"), {"fields": ["public_note", "is_correction"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj._public_note = form.cleaned_data.get("public_note", "")
        obj._is_correction = form.cleaned_data.get("is_correction", False)
        super().save_model(request, obj, form, change)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [(_("Evidence"), {"fields": ["evidence_summary"]}), *fieldsets]

    def cite_sources(self, event):
        return event.sources.order_by("title")

    def get_queryset(self, request):
        return with_uncited_count(super().get_queryset(request))

    def has_publish_permission(self, request):
        return request.user.has_perm("events.publish_event")

    @admin.display(description=_("uncited facts"), ordering="uncited_count")
    def uncited_facts(self, event):
        return event.uncited_count

    @admin.display(description=_("facts cited"))
    def evidence_summary(self, event):
        """“12 facts, 11 cited — not cited: time zone”, each uncited fact a link to its row."""
        facts = record_facts(event)
        uncited = [fact for fact in facts if not fact.cited]
        summary = ngettext(
            "%(count)d fact, %(cited)d cited", "%(count)d facts, %(cited)d cited", len(facts)
        ) % {"count": len(facts), "cited": len(facts) - len(uncited)}
        if not uncited:
            return format_html('<p class="evidence-summary">{}.</p>', summary)
        return format_html(
            '<p class="evidence-summary">{} — {} {}</p>',
            summary,
            _("not cited:"),
            format_html_join(
                ", ", '<a href="{}">{}</a>', ((fact.anchor, fact.label) for fact in uncited)
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not self.has_publish_permission(request):
            return [*fields, "status"]
        return fields

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, event):
        css = "published" if event.is_published else "draft"
        return format_html(
            '<strong class="event-status-{}">{}</strong>', css, event.get_status_display()
        )

    @admin.action(description=_("Publish the selected events"), permissions=["publish"])
    def publish(self, request, queryset):
        published = self._set_status(request, queryset, Event.Status.PUBLISHED)
        self.message_user(request, published_message(published), messages.SUCCESS)
        waiting = pending_review_count(queryset)
        if waiting:
            self.message_user(request, pending_review_message(waiting), messages.WARNING)

    @admin.action(
        description=_("Unpublish the selected events (back to draft)"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        changed = len(self._set_status(request, queryset, Event.Status.DRAFT))
        self.message_user(
            request,
            ngettext(
                "%(count)d event is a draft again.", "%(count)d events are drafts again.", changed
            )
            % {"count": changed},
            messages.SUCCESS,
        )

    def _set_status(self, request, queryset, status):
        changed = []
        for event in queryset.exclude(status=status).select_for_update():
            # The state an editor may have open, so that their save can merge with this one.
            record_baseline([event])
            old = event.get_status_display()
            event.status = status
            # A status change is a change: an editor with the form open must reload.
            event.version += 1
            event._change_reason = _("Published") if event.is_published else _("Unpublished")
            event.save()
            record_field_change(
                event, request.user, "status", old, event.get_status_display(), event._change_reason
            )
            changed.append(event)
        return changed


class KeyPointInline(
    SelectedPassageMixin, PreloadedAutocompleteFieldsMixin, TranslationTabularInline
):
    model = KeyPoint
    extra = 0
    fields = ["order", "text", "source", "quote"]
    autocomplete_fields = ["source"]
    ordering = ["order"]


@admin.register(Presentation)
class PresentationAdmin(
    SelectedPassageMixin,
    ReturnToEventMixin,
    ReviewedWithEventMixin,
    CitePanelMixin,
    HistoryAdmin,
):
    change_form_template = "admin/events/presentation_change_form.html"
    list_display = ["title", "event", "order", "kind", "speaker_names"]
    list_filter = ["kind", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_en", "title_zh_hans", "event__title_en", "speakers__family_name"]
    list_select_related = ["event"]
    autocomplete_fields = ["event", "speakers", "source"]
    inlines = [KeyPointInline]
    # Material files are checked by content and renamed (events/materials.py).
    formfield_overrides = {
        **URL_FIELDS,
        models.FileField: {
            "form_class": MaterialField,
            "help_text": _(
                "PDF, Word (.docx) or PowerPoint (.pptx), at most 25 MB, without macros or "
                "scripts. The file is stored under a new name."
            ),
        },
    }
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "event",
                    ("order", "kind"),
                    "title",
                    ("original_title", "original_title_language"),
                    "slug",
                    "speakers",
                ]
            },
        ),
        (_("When"), {"fields": [("start_time", "end_time")]}),
        (_("What was said"), {"fields": ["summary", "qa_followed", "qa_quote"]}),
        (_("Evidence"), {"fields": ["source", "quote"], "description": EVIDENCE_HELP}),
        (_("Material"), {"fields": ["material_url", "material_file"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    def cite_sources(self, presentation):
        sources = list(presentation.event.sources.order_by("title"))
        if presentation.source and presentation.source not in sources:
            sources.insert(0, presentation.source)
        return sources

    @admin.display(description=_("speakers"))
    def speaker_names(self, presentation):
        return ", ".join(person.name for person in presentation.speakers.all())


@admin.register(Source)
class SourceAdmin(SourceTextMixin, QuickAddMixin, ReviewedWhereShownMixin, RecordHistoryAdmin):
    list_display = ["title", "publisher", "published_on", "accessed_on", "url"]
    list_filter = ["publisher", "published_on"]
    search_fields = ["title", "publisher", "url", "slug"]
    shown_on = staticmethod(sources_shown_on)
    quick_add_fields = ["title", "publisher", "url", "published_on", "language", "text"]

    def quick_add_initial(self, term):
        return {"title": term}

    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "publisher", "url"]}),
        (_("Dates"), {"fields": [("published_on", "accessed_on")]}),
        (_("Content"), {"fields": ["text", "notes"]}),
    ]


@admin.register(EventSeries)
class EventSeriesAdmin(TranslatedRecordAdmin):
    list_display = ["name", "organizer", "slug"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organizer"]
    list_select_related = ["organizer"]
    fields = ["name", "slug", "organizer", "description", "website"]


@admin.register(Topic)
class TopicAdmin(QuickAddMixin, HistoryAdmin):
    quick_add_fields = ["name", "slug"]
    list_display = ["name", "slug"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug"]

    def quick_add_initial(self, term):
        return {"name": term, "slug": slugify(term)}


@admin.register(Role)
class RoleAdmin(ReturnToEventMixin, SimpleHistoryAdmin, TranslationAdmin):
    """Roles are edited on their event's page; this list is for finding who did what."""

    change_form_template = "admin/events/role_change_form.html"

    list_display = ["person", "kind", "event", "position_title", "organization"]
    list_filter = ["kind", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "person__family_name",
        "person__given_name",
        "position_title_en",
        "event__title_en",
        "organization__name_en",
    ]
    list_select_related = ["person", "event", "organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(Person)


@admin.register(Person)
class PersonWithRolesAdmin(ReviewedWhereShownMixin, PersonAdmin):
    """People as the people app edits them, picked with the title of their latest role (the
    people app knows nothing of roles); a change to someone a published event shows waits
    for review."""

    def shown_on(self, events):
        return events.shows_person()

    def rank_picks(self, queryset, term):
        latest = Role.objects.filter(person=OuterRef("pk")).order_by("-event__start_date", "-pk")
        return queryset.annotate(latest_title=Subquery(latest.values("position_title_en")[:1]))


admin.site.unregister(Organization)


@admin.register(Organization)
class ReviewedOrganizationAdmin(ReviewedWhereShownMixin, OrganizationAdmin):
    """Organizations as the people app edits them; a change to one a published event shows
    (or a part of one) waits for review."""

    def shown_on(self, events):
        return events.shows_organization()
