from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Event records")

    def ready(self):
        # See people.apps: history is registered once modeltranslation has added its columns.
        import simple_history

        from .models import (
            Citation,
            Event,
            EventOrganization,
            KeyPoint,
            Presentation,
            Role,
            Source,
            Topic,
        )

        for model in [
            Citation,
            Event,
            EventOrganization,
            KeyPoint,
            Presentation,
            Role,
            Source,
            Topic,
        ]:
            simple_history.register(model, app="events")
