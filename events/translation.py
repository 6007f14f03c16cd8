from modeltranslation.translator import TranslationOptions, register

from .models import Event, EventSeries, KeyPoint, Presentation, Role, Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "description", "audience", "location")


@register(Role)
class RoleTranslationOptions(TranslationOptions):
    fields = ("position_title",)


@register(Presentation)
class PresentationTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(KeyPoint)
class KeyPointTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(EventSeries)
class EventSeriesTranslationOptions(TranslationOptions):
    fields = ("name", "description")
