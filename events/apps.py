from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Event records")

    def ready(self):
        from django.db.models.signals import pre_save

        from people.editing.history import register_history

        from .cache import receivers
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
            anchor_quotes_before_save,
            cited_models,
            source_text_before_save,
        )
        from .models.changes import PublicChangeNote
        from .models.changes import connect_signals as connect_change_notes
        from .models.retired import connect_signals as connect_retired_records
        from .models.versions import connect_signals as connect_versions

        receivers.connect()
        connect_retired_records()
        connect_versions()
        # Quotes are stored in the source's own wording, with their offsets, on every write
        # path (fixture loads included).
        pre_save.connect(source_text_before_save, sender=Source)
        for model in cited_models():
            pre_save.connect(anchor_quotes_before_save, sender=model)

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
            bases={Event: [PublicChangeNote]},
        )
        connect_change_notes()
