"""
Reads under load while an editor saves (`make bench-edit`, see bench/README.md): the public
pages must answer every request, and every save must land, with no error on either side.

1. A PostgreSQL database (LOAD_DATABASE_URL, default er_security2_load on 127.0.0.1) gets the
   Shanghai record and `generate_demo_data --events LOAD_EVENTS` (1,000; skipped when the
   same set is there).
2. gunicorn (deploy/gunicorn.conf.py, LOAD_WORKERS sync workers, debug off) serves it on
   127.0.0.1:LOAD_PORT (8200): loopback only.
3. wrk drives LOAD_CONNECTIONS (32) connections for LOAD_DURATION (60) seconds, cycling over
   the main public pages (found through reverse() and the data), while an editor signed in
   to the admin opens and saves events that wrk is reading, in a loop, through the same
   server and the same versioned save as a person would; a second editor
   (bench/edit_loop.py) saves the same events through the admin's views in its own process,
   not queued behind the load, so that many saves land during the run.
   The same wrk run is made first with nobody editing: throughput with edits is reported as
   a share of it. The mix includes LOAD_OTHER_EVENTS (20) pages of events nobody edits.
4. Reports wrk's requests, socket errors and non-2xx/3xx answers, and the editor's saves and
   failed saves; writes bench/results/load-under-edit.json. Exit status 1 if anything failed.

The temporary editor account is deleted, the edited titles restored and gunicorn stopped on
the way out, whatever happens.
"""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import wrk_report  # noqa: E402
from stateless import Browser, FormReader, stop  # noqa: E402

ROOT = BENCH.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DATABASE_URL = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/er_security2_load"
)
EVENTS = int(os.environ.get("LOAD_EVENTS", 1000))
PORT = int(os.environ.get("LOAD_PORT", 8200))
WORKERS = int(os.environ.get("LOAD_WORKERS", (os.cpu_count() or 1) * 2 + 1))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", 32))
DURATION = int(os.environ.get("LOAD_DURATION", 60))
# Pages of other events in the mix: readers browse the archive while one record is edited.
OTHER_EVENTS = int(os.environ.get("LOAD_OTHER_EVENTS", 20))
SHANGHAI = "advancing-smart-cities-2021-09-09"

ENV = dict(
    os.environ,
    DATABASE_URL=DATABASE_URL,
    DJANGO_DEBUG="false",
    DJANGO_SECRET_KEY="load-under-edit-only-secret-key-never-used-for-a-real-site-0123456789",
    DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    DJANGO_SECURE_SSL_REDIRECT="false",
    DJANGO_SECURE_COOKIES="false",
    DJANGO_SECURE_HSTS_SECONDS="0",
    DJANGO_STATIC_MANIFEST="false",
    DJANGO_STATIC_ROOT=str(BENCH.parent / "var" / "load-static"),
    DJANGO_CONN_MAX_AGE="60",
    DJANGO_LOG_LEVEL="ERROR",
    # wrk asks from one address far faster than the API's per-client limit allows.
    DJANGO_API_RATE_LIMIT="1000000/minute",
    GUNICORN_BIND=f"127.0.0.1:{PORT}",
    GUNICORN_WORKERS=str(WORKERS),
    GUNICORN_MAX_REQUESTS="0",
    GUNICORN_LOG_LEVEL="warning",
)

MIXED_PAGES_LUA = BENCH / "report.lua"  # cycles over WRK_PATHS


def manage(*args, capture=True):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    ).stdout


def shell(code):
    return manage("shell", "--verbosity=0", "-c", code).strip()


def ensure_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


def load_data():
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    manage("loaddata", "shanghai_webinar", "--verbosity", "0")
    wanted = f"seed 1; {EVENTS} events;"
    probe = (
        "from events.models import Source;"
        f"print(Source.objects.filter(slug='demo-data', notes__contains={wanted!r}).exists())"
    )
    if shell(probe) != "True":
        manage("generate_demo_data", "--events", str(EVENTS), "--seed", "1", "--replace")


def discover():
    """(paths for wrk, {slug: change-form path} of the events the editor saves)."""
    pages = json.loads(
        subprocess.run(
            [PYTHON, str(BENCH / "pages.py")],
            cwd=ROOT,
            env=ENV,
            check=True,
            text=True,
            capture_output=True,
        ).stdout
    )["pages"]
    code = (
        "import json; from django.urls import reverse; from events.models import Event;"
        f"slugs = [{SHANGHAI!r}, {pages['event page'].strip('/').split('/')[-1]!r}];"
        "events = {e.slug: e for e in Event.objects.filter(slug__in=slugs)};"
        "print(json.dumps({'reads': [reverse('people:person_list'),"
        " reverse('people:organization_list'), events[slugs[0]].get_absolute_url(),"
        " reverse('api:event-list')],"
        " 'others': [e.get_absolute_url() for e in Event.objects.published()"
        f".exclude(slug__in=slugs).order_by('pk')[:{OTHER_EVENTS}]],"
        " 'edits': {s: reverse('admin:events_event_change', args=[events[s].pk]) for s in slugs},"
        " 'titles': {s: events[s].title for s in slugs}}))"
    )
    found = json.loads(shell(code))
    return [*pages.values(), *found["reads"], *found["others"]], found["edits"], found["titles"]


def start_server():
    process = subprocess.Popen(
        [GUNICORN, "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            Browser().get(PORT, "/")
            return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer within 60 s")


class Editor(threading.Thread):
    """Signs in, then opens and saves each event's change form in turn until told to stop,
    changing the title so that every save writes and the pages under load change."""

    def __init__(self, username, password, edits, titles):
        super().__init__(daemon=True)
        self.username, self.password = username, password
        self.edits, self.titles = edits, titles
        self.stop = threading.Event()
        self.saves, self.failures, self.seconds = 0, [], []

    def sign_in(self, browser):
        admin_login = "/" + ENV.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/login/"
        _, page = browser.get(PORT, admin_login)
        login = FormReader("login-form")
        login.feed(page)
        url, _ = browser.post(
            PORT, admin_login, dict(login.fields, username=self.username, password=self.password)
        )
        if url.endswith("/login/"):
            raise SystemExit("The editor could not sign in.")

    def save(self, browser, slug, change_path, title):
        _, page = browser.get(PORT, change_path)
        form = FormReader("event_form")
        form.feed(page)
        fields = [(n, title if n in ("title", "title_en") else v) for n, v in form.fields]
        url, answer = browser.post(PORT, change_path, [*fields, ("_save", "Save")])
        if url.endswith(change_path):
            return f"{slug}: the admin showed the form again (an error or a refused save)"
        return None

    def run(self):
        browser = Browser()
        self.sign_in(browser)
        round_number = 0
        while not self.stop.is_set():
            round_number += 1
            for slug, change_path in self.edits.items():
                title = f"{self.titles[slug]} (load test save {round_number})"
                started = time.monotonic()
                try:
                    problem = self.save(browser, slug, change_path, title)
                except (urllib.error.URLError, OSError) as exc:
                    problem = f"{slug}: {exc}"
                self.seconds.append(time.monotonic() - started)
                if problem:
                    self.failures.append(problem)
                else:
                    self.saves += 1

    def restore(self):
        browser = Browser()
        self.sign_in(browser)
        for slug, change_path in self.edits.items():
            self.save(browser, slug, change_path, self.titles[slug])


def run_wrk(paths):
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}s",
            # Uncached pages on 2 cores queue behind 32 connections for seconds; a reader's
            # browser waits 30 s or more, so a slower answer is an error, a slow one is not.
            "--timeout",
            "30s",
            "-s",
            str(MIXED_PAGES_LUA),
            f"http://127.0.0.1:{PORT}",
        ],
        env=dict(os.environ, WRK_PATHS=" ".join(paths)),
        check=True,
        text=True,
        capture_output=True,
        timeout=DURATION + 120,
    ).stdout
    return wrk_report(output)


def main():
    subprocess.run(["wrk", "--version"], capture_output=True)  # fails early if missing
    ensure_database()
    print(f"Loading the Shanghai record and {EVENTS} demo events…", flush=True)
    load_data()
    paths, edits, titles = discover()
    username = f"load-editor-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(24)
    shell(
        "from django.contrib.auth.models import User;"
        f"User.objects.create_superuser({username!r}, '', {password!r})"
    )
    server = editor = None
    try:
        server = start_server()
        # One editor per event, so that neither is refused for the other's change (that
        # refusal is tested in tests/events/test_admin.py; here every save must land).
        shanghai_edit = {SHANGHAI: edits[SHANGHAI]}
        demo_edits = [path for slug, path in edits.items() if slug != SHANGHAI]
        editor = Editor(username, password, shanghai_edit, titles)
        print(
            f"wrk: {CONNECTIONS} connections for {DURATION} s over {len(paths)} pages, "
            f"{WORKERS} gunicorn workers; nobody edits",
            flush=True,
        )
        # Every page once, so that neither run pays for the first renders after start-up.
        for path in paths:
            Browser().get(PORT, path)
        quiet = run_wrk(paths)
        print(
            f"wrk: {CONNECTIONS} connections for {DURATION} s over {len(paths)} pages, "
            f"{WORKERS} gunicorn workers; editors save {', '.join(edits)} in a loop",
            flush=True,
        )
        editor.start()
        direct = subprocess.Popen(
            [PYTHON, str(BENCH / "edit_loop.py"), str(DURATION), username, *demo_edits],
            cwd=ROOT,
            env=dict(ENV, DJANGO_ALLOWED_HOSTS="testserver"),
            stdout=subprocess.PIPE,
            text=True,
        )
        load = run_wrk(paths)
        direct_result = json.loads(direct.communicate(timeout=120)[0].strip().splitlines()[-1])
        editor.stop.set()
        editor.join(timeout=60)
        editor.restore()
    finally:
        if server:
            stop(server)
        restore = "".join(
            f"Event.objects.filter(slug={slug!r}).update(title={title!r}, title_en={title!r});"
            for slug, title in titles.items()
        )
        shell(
            "from django.contrib.auth.models import User; from events.models import Event;"
            f"User.objects.filter(username={username!r}).delete();" + restore
        )
    errors = load["errors"]
    socket_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    seconds = sorted(editor.seconds) or [0]
    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, capture_output=True
        ).stdout.strip(),
        "database": "postgresql",
        "events": EVENTS,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "gunicorn_workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds": DURATION,
        "pages": paths,
        "without_edits": {
            "requests": quiet["requests"],
            "requests_per_second": round(quiet["requests"] / (quiet["duration_us"] / 1e6), 1),
            "p50_ms": round(quiet["p50_us"] / 1000, 1),
            "p99_ms": round(quiet["p99_us"] / 1000, 1),
            "non_2xx_3xx": quiet["errors"]["status"],
        },
        "requests": load["requests"],
        "requests_per_second": round(load["requests"] / (load["duration_us"] / 1e6), 1),
        "p50_ms": round(load["p50_us"] / 1000, 1),
        "p99_ms": round(load["p99_us"] / 1000, 1),
        "max_ms": round(load["max_us"] / 1000, 1),
        "socket_errors": errors,
        "non_2xx_3xx": errors["status"],
        "saves": editor.saves,
        "failed_saves": len(editor.failures),
        "save_median_ms": round(seconds[len(seconds) // 2] * 1000, 1),
        "save_max_ms": round(seconds[-1] * 1000, 1),
        "failures": editor.failures[:20],
        "direct_saves": direct_result["saves"],
        "direct_failed_saves": direct_result["failed_saves"],
        "direct_failures": direct_result["failures"],
    }
    (BENCH / "results").mkdir(exist_ok=True)
    report["with_edits_ratio"] = round(
        report["requests_per_second"] / report["without_edits"]["requests_per_second"], 3
    )
    (BENCH / "results" / "load-under-edit.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"without edits: {report['without_edits']['requests_per_second']} req/s, p99 "
        f"{report['without_edits']['p99_ms']} ms; with edits "
        f"{report['with_edits_ratio']} of that"
    )
    print(
        f"requests {report['requests']} ({report['requests_per_second']} req/s, p50 "
        f"{report['p50_ms']} ms, p99 {report['p99_ms']} ms), socket errors {socket_errors}, "
        f"non-2xx/3xx {report['non_2xx_3xx']}; saves {report['saves']}, failed saves "
        f"{report['failed_saves']} (median {report['save_median_ms']} ms) through gunicorn, "
        f"{report['direct_saves']} saves and {report['direct_failed_saves']} failed directly"
    )
    for failure in editor.failures[:5]:
        print("  failed save:", failure)
    failed = editor.failures or direct_result["failed_saves"] or not direct_result["saves"]
    if socket_errors or report["non_2xx_3xx"] or failed or not editor.saves:
        sys.exit(1)


if __name__ == "__main__":
    main()
