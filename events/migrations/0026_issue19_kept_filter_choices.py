from django.db import migrations, models


def forget_kept_counts(apps, schema_editor):
    # Derived state: the next reader or the recount task computes the rows again.
    apps.get_model("events", "PublicCount").objects.all().delete()


class Migration(migrations.Migration):
    """PublicCount keeps the event list's filter options too, so its value becomes JSON.
    PostgreSQL has no cast from bigint to jsonb, so the column is made again."""

    dependencies = [
        ("events", "0025_issue19_search_vector_without_positions"),
    ]

    operations = [
        migrations.RunPython(forget_kept_counts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="publiccount", name="value"),
        migrations.AddField(
            model_name="publiccount",
            name="value",
            field=models.JSONField(default=0, verbose_name="value"),
            preserve_default=False,
        ),
        # Rolled back, the rows go first too: the number column comes back without a default.
        migrations.RunPython(migrations.RunPython.noop, forget_kept_counts),
    ]
