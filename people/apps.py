from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and organizations")

    def ready(self):
        from .editing.history import register_history
        from .models import Organization, Person

        register_history([Organization, Person], app="people")
