"""Build the whole-dataset downloads now, in this process (deploys, cron, or a site that runs
no task worker); changes to records otherwise queue a build for `manage.py db_worker`."""

from django.core.management.base import BaseCommand

from events.opendata.files import build_downloads, directory


class Command(BaseCommand):
    help = "Build the whole-dataset downloads (Popolo, events.ics, the CSVs) from the records."

    def handle(self, *args, **options):
        manifest = build_downloads()
        for entry in manifest["files"].values():
            self.stdout.write(f"{entry['filename']}: {entry['bytes']:,} bytes")
        self.stdout.write(self.style.SUCCESS(f"Built the downloads in {directory()}."))
