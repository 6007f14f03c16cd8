from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Event records")

    def ready(self):
        from people.editing.history import register_history

        from .cache import receivers

        receivers.connect()

        from .models import (
            Citation,
            Event,
            EventOrganization,
            EventSeries,
            KeyPoint,
            Presentation,
            Role,
            Source,
            Topic,
        )

        register_history(
            [
                Citation,
                Event,
                EventOrganization,
                EventSeries,
                KeyPoint,
                Presentation,
                Role,
                Source,
                Topic,
            ],
            app="events",
        )
