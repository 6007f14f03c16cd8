"""What the search reads: the texts of each model that an event's page shows."""

from django.apps import apps as installed_apps
from django.db.models import Q

from people.models import Organization

# The texts searched, per model (app label, model name), in every language of the site.
SEARCHED = {
    ("events", "Event"): ["title", "description", "audience", "location"],
    ("events", "Presentation"): ["title", "summary"],
    ("events", "KeyPoint"): ["text"],
    ("events", "Role"): ["position_title"],
    ("people", "Person"): ["given_name", "family_name", "native_name"],
    ("people", "Organization"): ["name", "short_name"],
    ("events", "Topic"): ["name"],
}
UNTRANSLATED = {"given_name", "family_name", "native_name"}
# How far up the hierarchy an organization's name reaches.
MAX_DEPTH = Organization.MAX_DEPTH


def searched_columns(model):
    columns = []
    for field in SEARCHED[(model._meta.app_label, model._meta.object_name)]:
        if field in UNTRANSLATED:
            columns.append(field)
        else:
            columns += [f"{field}_en", f"{field}_zh_hans"]
    return columns


def with_units_below(organizations, registry=installed_apps):
    """These organizations and every unit below them (a title names the unit and its parent,
    so "Fudan" finds the events of Fudan University's institutes)."""
    matched = organizations.order_by().values("pk")
    below = Q(pk__in=matched)
    for depth in range(1, MAX_DEPTH):
        below |= Q(**{"__".join(["parent"] * depth) + "__in": matched})
    return registry.get_model("people", "Organization")._base_manager.filter(below)
