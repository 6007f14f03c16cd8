from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Event, EventOrganization, Presentation, Role


class EventListView(ListView):
    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = 20

    def get_queryset(self):
        return Event.objects.published().prefetch_related(
            Prefetch(
                "participations",
                queryset=EventOrganization.objects.select_related("organization"),
            )
        )


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.select_related("person", "organization__parent", "source"),
            ),
            Prefetch(
                "presentations",
                queryset=Presentation.objects.select_related("source").prefetch_related(
                    "speakers", "key_points__source"
                ),
            ),
            Prefetch(
                "participations",
                queryset=EventOrganization.objects.select_related("organization__parent", "source"),
            ),
            "citations__source",
            "sources",
            "topics",
        )


class PresentationDetailView(DetailView):
    template_name = "events/presentation_detail.html"
    context_object_name = "presentation"

    def get_object(self, queryset=None):
        events = Event.objects.visible_to(self.request.user)
        return get_object_or_404(
            Presentation.objects.filter(event__in=events)
            .select_related("event", "source")
            .prefetch_related("speakers", "key_points__source"),
            event__slug=self.kwargs["event_slug"],
            slug=self.kwargs["slug"],
        )


class PersonDetailView(DetailView):
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Event.objects.published().people()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Event.objects.published()
        context["roles"] = (
            Role.objects.filter(person=self.object, event__in=published)
            .select_related("event", "organization__parent")
            .order_by("-event__start_date", "order")
        )
        context["presentations"] = (
            Presentation.objects.filter(speakers=self.object, event__in=published)
            .select_related("event")
            .order_by("-event__start_date", "order")
        )
        return context


class OrganizationDetailView(DetailView):
    template_name = "people/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        return Event.objects.published().organizations().select_related("parent__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Event.objects.published()
        visible = Event.objects.published().organizations()
        context["children"] = visible.filter(parent=self.object)
        context["participations"] = (
            self.object.event_participations.filter(event__in=published)
            .select_related("event")
            .order_by("-event__start_date")
        )
        context["roles"] = (
            Role.objects.filter(organization=self.object, event__in=published)
            .select_related("event", "person")
            .order_by("-event__start_date", "order")
        )
        return context


class PersonListView(ListView):
    template_name = "people/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        return Event.objects.published().people().order_by("family_name", "given_name")


class OrganizationListView(ListView):
    template_name = "people/organization_list.html"
    context_object_name = "organizations"
    paginate_by = 50

    def get_queryset(self):
        return Event.objects.published().organizations().order_by("name")
