"""Reading an admin page's forms back as the POST data a browser would send unchanged."""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import UserFactory


def _value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_fields(form, data):
    for bound in form:
        value = bound.value()
        input_type = getattr(bound.field.widget, "input_type", None)
        if isinstance(value, bool) or input_type == "checkbox":
            if value:
                data[bound.html_name] = "on"
            continue
        if input_type == "file":
            continue
        data[bound.html_name] = _value(value)


def changeform_data(response):
    """The POST data of an admin add or change page, its inlines included, as loaded."""
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.initial_forms:
            _form_fields(form, data)
    return data


def add_inline_row(data, prefix, **fields):
    """Append a new row to an inline formset in POST data."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


def inline_index(data, prefix, pk):
    """The index of the inline row that holds the record with this primary key."""
    return next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith(f"{prefix}-") and key.endswith("-id") and value == str(pk)
    )


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def member_of(group_name):
    """A staff user who belongs to the named group (made by the data migration)."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user
