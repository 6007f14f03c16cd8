"""
Fault runs (`make bench-faults`): the site under load while one part of it fails, each run
alone. Starts and stops everything it touches itself, on ports of its own, so the machine's
shared PostgreSQL and Redis are never stopped:

- a PostgreSQL cluster of its own (pg_createcluster, FAULTS_PG_PORT, default 8173),
- a Redis of its own (FAULTS_REDIS_PORT, default 8172, no snapshots on disk),
- gunicorn with deploy/gunicorn.conf.py, 3 workers, DJANGO_CONN_MAX_AGE=60 (FAULTS_PORT 8170),
- FAULTS_EVENTS demo events (default 1,000).

Load: FAULTS_THREADS reader threads (default 16, keep-alive connections) cycling over the
home page, the list, a search, ten event pages, and a person page; a prober reads the page
under edit 20 times a second. Runs (FAULTS_SECONDS each, default 25; the fault starts at 5 s):

  redis-stopped   Redis killed for 15 s, then started again
  redis-frozen    Redis SIGSTOPped for 12 s
  postgres-down   PostgreSQL stopped (fast) for 10 s
  worker-killed   one gunicorn worker SIGKILLed
  edits           an edit, then an unpublish or a republish, every 5 s from another process
  redis-restarted Redis restarted empty (a cache loss): the stampede of page rebuilds
  redis-restarted-uncoalesced  the same with DJANGO_PAGE_REBUILD_WAIT_SECONDS=0 (every
                  worker rebuilds every page, as before issue 17's coalescing)

The restart runs read FAULTS_STAMPEDE_PAGES event pages (default 100) besides the mix, so
there is something to rebuild, after FAULTS_WARMUP seconds (default 15) of reading them
first; they count page renders after the restart (every store of a
page in Redis, read with MONITOR: one per render) and the stampede: seconds after the restart
until the p99 of each half second is back under three times the p99 before it.

For each: requests, 2xx/3xx, 404, 503, other 5xx, socket errors, p99 (ms), and stale reads:
answers of the page under edit that show a state older than the newest one committed at
least 1 s before the request started (an unpublished page's 404 or 410 is one state).
Prints one JSON line per run and writes bench/results/faults-<time>.json.
"""

import html
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("FAULTS_PORT", 8170))
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", 8172))
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", 8173))
PG_VERSION = os.environ.get("FAULTS_PG_VERSION") or sorted(os.listdir("/etc/postgresql"))[-1]
PG_CLUSTER = os.environ.get("FAULTS_PG_CLUSTER", "event-records-faults")
EVENTS = int(os.environ.get("FAULTS_EVENTS", 1000))
THREADS = int(os.environ.get("FAULTS_THREADS", 16))
SECONDS = float(os.environ.get("FAULTS_SECONDS", 25))
STAMPEDE_PAGES = int(os.environ.get("FAULTS_STAMPEDE_PAGES", 100))
WARMUP = float(os.environ.get("FAULTS_WARMUP", 15))
RUNS = os.environ.get(
    "FAULTS_RUNS",
    "redis-stopped,redis-frozen,postgres-down,worker-killed,edits,"
    "redis-restarted,redis-restarted-uncoalesced",
).split(",")
WORK = ROOT / "var" / "faults"
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/event_records_faults"
CACHE_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"


def environment(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-faults-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_STATIC_MANIFEST="false",
        DJANGO_CONN_MAX_AGE="60",
        DJANGO_LOG_FILE=str(WORK / "site.log"),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=DATABASE_URL,
        CACHE_URL=CACHE_URL,
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        GUNICORN_WORKERS="3",
    )
    env.update(overrides)
    return env


def run(*command, check=True, **kwargs):
    return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)


def manage(*args):
    return run(PYTHON, "manage.py", *args, cwd=ROOT, env=environment()).stdout


# --- Services of our own ----------------------------------------------------------------


class Postgres:
    def __init__(self):
        clusters = run("pg_lsclusters", "-h").stdout
        if not any(line.split()[1] == PG_CLUSTER for line in clusters.splitlines() if line):
            run(
                "pg_createcluster",
                PG_VERSION,
                PG_CLUSTER,
                "--port",
                str(PG_PORT),
                "--",
                "--auth=trust",
            )
        self.start()
        run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-c",
            "CREATE DATABASE event_records_faults",
            check=False,
        )

    def start(self):
        run(
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            PG_VERSION,
            PG_CLUSTER,
            "start",
            check=False,
        )
        for _ in range(60):
            if (
                run("pg_isready", "-h", "127.0.0.1", "-p", str(PG_PORT), check=False).returncode
                == 0
            ):
                return
            time.sleep(0.5)
        raise SystemExit("our PostgreSQL did not start")

    def stop(self):
        run(
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            PG_VERSION,
            PG_CLUSTER,
            "stop",
            "-m",
            "fast",
            check=False,
        )


class Redis:
    def __init__(self):
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(WORK),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            if (
                run("redis-cli", "-p", str(REDIS_PORT), "ping", check=False).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.1)
        raise SystemExit("our Redis did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


class Gunicorn:
    def __init__(self, **overrides):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=environment(**overrides),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=open(WORK / "gunicorn.log", "a"),  # noqa: SIM115
        )
        for _ in range(120):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                connection.request("GET", "/health/live/")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("gunicorn did not start")

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


# --- Load --------------------------------------------------------------------------------


class Reader(threading.Thread):
    def __init__(self, paths, stop, results):
        super().__init__(daemon=True)
        self.paths, self.stop, self.results = paths, stop, results

    def run(self):
        connection, index = None, 0
        while not self.stop.is_set():
            path = self.paths[index % len(self.paths)]
            index += 1
            started = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                status = "socket"
                connection = None
                time.sleep(0.01)
            self.results.append((status, time.monotonic() - started, started))


# An unpublished event's page: 410 Gone since issue 18 (404 before).
GONE = "gone"
TITLE = re.compile(r"<h1>(.*?)</h1>", re.S)


class Prober(threading.Thread):
    """Reads the page under edit 20 times a second on new connections."""

    def __init__(self, path, stop, seen):
        super().__init__(daemon=True)
        self.path, self.stop, self.seen = path, stop, seen

    def run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                connection.request("GET", self.path)
                response = connection.getresponse()
                body = response.read().decode()
                connection.close()
                if response.status == 200:
                    match = TITLE.search(body)
                    state = html.unescape(match.group(1).strip()) if match else "?"
                else:
                    state = GONE if response.status in (404, 410) else response.status
                self.seen.append((started, state))
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(max(0.0, 0.05 - (time.monotonic() - started)))


EDITOR = """
import sys, time
from events.models import Event
event = Event.objects.get(slug=sys.argv[-1] if False else SLUG)
print("ready", flush=True)
for line in sys.stdin:
    action, _, value = line.strip().partition(" ")
    event.refresh_from_db()
    if action == "title":
        event.title_en = event.title = value
    else:
        event.status = action
    event.save()
    print("done", flush=True)
"""


class Editor(threading.Thread):
    """Every 5 s from its own process: a new title, then unpublish or republish."""

    def __init__(self, slug, title, stop, commits):
        super().__init__(daemon=True)
        self.stop, self.commits = stop, commits
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", EDITOR.replace("SLUG", repr(slug))],
            cwd=ROOT,
            env=environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        while "ready" not in self.process.stdout.readline():
            pass
        self.title = title
        self.commits.append((float("-inf"), title))

    def send(self, line, state):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        self.process.stdout.readline()
        self.commits.append((time.monotonic(), state))

    def run(self):
        step = 0
        while not self.stop.wait(5 if step else 2.5):
            step += 1
            if step % 2:
                self.title = f"Edited title {step}"
                published = self.commits[-1][1] != GONE
                self.send(f"title {self.title}", self.title if published else GONE)
            elif self.commits[-1][1] == GONE:
                self.send("published", self.title)
            else:
                self.send("draft", GONE)
        self.process.stdin.close()
        self.process.wait()


def stale_reads(seen, commits):
    """Reads showing a state older than the newest one committed 1 s or more before."""
    stale = 0
    for started, state in seen:
        settled = [s for t, s in commits if t <= started - 1.0]
        recent = {s for t, s in commits if t > started - 1.0}
        if settled and state != settled[-1] and state not in recent:
            stale += 1
    return stale


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] if values else 0


def stampede(results, fault_at, window=0.5):
    """Seconds after fault_at until every later half second's p99 is under three times the
    p99 of the four seconds before the fault."""
    before = [d for _, d, t in results if fault_at - 4 <= t < fault_at]
    limit = 3 * percentile(before, 0.99)
    windows = {}
    for _, duration, started in results:
        if started >= fault_at:
            windows.setdefault(int((started - fault_at) // window), []).append(duration)
    slow = [index for index, durations in windows.items() if percentile(durations, 0.99) > limit]
    return {
        "p99_before_fault_ms": round(limit / 3 * 1000, 1),
        "stampede_s": round((max(slow) + 1) * window, 1) if slow else 0.0,
    }


class Monitor:
    """Stores of pages in our Redis (redis-cli MONITOR) from start() on: one per render. A
    page is counted per generation it was stored under (its first field): right after a
    restart each worker notices the new run id within PAGE_GENERATION_CHECK_SECONDS, and a
    page rendered before and after that is two versions, not a duplicate render."""

    PAGE_STORE = re.compile(
        r'"set" "([^"]*public-pages:[a-zA-Z_-]+:[0-9a-f]{64})" "[^"]*?'
        r"([0-9a-f]{32}\.[0-9a-f-]+\.[0-9a-f]+)",
        re.I,
    )

    def __init__(self):
        self.process, self.path = None, WORK / "monitor.log"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-cli", "-p", str(REDIS_PORT), "monitor"],
            stdout=open(self.path, "w"),  # noqa: SIM115 (closed with the process)
            stderr=subprocess.DEVNULL,
        )

    def renders(self):
        if self.process is None:
            return {}
        self.process.terminate()
        self.process.wait()
        self.process = None
        stored = []
        with open(self.path, errors="replace") as log:
            for line in log:
                stored += self.PAGE_STORE.findall(line[:400])
        versions = len(set(stored))
        return {
            "page_renders": len(stored),
            "pages_rendered": len({key for key, _ in stored}),
            "page_versions": versions,
            "generations": len({value for _, value in stored}),
            "renders_per_version": round(len(stored) / max(1, versions), 2),
        }


monitor = Monitor()


def restart_empty(redis):
    redis.stop()
    redis.start()
    monitor.start()


def measure(name, paths, probe_path, title, fault, warmup=5):
    stop, results, seen, commits = threading.Event(), [], [], []
    readers = [Reader(paths, stop, results) for _ in range(THREADS)]
    prober = Prober(probe_path, stop, seen)
    editor = (
        Editor(probe_path.rstrip("/").rsplit("/", 1)[-1], title, stop, commits)
        if (name == "edits")
        else None
    )
    for thread in [*readers, prober, *([editor] if editor else [])]:
        thread.start()
    time.sleep(warmup)
    fault_at = time.monotonic()
    fault()
    remaining = SECONDS - 5
    time.sleep(remaining)
    stop.set()
    for thread in [*readers, prober, *([editor] if editor else [])]:
        thread.join(timeout=30)
    statuses = [status for status, *_ in results]
    report = {
        "run": name,
        "requests": len(results),
        "ok": sum(1 for s in statuses if s != "socket" and s < 400),
        "404": statuses.count(404),
        "503": statuses.count(503),
        "other_5xx": sum(1 for s in statuses if s != "socket" and s >= 500 and s != 503),
        "socket_errors": statuses.count("socket"),
        "p99_ms": round(percentile([d for _, d, _ in results], 0.99) * 1000, 1),
        "max_ms": round(max((d for _, d, _ in results), default=0) * 1000, 1),
        "probe_reads": len(seen),
        "probe_gone": sum(1 for _, state in seen if state == GONE),
        "load_average": round(os.getloadavg()[0], 1),
        "stale_reads": stale_reads(seen, commits) if commits else 0,
        "edits": max(0, len(commits) - 1),
    }
    if name.startswith("redis-restarted"):
        report.update(stampede(results, fault_at))
        report.update(monitor.renders())
    print(json.dumps(report), flush=True)
    return report


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    postgres, redis = Postgres(), Redis()
    server = None
    try:
        manage("migrate", "--noinput", "-v0")
        count = manage(
            "shell", "-c", "from events.models import Event; print(Event.objects.count())"
        )
        if int(count.strip().splitlines()[-1]) < EVENTS:
            manage("generate_demo_data", "--events", str(EVENTS), "--seed", "1")
        pages = json.loads(
            manage("shell", "-c", PAGES.replace("STAMPEDE", str(STAMPEDE_PAGES)))
            .strip()
            .splitlines()[-1]
        )
        results = []
        for name in RUNS:
            run("redis-cli", "-p", str(REDIS_PORT), "flushall", check=False)
            uncoalesced = name.endswith("-uncoalesced")
            server = Gunicorn(**({"DJANGO_PAGE_REBUILD_WAIT_SECONDS": "0"} if uncoalesced else {}))
            paths = pages["paths"] + (pages["many"] if name.startswith("redis-restarted") else [])
            faults = {
                "redis-stopped": lambda: fault_later(redis.stop, 15, redis.start),
                "redis-frozen": lambda: fault_later(
                    lambda: redis.process.send_signal(signal.SIGSTOP),
                    12,
                    lambda: redis.process.send_signal(signal.SIGCONT),
                ),
                "postgres-down": lambda: fault_later(postgres.stop, 10, postgres.start),
                "worker-killed": lambda server=server: os.kill(server.workers()[0], signal.SIGKILL),
                "edits": lambda: None,
                "baseline": lambda: None,
                "redis-restarted": lambda: restart_empty(redis),
                "redis-restarted-uncoalesced": lambda: restart_empty(redis),
            }
            # The restart runs first let every worker cache every page it reads.
            warmup = WARMUP if name.startswith("redis-restarted") else 5
            results.append(
                measure(name, paths, pages["probe"], pages["title"], faults[name], warmup)
            )
            server.stop()
            server = None
            time.sleep(2)
        stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
        out = ROOT / "bench" / "results" / f"faults-{stamp}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            json.dumps({"events": EVENTS, "threads": THREADS, "runs": results}, indent=1)
        )
        print(f"wrote {out}")
    finally:
        if server:
            server.stop()
        redis.stop()
        postgres.stop()


def fault_later(start, seconds, end):
    start()
    threading.Timer(seconds, end).start()


PAGES = """
import json
from django.urls import reverse
from events.models import Event
from people.models import Person
events = list(Event.objects.published().order_by("pk")[:12])
probe = events[-1]
paths = ["/en/", reverse("events:list"), reverse("events:list") + "?q=urban"]
paths += [e.get_absolute_url() for e in events[:10]]
person = Person.objects.order_by("pk").first()
if person:
    paths.append(person.get_absolute_url())
many = [e.get_absolute_url() for e in Event.objects.published().order_by("-pk")[:STAMPEDE]]
print(json.dumps({
    "paths": paths, "many": many, "probe": probe.get_absolute_url(), "title": probe.title_en
}))
"""

if __name__ == "__main__":
    sys.exit(main())
