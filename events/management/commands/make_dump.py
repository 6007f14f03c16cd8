"""Write a dated dump of the whole published record (a Frictionless Data Package) into
DATA_DUMPS_DIR, keeping the newest DATA_DUMPS_KEEP: run it from cron (daily, say)."""

from django.core.management.base import BaseCommand

from events.opendata.dumps import make_dump, read_descriptor


class Command(BaseCommand):
    help = "Write a dated Data Package of every published record into /data/dumps/."

    def handle(self, *args, **options):
        folder = make_dump()
        package = read_descriptor(folder.name)
        for resource in package["resources"]:
            self.stdout.write(
                f"{resource['path']}: {resource['bytes']:,} bytes, {resource['hash']}"
            )
        self.stdout.write(self.style.SUCCESS(f"Wrote the dump {folder}."))
