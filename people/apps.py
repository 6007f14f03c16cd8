from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and organizations")

    def ready(self):
        # Registered here rather than with HistoricalRecords() on the model so that the
        # history tables copy the translation columns (title_en, title_zh_hans…), which
        # modeltranslation adds only once the app registry is loading.
        import simple_history

        from .models import Organization, Person

        for model in [Organization, Person]:
            simple_history.register(model, app="people")
