from django.contrib import admin

from .models import Citation, Event, EventOrganization, KeyPoint, Presentation, Role, Source, Topic


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0


class EventOrganizationInline(admin.TabularInline):
    model = EventOrganization
    extra = 0


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "start_date", "kind", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EventOrganizationInline, RoleInline, CitationInline]


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    extra = 0


@admin.register(Presentation)
class PresentationAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "order", "kind"]
    search_fields = ["title"]
    inlines = [KeyPointInline]


admin.site.register(Source)
admin.site.register(Topic)
