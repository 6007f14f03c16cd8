"""
Adding a person or an organization from the autocomplete box that needed it, without leaving
the form (static/editing/quick-add.js).

Django's "+" beside a related field opens the record's whole add page in a pop-up window: a
page load and a submission for each of the five people of a webinar. Here an editor who types
a name that is not found chooses "Add …" in the box's results; a dialog on the same page asks
for the few fields the record needs, sends them to the admin's own form for the model (so
validation, the namesake warning, history and cache retirement stay those of every other
save), and the new record is chosen in the box.
"""

import re

from django.core.exceptions import PermissionDenied
from django.forms import CheckboxInput
from django.http import HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname

PREFIX = re.compile(r"quick[0-9]{0,2}")


class QuickAddMixin:
    """For a record's ModelAdmin: GET quick-add/ gives the dialog's form as HTML, POST saves
    it and answers the new record's id and its label as the autocomplete shows it."""

    # The fields the dialog asks for; a translated field takes the default language's column.
    quick_add_fields = []

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "quick-add/",
                self.admin_site.admin_view(self.quick_add_view),
                name=f"{opts.app_label}_{opts.model_name}_quick_add",
            ),
            *super().get_urls(),
        ]

    def quick_add_initial(self, term):
        """The dialog's first values from what the editor typed in the box."""
        return {}

    def localized(self, name):
        translated = getattr(getattr(self, "trans_opts", None), "fields", {})
        return build_localized_fieldname(name, DEFAULT_LANGUAGE) if name in translated else name

    def quick_add_form_fields(self):
        return [self.localized(name) for name in self.quick_add_fields]

    def quick_add_view(self, request):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        fields = self.quick_add_form_fields()
        form_class = self.get_form(request, None, change=False, fields=fields)
        # A dialog opened from another one (an organization's parent) has its own prefix, so
        # that the two forms on the page never share an id.
        prefix = request.POST.get("_prefix") or request.GET.get("prefix") or ""
        if not PREFIX.fullmatch(prefix):
            prefix = "quick"
        if request.method == "POST":
            form = form_class(request.POST, prefix=prefix)
        else:
            initial = self.quick_add_initial(" ".join(request.GET.get("term", "").split()))
            initial = {self.localized(name): value for name, value in initial.items()}
            form = form_class(initial=initial, prefix=prefix)
        if request.method == "POST" and form.is_valid():
            obj = self.save_form(request, form, change=False)
            self.save_model(request, obj, form, change=False)
            form.save_m2m()
            self.log_addition(request, obj, self.construct_change_message(request, form, None))
            label = getattr(self, "pick_label", str)
            return JsonResponse({"id": str(obj.pk), "text": str(label(obj))}, status=201)
        html = render_to_string(
            "admin/editing/quick_add_form.html",
            {
                "form": form,
                "fields": [form[name] for name in fields],
                # The form's own fields it shows on any add page: the hidden ones, and the
                # box that confirms a namesake is someone else once one is listed.
                "others": [
                    form[name]
                    for name, field in form.fields.items()
                    if name not in fields
                    and (field.widget.is_hidden or isinstance(field.widget, CheckboxInput))
                ],
                "title": _("Add %(model)s") % {"model": self.model._meta.verbose_name},
            },
            request=request,
        )
        return JsonResponse({"form": html}, status=400 if request.method == "POST" else 200)


def quick_add_url(admin_site, model):
    """The quick-add address of `model`'s admin on `admin_site`, or None if it has none."""
    model_admin = admin_site._registry.get(model)
    if not isinstance(model_admin, QuickAddMixin):
        return None
    opts = model._meta
    try:
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_quick_add", current_app=admin_site.name
        )
    except NoReverseMatch:
        return None
