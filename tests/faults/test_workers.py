"""
Three gunicorn workers with the production defaults (no CACHE_URL), a record edited and
unpublished from another process: every worker answers fresh at once, with one ETag per
page version, and 410 Gone at once after the unpublish. Bulk writes (loaddata,
import_records, restore_records) made while readers keep the workers busy are fresh on every
worker as soon as the command returns.
"""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from tests.faults.servers import (
    ROOT,
    SHANGHAI,
    Gunicorn,
    get,
    load_site,
    manage,
    production_environment,
)

READS = 45


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("workers")
    environment = production_environment(tmp_path)
    load_site(environment)
    server = Gunicorn(environment, tmp_path, workers=3)
    yield server, environment
    server.stop()


def read_everywhere(server, path=SHANGHAI, etag=None, workers=3, rounds=10):
    """Rounds of READS parallel reads on new connections until every worker has answered
    (a fast machine may answer a round from fewer workers), and which workers answered."""
    answers, answered = [], set()
    for _ in range(rounds):
        before = len(server.log.read_text().splitlines())
        with ThreadPoolExecutor(max_workers=9) as pool:
            answers += pool.map(lambda _: get(server.url + path, etag), range(READS))
        lines = server.log.read_text().splitlines()[before:]
        answered |= {line.split()[0] for line in lines}
        if len(answered) >= workers:
            break
    return answers, answered


def edit(environment, code):
    manage(
        environment,
        "shell",
        code="from events.models import Event; "
        "event = Event.objects.get(slug='advancing-smart-cities-2021-09-09'); " + code,
    )


def structured_data_name(body):
    start = body.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(body[start : body.index("</script>", start)])["name"]


def fixture_with_title(tmp_path, title):
    records = json.loads((ROOT / "events/fixtures/shanghai_webinar.json").read_text())
    for record in records:
        if record["model"] == "events.event":
            record["fields"]["title"] = record["fields"]["title_en"] = title
    path = tmp_path / f"{title.replace(' ', '-')}.json"
    path.write_text(json.dumps(records))
    return path


def assert_every_worker_shows(server, title):
    answers, workers = read_everywhere(server)
    assert len(workers) == 3, "the reads did not reach every worker"
    for status, _, body in answers:
        assert status == 200
        assert f"<title>{title}" in body
        assert f"{title}</h1>" in body
        assert structured_data_name(body) == title
    return answers


@contextmanager
def readers(server, threads=4):
    """Readers on new connections, over the page and the home page, for as long as the block
    runs; yields the statuses they got."""
    statuses, running = [], threading.Event()
    running.set()

    def read():
        while running.is_set():
            for path in (SHANGHAI, "/en/"):
                statuses.append(get(server.url + path)[0])

    pool = [threading.Thread(target=read) for _ in range(threads)]
    for thread in pool:
        thread.start()
    try:
        yield statuses
    finally:
        running.clear()
        for thread in pool:
            thread.join()


def backup_with_title(environment, tmp_path, title):
    """A backup of the site with the event under title, which is then edited again."""
    edit(environment, f"event.title_en = {title!r}; event.save()")
    folder = tmp_path / "backups"
    manage(environment, "backup_records", "--output-dir", str(folder))
    (backup,) = folder.glob("records-*.tar.gz")
    edit(environment, "event.title_en = 'Edited after the backup'; event.save()")
    return backup


@pytest.mark.parametrize("command", ["loaddata", "import_records", "restore_records"])
def test_bulk_writes_under_load_are_fresh_on_every_worker(site, tmp_path, command):
    server, environment = site
    title = f"Changed by {command}"
    if command == "restore_records":
        arguments = [str(backup_with_title(environment, tmp_path, title)), "--force"]
    else:
        arguments = [str(fixture_with_title(tmp_path, title))]
    answers, _ = read_everywhere(server)  # every worker has the page cached
    assert {status for status, _, _ in answers} == {200}

    with readers(server) as statuses:
        manage(environment, command, *arguments)

    assert statuses, "the readers made no request"
    assert set(statuses) <= {200}, "a reader got an error while the command ran"
    assert_every_worker_shows(server, title)


def test_every_worker_serves_one_version_and_follows_edits_and_unpublishing(site):
    server, environment = site
    answers, workers = read_everywhere(server)
    assert {status for status, _, _ in answers} == {200}
    etags = {headers["ETag"] for _, headers, _ in answers}
    assert len(etags) == 1, "each worker has its own ETag for the same page"
    (old_etag,) = etags

    edit(environment, "event.title_en = 'Edited from another process'; event.save()")
    answers, workers = read_everywhere(server, etag=old_etag)

    assert len(workers) == 3, "the reads did not reach every worker"
    assert {status for status, _, _ in answers} == {200}, "a worker answered 304 to the old ETag"
    for _, _, body in answers:
        assert "<title>Edited from another process" in body
        assert "<h1" in body and "Edited from another process</h1>" in body
        assert structured_data_name(body) == "Edited from another process"
    assert len({headers["ETag"] for _, headers, _ in answers} - {old_etag}) == 1

    edit(environment, "event.status = 'draft'; event.save()")
    answers, workers = read_everywhere(server)

    assert len(workers) == 3
    assert {status for status, _, _ in answers} == {410}
