"""
The public pages of people and organizations. The models are the people app's, but the pages
show what they did at events, so they live here, with the other pages of the site.
"""

from django.views.generic import DetailView, ListView

from events.cache import keys
from events.cache.pages import PublicPageMixin
from events.models import Event, EventOrganization, Presentation, Role
from events.opendata import jsonld
from people.models import Organization, Person

from .paginators import KnownCountPaginator
from .redirects import FollowsFormerSlugs
from .views import organization_count, person_count


class PersonDetailView(PublicPageMixin, FollowsFormerSlugs, DetailView):
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        # One person's check, not the list of every visible person.
        return Person.objects.filter(Event.objects.published().shows_person())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = (
            Role.objects.published()
            .filter(person=self.object)
            .select_related("event", "organization__parent", "source")
            .order_by("-event__start_date", "order")
        )
        context["structured_data"] = jsonld.as_script(
            jsonld.person_jsonld(self.object, context["roles"])
        )
        context["presentations"] = (
            Presentation.objects.published()
            .filter(speakers=self.object)
            .select_related("event")
            .order_by("-event__start_date", "order")
        )
        self.shown = context
        return context

    def page_keys(self):
        # Read after the page is rendered: the lists are the ones it showed.
        shown = self.shown
        return keys.person_page_keys(self.object, shown["roles"], shown["presentations"])


class OrganizationDetailView(PublicPageMixin, FollowsFormerSlugs, DetailView):
    template_name = "people/organization_detail.html"
    context_object_name = "organization"
    latest_count = 20

    def get_queryset(self):
        # Checked for this one organization and its sub-units only: building the whole
        # visible set (`organizations()`) costs a scan of every published event.
        self.shown = Event.objects.published().shows_organization()
        return Organization.objects.filter(self.shown).select_related(
            "parent__parent__parent__parent"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumb"] = list(reversed(self.object.ancestors()))
        context["children"] = Organization.objects.filter(self.shown, parent=self.object).order_by(
            "name_en"
        )
        # The latest few of each, with the total: a busy organization takes part in
        # thousands of events, and its page must weigh the same as a quiet one's.
        participations = EventOrganization.objects.published().filter(organization=self.object)
        # Events, not participations: one event may name the organization twice (host and
        # sponsor), and the list this leads to counts events.
        context["participation_count"] = participations.values("event").distinct().count()
        context["participations"] = list(
            participations.select_related("event", "source").order_by("-event__start_date")[
                : self.latest_count
            ]
        )
        roles = Role.objects.published().filter(organization=self.object)
        context["role_count"] = roles.count()
        context["roles"] = list(
            roles.select_related("event", "person", "source").order_by(
                "-event__start_date", "order"
            )[: self.latest_count]
        )
        # From the lists the page shows: its published sub-units and latest events.
        context["structured_data"] = jsonld.as_script(
            jsonld.organization_jsonld(self.object, context["children"], context["participations"])
        )
        self.shown = context
        return context

    def page_keys(self):
        shown = self.shown
        return keys.organization_page_keys(
            self.object,
            shown["breadcrumb"],
            shown["children"],
            shown["participations"],
            shown["roles"],
        )


class PersonListView(PublicPageMixin, ListView):
    template_name = "people/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        # The same people as `people()`, tested one by one in name order (the list's
        # index), so a page stops after its fifty instead of gathering everyone first.
        return Person.objects.filter(Event.objects.published().shows_person())

    def get_paginator(self, queryset, per_page, **kwargs):
        return KnownCountPaginator(queryset, per_page, count=person_count(), **kwargs)


class OrganizationListView(PublicPageMixin, ListView):
    template_name = "people/organization_list.html"
    context_object_name = "organizations"
    paginate_by = 50

    def get_queryset(self):
        # The same organizations as `organizations()`, tested one by one in name order.
        shown = Event.objects.published().shows_organization()
        return Organization.objects.filter(shown).select_related("parent")

    def get_paginator(self, queryset, per_page, **kwargs):
        return KnownCountPaginator(queryset, per_page, count=organization_count(), **kwargs)
