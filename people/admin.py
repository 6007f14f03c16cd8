from django.contrib import admin

from .models import Organization, Person


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "honorific"]
    search_fields = ["family_name", "given_name", "native_name"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
