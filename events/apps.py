from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Event records")

    def ready(self):
        from people.editing.history import register_history

        from .cache import receivers

        receivers.connect()

        from .models.retired import connect_signals

        connect_signals()

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
        from .models.changes import PublicChangeNote
        from .models.changes import connect_signals as connect_change_notes

        register_history(
            [Citation, Event, EventOrganization, KeyPoint, Presentation, Role, Source, Topic],
            app="events",
            bases={Event: [PublicChangeNote]},
        )
        connect_change_notes()
