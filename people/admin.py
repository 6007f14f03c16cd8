from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .editing.admin import TranslatedRecordAdmin
from .editing.paginators import EstimatedCountPaginator
from .editing.quick_add import QuickAddMixin
from .editing.review import PendingRevisionAdmin
from .editing.revisions import PendingRevision
from .editing.versions import VersionedForm
from .identifiers import identifier_fields
from .images import PictureField
from .merging import MergeError, merge
from .models import Organization, Person, identifier_holders

DUPLICATE_FIELD = "not_a_duplicate"


class DuplicateWarningForm(VersionedForm):
    """On adding, warns when the name matches an existing record; the editor may confirm."""

    not_a_duplicate = forms.BooleanField(
        label=_("This is not one of the records listed above"),
        required=False,
        help_text=_("Tick only after checking that the existing record is someone else."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The box means something only beside a list of namesakes: hidden until one is shown.
        self.fields[DUPLICATE_FIELD].widget = forms.HiddenInput()

    def probe(self):
        """An unsaved record with the submitted name, to compare with the stored ones."""
        raise NotImplementedError

    def probe_with_identifiers(self):
        probe = self.probe()
        probe.pk = self.instance.pk
        for field in identifier_fields(self._meta.model):
            setattr(probe, field.attname, self.cleaned_data.get(field.name) or "")
        return probe

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            self.refuse_shared_identifiers(self.probe_with_identifiers())
        if self.instance.pk or cleaned_data.get(DUPLICATE_FIELD) or self.errors:
            return cleaned_data
        namesakes = self.probe().namesakes()
        if namesakes:
            opts = self._meta.model._meta
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[r.pk]), r)
                    for r in namesakes
                ),
            )
            self.fields[DUPLICATE_FIELD].widget = forms.CheckboxInput()
            raise forms.ValidationError(
                format_html(
                    "{} {}. {}",
                    _("A record with this name already exists:"),
                    links,
                    _("Open it instead, or tick the box below if this is a different one."),
                ),
                code="possible_duplicate",
            )
        return cleaned_data

    def refuse_shared_identifiers(self, probe):
        """An identifier another record carries means that record is this one: no box to
        tick, but a link to it (and the merge action to join the two)."""
        for identifier, other in identifier_holders(probe):
            opts = other._meta
            self.add_error(
                identifier.scheme.field,
                forms.ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a> ({}). {}',
                        _("This identifier is already recorded for"),
                        reverse(
                            f"admin:{opts.app_label}_{opts.model_name}_change", args=[other.pk]
                        ),
                        other,
                        opts.verbose_name,
                        _(
                            "Records sharing an identifier are the same: open that one instead, "
                            "or merge the two."
                        ),
                    ),
                    code="shared_identifier",
                ),
            )


class PersonForm(DuplicateWarningForm):
    portrait = PictureField(
        label=_("portrait"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, at most 5 MB. Metadata such as camera and location is removed "
            "and smaller copies are made for the pages. Only use a photo you may publish."
        ),
    )

    def probe(self):
        data = self.cleaned_data
        return Person(
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            name_order=data.get("name_order") or Person.NameOrder.GIVEN_FIRST,
        )


class OrganizationForm(DuplicateWarningForm):
    logo = PictureField(
        label=_("logo"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP (not SVG), at most 5 MB. Metadata is removed and smaller copies "
            "are made for the pages."
        ),
    )

    def probe(self):
        data = self.cleaned_data
        return Organization(
            name=data.get("name_en") or data.get("name") or "",
            short_name=data.get("short_name_en") or data.get("short_name") or "",
        )


class RecordAdmin(TranslatedRecordAdmin):
    """Admin of a person or organization: versioned, with history, translations side by
    side, a duplicate warning on adding and a merge action."""

    actions = ["merge_duplicates"]
    # A filtered list shows its own count only: the total costs a second COUNT per page
    # with hundreds of thousands of people; and the unfiltered list an estimate of it.
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], DUPLICATE_FIELD]}), *rest]

    def has_merge_permission(self, request):
        # A merge edits the kept record and deletes the others, so it needs both rights.
        # Django offers an action to a user who holds ANY of its `permissions`, so listing
        # ["change", "delete"] there would let an editor without delete rights delete records.
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(
        description=_("Merge the selected duplicates into one record"),
        permissions=["merge"],
    )
    def merge_duplicates(self, request, queryset):
        records = list(queryset)
        opts = self.model._meta
        if len(records) < 2:
            self.message_user(request, _("Select at least two records to merge."), messages.WARNING)
            return None
        public = [record for record in records if self.needs_review(request, record)]
        if public:
            # A merge moves roles and deletes records: on a published page, only a publisher
            # may make that public without review.
            self.message_user(
                request,
                _(
                    "Nothing was merged: %(records)s is shown on a published event, so a "
                    "publisher merges it."
                )
                % {"records": ", ".join(str(record) for record in public)},
                messages.ERROR,
            )
            return None
        kept = next((r for r in records if str(r.pk) == request.POST.get("kept")), None)
        if request.POST.get("confirm") == "yes" and kept is not None:
            try:
                with transaction.atomic():
                    moved = sum(merge(kept, other) for other in records if other.pk != kept.pk)
            except MergeError as error:
                self.message_user(
                    request, _("Nothing was merged. %(reason)s") % {"reason": error}, messages.ERROR
                )
                return None
            self.message_user(
                request,
                ngettext(
                    "Merged into “%(kept)s”: %(count)d link moved and the duplicates deleted.",
                    "Merged into “%(kept)s”: %(count)d links moved and the duplicates deleted.",
                    moved,
                )
                % {"kept": kept, "count": moved},
                messages.SUCCESS,
            )
            return redirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[kept.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge duplicates"),
            "opts": opts,
            "records": [(record, linked_rows(record)) for record in records],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "merge_duplicates",
        }
        return TemplateResponse(request, "admin/people/merge_confirmation.html", context)


def linked_rows(record):
    """How many rows of any app point at this record: what a merge would move."""
    total = 0
    for relation in record._meta.related_objects:
        if relation.many_to_many:
            if not relation.through._meta.auto_created:
                continue  # counted through its own foreign key
            total += relation.through._base_manager.filter(
                **{relation.field.m2m_reverse_field_name(): record}
            ).count()
        else:
            total += relation.related_model._base_manager.filter(
                **{relation.field.name: record}
            ).count()
    return total


@admin.register(Organization)
class OrganizationAdmin(QuickAddMixin, RecordAdmin):
    form = OrganizationForm
    quick_add_fields = ["name", "short_name", "kind", "parent", "country"]

    def quick_add_initial(self, term):
        return {"name": term}

    list_display = ["name", "short_name", "kind", "parent", "country", "updated_at"]
    # Part of another or not: a link per parent organization was most of the list's time at
    # 100,000 events; the units of one organization are a search or its page away.
    list_filter = ["kind", "country", ("parent", admin.EmptyFieldListFilter)]
    search_fields = [
        "name_en",
        "name_zh_hans",
        "short_name_en",
        "short_name_zh_hans",
        "slug",
        "ror",
        "wikidata",
        "isni",
    ]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "parent", "country"]}),
        (_("On the page"), {"fields": ["website", "logo"]}),
        (
            _("Identifiers"),
            {
                "fields": ["ror", "wikidata", "isni"],
                "description": _("Each links the record to the same organization elsewhere."),
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def rank_picks(self, queryset, term):
        """An organization whose acronym or name is exactly what was typed first, then
        those starting with it, then the rest by name."""
        term = " ".join(term.split())
        if not term:
            return queryset.select_related("parent")
        exact = Q()
        starts = Q()
        for field in ["short_name_en", "short_name_zh_hans", "name_en", "name_zh_hans"]:
            exact |= Q(**{f"{field}__iexact": term})
            starts |= Q(**{f"{field}__istartswith": term})
        return (
            queryset.select_related("parent")
            .annotate(
                pick_rank=Case(When(exact, then=Value(0)), When(starts, then=Value(1)), default=2)
            )
            .order_by("pick_rank", "name_en", "pk")
        )

    def pick_label(self, organization):
        """“UN DESA — United Nations Department of Economic and Social Affairs”; “Division
        for Public Institutions and Digital Government, in UN DESA”; the country after."""
        label = organization.name
        if organization.short_name and organization.short_name != organization.name:
            label = f"{organization.short_name} — {label}"
        if organization.parent_id:
            label = _("%(organization)s, in %(parent)s") % {
                "organization": label,
                "parent": organization.parent.label,
            }
        if organization.country:
            label = f"{label} ({organization.country})"
        return label


@admin.register(Person)
class PersonAdmin(QuickAddMixin, RecordAdmin):
    quick_add_fields = ["honorific", "given_name", "family_name", "name_order", "native_name"]

    def quick_add_initial(self, term):
        """“Adriana Alberti” → given name Adriana, family name Alberti; “Alberti, Adriana”
        the same. The dialog shows the split for the editor to correct."""
        if "," in term:
            family, _comma, given = term.partition(",")
        else:
            given, _space, family = term.rpartition(" ")
        return {"given_name": given.strip(), "family_name": family.strip()}

    form = PersonForm
    list_display = ["sort_name", "honorific", "native_name", "has_portrait", "updated_at"]
    list_filter = ["name_order", ("portrait", admin.EmptyFieldListFilter)]
    search_fields = [
        "family_name",
        "given_name",
        "native_name",
        "slug",
        "orcid",
        "wikidata",
        "isni",
    ]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            _("Name, as the source writes it"),
            {
                "fields": [
                    "honorific",
                    "given_name",
                    "family_name",
                    "name_order",
                    "native_name",
                    "slug",
                ]
            },
        ),
        (_("On the page"), {"fields": ["biography", "website", "portrait"]}),
        (
            _("Identifiers"),
            {
                "fields": ["orcid", "wikidata", "isni"],
                "description": _("Each links the record to the same person elsewhere."),
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def pick_label(self, person):
        """The name, the name in its own script, and the latest title where one is known
        (`latest_title`, which the events app annotates)."""
        label = person.name
        if person.native_name and person.native_name != person.name:
            label = f"{label} ({person.native_name})"
        title = getattr(person, "latest_title", "")
        if title:
            label = f"{label} — {title}"
        return label

    @admin.display(description=_("name"), ordering="family_name")
    def sort_name(self, person):
        return person.sort_name

    @admin.display(description=_("portrait"), boolean=True)
    def has_portrait(self, person):
        return bool(person.portrait)


admin.site.register(PendingRevision, PendingRevisionAdmin)
