from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Event records")

    def ready(self):
        from people.editing.history import register_history

        from .cache import receivers

        receivers.connect()

        from django.db.models.signals import pre_save

        from .models import (
            Citation,
            Event,
            EventOrganization,
            KeyPoint,
            Presentation,
            Role,
            Source,
            Topic,
            anchor_quotes_before_save,
            cited_models,
        )

        for model in cited_models():
            pre_save.connect(anchor_quotes_before_save, sender=model)

        register_history(
            [Citation, Event, EventOrganization, KeyPoint, Presentation, Role, Source, Topic],
            app="events",
        )
