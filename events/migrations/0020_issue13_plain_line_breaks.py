# Sources' texts with plain line breaks (events.quotes.plain_line_breaks): a text saved from
# the admin's textarea kept CR LF, while the cite panel counts offsets in the text as the
# browser shows it (LF). Each passage quoted from such a text moves back by the CR LF pairs
# before it, and its quote loses its CRs.

from django.db import migrations

QUOTES = {
    "citation": [("quote", "quote_start", "quote_end")],
    "eventorganization": [("quote", "quote_start", "quote_end")],
    "keypoint": [("quote", "quote_start", "quote_end")],
    "role": [("quote", "quote_start", "quote_end")],
    "presentation": [
        ("quote", "quote_start", "quote_end"),
        ("qa_quote", "qa_quote_start", "qa_quote_end"),
    ],
}


def plain(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def plain_line_breaks(apps, schema_editor):
    Source = apps.get_model("events", "Source")
    for source in Source.objects.filter(text__contains="\r"):
        old = source.text

        def moved(offset):
            return None if offset is None else offset - old[:offset].count("\r\n")

        for model_name, fields in QUOTES.items():
            model = apps.get_model("events", model_name)
            for row in model.objects.filter(source=source):
                for quote, start, end in fields:
                    setattr(row, quote, plain(getattr(row, quote)))
                    setattr(row, start, moved(getattr(row, start)))
                    setattr(row, end, moved(getattr(row, end)))
                model.objects.filter(pk=row.pk).update(
                    **{name: getattr(row, name) for field in fields for name in field}
                )
        Source.objects.filter(pk=source.pk).update(text=plain(old))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0019_18_published_versions"),
    ]

    operations = [
        migrations.RunPython(plain_line_breaks, migrations.RunPython.noop),
    ]
