"""
History in the admin: every record's changes with who, when and what changed.

Records loaded from fixtures or imports have no history (raw saves are not edits), so the
first admin change would have nothing to compare with. The admin therefore stores the state
before a record's first edit as its baseline, which lets the history page show what changed.
"""

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _


def register_history(models, app, bases=None):
    """Give each model a history table, from an AppConfig.ready(). `bases` maps a model to
    the abstract models its history rows also inherit (for columns of their own).

    Registered there rather than with HistoricalRecords() on the model so that the history
    tables copy the translation columns (title_en, title_zh_hans…), which modeltranslation
    adds only while the app registry loads. Models made that late are missing from the
    relation caches other models already filled; without expiring them, deleting a user
    would leave history rows pointing at nobody instead of setting them to null.
    (apps.clear_cache() does not expire them before the registry is ready.)
    """
    import simple_history

    bases = bases or {}
    for model in models:
        if model in bases:
            # Extra columns on this model's history rows (an abstract model of fields).
            simple_history.register(model, app=app, bases=bases[model])
        else:
            simple_history.register(model, app=app)
    for model in apps.get_models(include_auto_created=True):
        model._meta._expire_cache()


def record_baseline(instances):
    """Store the saved state of records that have no history yet (call before saving)."""
    by_model = {}
    for instance in instances:
        if instance.pk and hasattr(type(instance), "history"):
            by_model.setdefault(type(instance), set()).add(instance.pk)
    for model, pks in by_model.items():
        known = set(
            model.history.filter(**{f"{model._meta.pk.attname}__in": pks}).values_list(
                model._meta.pk.attname, flat=True
            )
        )
        stored = model._base_manager.filter(pk__in=pks - known)
        for obj in stored:
            model.history.bulk_history_create(
                [obj],
                update=True,
                default_change_reason=_("As stored before the first change in the admin"),
                default_date=getattr(obj, "updated_at", None) or timezone.now(),
            )


class BaselineHistoryMixin:
    def save_model(self, request, obj, form, change):
        if change:
            record_baseline([obj])
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        record_baseline(
            form.instance
            for form in formset.initial_forms
            if form.has_changed() or formset._should_delete_form(form)
        )
        self.prepare_formset(formset)
        super().save_formset(request, form, formset, change)

    def prepare_formset(self, formset):
        """Hook run after the baseline is stored and before the formset is saved."""
