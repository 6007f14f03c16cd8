"""Background work for open data, run by the tasks framework (`manage.py db_worker`)."""

import datetime

from django_tasks import task

from . import files


@task()
def rebuild_downloads(changed_at):
    """Rebuild the downloads unless a build that started after the change has finished
    (several changes queued during one build need only one more build)."""
    if files.is_current(datetime.datetime.fromisoformat(changed_at)):
        return "current"
    files.build_downloads()
    return "built"
