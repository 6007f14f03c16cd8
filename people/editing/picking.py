"""
Autocomplete results that tell similar records apart.

Django's admin lists autocomplete matches by their name, in the model's order: typing
“UN DESA” offered a division of UN DESA first (its slug matched) with nothing to show it was
a division. Here a model admin may rank the matches (`rank_picks`: an exact acronym or name
first) and say more about each (`pick_label`: acronym, parent, country; a person's native
name and latest title), through the site's one autocomplete view.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class PickingView(AutocompleteJsonView):
    def get_queryset(self):
        queryset = super().get_queryset()
        rank = getattr(self.model_admin, "rank_picks", None)
        return rank(queryset, self.term) if rank else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "pick_label", None)
        if label:
            result["text"] = label(obj)
        return result


class EditorsAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return PickingView.as_view(admin_site=self)(request)


class EditorsAdminConfig(AdminConfig):
    default_site = "people.editing.picking.EditorsAdminSite"
