"""
The whole-dataset downloads, built as files when records change and served from disk.

A build writes each file beside its final name and renames it into place, so a reader gets
either the previous file or the new one, never half of one; while a build runs, the previous
files go on being served. Builds run as a task (Django's tasks framework through the
`django-tasks` backport: `manage.py db_worker` in production, see README "Open data"), queued
when a transaction that changed a record commits. Until the first build has finished the
views stream the same bytes from the database (`streams`), so a new site answers at once.
"""

import datetime
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views import View

from . import streams

MANIFEST = "manifest.json"
# Written when a transaction that withdrew a record commits (see withdrawing()).
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    stream: object  # stream(counts): the file's text in pieces; fills counts of records
    attachment: bool = True


def _csv(table):
    return Download(
        f"{table}.csv",
        "text/csv; charset=utf-8",
        lambda counts=None: streams.csv_table(table, counts),
    )


DOWNLOADS = {
    "popolo": Download(
        "popolo.json", "application/json; charset=utf-8", streams.popolo_document, attachment=False
    ),
    "calendar": Download(
        "events.ics", "text/calendar; charset=utf-8", streams.calendar, attachment=False
    ),
    "events_csv": _csv("events"),
    "people_csv": _csv("people"),
    "organizations_csv": _csv("organizations"),
    "roles_csv": _csv("roles"),
}


def directory():
    return Path(settings.DATA_DOWNLOADS_DIR)


def write_atomically(path, pieces):
    """Write text pieces to `path` through a temporary file renamed into place; returns
    (bytes written, SHA-256 hex digest)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as file:
            for piece in pieces:
                data = piece.encode("utf-8")
                digest.update(data)
                size += len(data)
                file.write(data)
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


def read_manifest(folder=None):
    try:
        return json.loads(((folder or directory()) / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def build_downloads(folder=None):
    """Write every download from the records as they are now; returns the manifest."""
    folder = folder or directory()
    started = timezone.now()
    files = {}
    for name, download in DOWNLOADS.items():
        counts = {}
        size, sha256 = write_atomically(folder / download.filename, download.stream(counts))
        files[name] = {
            "filename": download.filename,
            "bytes": size,
            "sha256": sha256,
            "records": counts,
        }
    manifest = {"started": started.isoformat(), "finished": timezone.now().isoformat()}
    manifest["files"] = files
    write_atomically(folder / MANIFEST, [json.dumps(manifest, indent=1)])
    return manifest


def is_current(since):
    """Whether a build that started after `since` (an aware datetime) has finished."""
    started = read_manifest().get("started")
    return started is not None and datetime.datetime.fromisoformat(started) > since


def rebuild_soon():
    """Queue a rebuild of the downloads. The invalidation policy (events/cache/receivers.py)
    calls it when a transaction that changed records commits, once per transaction; if the
    transaction withdrew something, the built files are marked withdrawn first."""
    from .tasks import rebuild_downloads

    connection = transaction.get_connection()
    if getattr(connection, "downloads_withdrawing", False):
        connection.downloads_withdrawing = False
        mark_withdrawn()
    rebuild_downloads.enqueue(changed_at=timezone.now().isoformat())


def withdrawing():
    """The current transaction takes something out of the published record (an event
    unpublished, a record deleted, a bulk write): when it commits, the built files are marked
    withdrawn. Remembered on the connection until its next rebuild_soon(); a rollback leaves
    it set, which only marks the next commit's files withdrawn too (they are then streamed
    until rebuilt)."""
    transaction.get_connection().downloads_withdrawing = True


def is_withdrawing():
    """Whether the current transaction, or the one committing, took something out of the
    published record (read at commit before rebuild_soon() forgets it)."""
    return getattr(transaction.get_connection(), "downloads_withdrawing", False)


def mark_withdrawn():
    """Until a build that starts after now has finished, the built files may hold a record
    that is no longer public: the views stream from the database instead (`DownloadView`)."""
    write_atomically(directory() / WITHDRAWN, [timezone.now().isoformat()])


def withdrawn_since_built(folder=None):
    """Whether something was withdrawn after the last finished build started."""
    folder = folder or directory()
    try:
        withdrawn = datetime.datetime.fromisoformat((folder / WITHDRAWN).read_text())
    except (FileNotFoundError, ValueError):
        return False
    started = read_manifest(folder).get("started")
    return started is None or datetime.datetime.fromisoformat(started) <= withdrawn


def file_response(request, path, content_type):
    """The file at `path` with its validators (ETag, Last-Modified, Content-Length), or 304
    when the request already has it; FileNotFoundError if there is none."""
    file = path.open("rb")
    # The validators come from the open file itself, so they describe the bytes sent even if
    # a build renames a newer file into place meanwhile.
    stat = os.fstat(file.fileno())
    etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
    last_modified = int(stat.st_mtime)
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:
        file.close()
        return conditional
    response = FileResponse(file, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Content-Length"] = stat.st_size
    return response


class DownloadView(View):
    """One whole-dataset download: the built file with its validators (ETag, Last-Modified,
    Content-Length; 304 on a repeat), or, before the first build and while a withdrawn record
    may still be in the built file, the same bytes streamed from the database."""

    name = None

    def get(self, request):
        download = DOWNLOADS[self.name]
        try:
            # A record withdrawn since the last build may still be in the file: stream the
            # records as they are now until the rebuild queued with the change has finished.
            if withdrawn_since_built():
                raise FileNotFoundError
            response = file_response(
                request, directory() / download.filename, download.content_type
            )
        except FileNotFoundError:
            response = StreamingHttpResponse(
                (piece.encode("utf-8") for piece in download.stream()),
                content_type=download.content_type,
            )
        if download.attachment and response.status_code == 200:
            response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
        return response
