"""The two groups editors are given: Editors keep records; Publishers also publish them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECORD_APPS = ["people", "events"]


def record_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    # Permissions are normally made after migrating; make them now so the groups can hold them.
    for label in RECORD_APPS:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    return Permission.objects.filter(content_type__app_label__in=RECORD_APPS).exclude(
        codename="publish_event"
    )


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editing = list(record_permissions(apps))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(editing)
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.set(
        editing + [Permission.objects.get(content_type__app_label="events", codename="publish_event")]
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0002_versions_and_history"),
        ("events", "0002_publish_permission_versions_and_history"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
