"""The event list's filters and search, read from the query string (GET, so they work without
JavaScript and every filtered list has an address that can be shared)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.filters import filter_events
from events.models import Event


class OrganizationChoiceField(forms.ChoiceField):
    """
        Offers a short list of organizations (the most active ones) but accepts any organization
        that `find_label(slug)` knows, e.g. from a shared address, and then offers it too: a
        select of every organization would make the list page several times heavier at scale
    (bench/README.md).
    """

    def __init__(self, *args, find_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.find_label = find_label

    def valid_value(self, value):
        if super().valid_value(value):
            return True
        label = self.find_label(value) if self.find_label else None
        if label is None:
            return False
        self.choices = [*self.choices, (value, label)]
        return True


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False, strip=True)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    mode = forms.ChoiceField(label=_("Attendance"), required=False)
    organization = OrganizationChoiceField(label=_("Organization"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    series = forms.ChoiceField(label=_("Series"), required=False)

    def __init__(
        self,
        *args,
        years=(),
        organizations=(),
        topics=(),
        series=(),
        find_organization=None,
        **kwargs,
    ):
        """years: [year]; organizations, topics: [(slug, label)] offered as options;
        find_organization(slug): the label of any other organization that may be chosen,
        or None."""
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["year"].choices = any_choice + [(year, year) for year in years]
        self.fields["kind"].choices = any_choice + list(Event.Kind.choices)
        self.fields["mode"].choices = any_choice + list(Event.AttendanceMode.choices)
        self.fields["organization"].choices = any_choice + list(organizations)
        self.fields["organization"].find_label = find_organization
        self.fields["topic"].choices = any_choice + list(topics)
        self.fields["series"].choices = any_choice + list(series)

    def filter(self, queryset):
        """The events that match the cleaned filters; call only on a valid form."""
        return filter_events(queryset, **self.cleaned_data)

    def applied(self):
        """(label, shown value, query string without this filter) for each applied filter,
        so the page can say what is applied and offer to remove each one."""
        if not self.is_valid():
            return []
        result = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            shown = value if name == "q" else dict(field.choices).get(value, value)
            remaining = self.data.copy()
            remaining.pop(name, None)
            remaining.pop("page", None)
            result.append((field.label, shown, remaining.urlencode()))
        return result
