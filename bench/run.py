"""
The load benchmark behind `make bench` (see bench/README.md).

For each database (SQLite, PostgreSQL): load demo data, serve with gunicorn on loopback,
drive each page type with wrk, and compare it with a static file of the same size served
by the same server (WhiteNoise) in the same run. Results go to bench/results/*.json and a
chart to bench/results/chart.png.

Settings come from BENCH_* environment variables; every one has a default:
BENCH_EVENTS (10000), BENCH_PEOPLE (5 per event), BENCH_SEED (1), BENCH_DATABASES
("sqlite,postgresql"), BENCH_POSTGRES_URL, BENCH_PORT (8180), BENCH_WORKERS (3),
BENCH_DURATION seconds per page (10), BENCH_WARMUP seconds (2), BENCH_PAGES (all); and
BENCH_PRETALX_* for the peer measured in the same run (bench/peer.py; skipped without it).
"""

import datetime
import gzip
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from peer import measure_pretalx  # bench/ is on sys.path when run as a script
from stateless import stop

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

EVENTS = int(os.environ.get("BENCH_EVENTS", 10000))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", EVENTS * 5))
SEED = int(os.environ.get("BENCH_SEED", 1))
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/event_records_bench"
)
PORT = int(os.environ.get("BENCH_PORT", 8180))
WORKERS = int(os.environ.get("BENCH_WORKERS", 3))
DURATION = int(os.environ.get("BENCH_DURATION", 10))
WARMUP = int(os.environ.get("BENCH_WARMUP", 2))
THREADS, CONNECTIONS = 2, 16
ONLY_PAGES = [p for p in os.environ.get("BENCH_PAGES", "").split(",") if p]
STATIC_ROOT = ROOT / "var" / "bench-static"

SERVER_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-never-used-for-a-real-site-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_STATIC_ROOT": str(STATIC_ROOT),
    "DJANGO_STATIC_MANIFEST": "true",
    # Persistent connections, as production should run (a new PostgreSQL connection per
    # request costs more than most pages).
    "DJANGO_CONN_MAX_AGE": "60",
    "DJANGO_LOG_LEVEL": "ERROR",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_WORKERS": str(WORKERS),
    "GUNICORN_MAX_REQUESTS": "0",
    "GUNICORN_LOG_LEVEL": "warning",
    # The shared cache production uses; pages whose name says "uncached" are measured on a
    # server started with the page cache off.
    "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1"),
}


def database_url(name):
    if name == "sqlite":
        return f"sqlite:///{ROOT / 'var' / f'bench-{EVENTS}.sqlite3'}"
    if name == "postgresql":
        return POSTGRES_URL
    raise SystemExit(f"Unknown database {name!r}: use sqlite or postgresql.")


def environment(url):
    env = dict(os.environ)
    env.update(SERVER_ENV)
    env["DATABASE_URL"] = url
    return env


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout


def ensure_postgres_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def load(env):
    """Migrate and load the demo data unless this exact data set is already there."""
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    wanted = f"seed {SEED}; {EVENTS} events; {PEOPLE} people."
    probe = (
        "from events.models import Source;"
        f"print(Source.objects.filter(slug='demo-data', notes__contains='{wanted}').exists())"
    )
    if manage(env, "shell", "--verbosity=0", "-c", probe, capture=True).strip() == "True":
        return None
    started = time.monotonic()
    manage(
        env,
        "generate_demo_data",
        "--events",
        str(EVENTS),
        "--people",
        str(PEOPLE),
        "--seed",
        str(SEED),
        "--replace",
    )
    return round(time.monotonic() - started, 1)


class Server:
    """gunicorn in its own process group, always stopped on the way out."""

    def __init__(self, env, probe):
        self.env = env
        self.probe = probe
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}{self.probe}", timeout=10)
            except OSError:
                time.sleep(0.3)
                continue
            return self
        raise SystemExit("gunicorn did not answer within 60 s")

    def cpu_ticks(self):
        """CPU time used so far by the workers (Linux /proc)."""
        total = 0
        for child in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            for pid in child.read_text().split():
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except FileNotFoundError:
                    continue
                total += int(fields[11]) + int(fields[12])
        return total

    def wait_until_idle(self, limit=180):
        """wrk stops waiting at the end of a run, but the workers finish every request it
        sent: wait for them, so that a slow page does not slow the next measurement."""
        deadline = time.monotonic() + limit
        before = self.cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.cpu_ticks()
            if now - before <= 2:
                return
            before = now

    def __exit__(self, *exc):
        if self.process:
            stop(self.process)


def fetch(path, encoding=None):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}")
    if encoding:
        request.add_header("Accept-Encoding", encoding)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def page_weight(html):
    """Bytes a browser downloads for a page, compressed: the HTML as a proxy would gzip it
    (level 6), with the stylesheets, scripts and fonts as WhiteNoise serves them."""
    text = html.decode()
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', text)
    weight = {"html": len(html), "html_gzip": len(gzip.compress(html, 6)), "assets": {}}
    for asset in assets:
        if asset.startswith("/"):
            _, body = fetch(asset, encoding="br, gzip")
            weight["assets"][asset] = len(body)
            if asset.endswith(".css"):
                for font in re.findall(
                    r"url\(['\"]?([^'\")]+\.woff2?)", body.decode(errors="ignore")
                ):
                    font_path = (
                        font if font.startswith("/") else asset.rsplit("/", 1)[0] + "/" + font
                    )
                    weight["assets"][font_path] = len(fetch(font_path)[1])
    weight["total_compressed"] = weight["html_gzip"] + sum(weight["assets"].values())
    return weight


def wrk_report(output):
    """The figures report.lua prints on its BENCH-JSON line of wrk's output."""
    line = next(line for line in output.splitlines() if line.startswith("BENCH-JSON "))
    return json.loads(line.removeprefix("BENCH-JSON "))


def wrk(url, seconds, connections=CONNECTIONS, paths=(), headers=()):
    """wrk on url, or cycling over paths (on url's server) when given."""
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(THREADS, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(BENCH / "report.lua"),
            *(argument for header in headers for argument in ("-H", header)),
            url,
        ],
        check=True,
        text=True,
        capture_output=True,
        timeout=seconds + 60,
        env=dict(os.environ, WRK_PATHS=" ".join(paths)),
    ).stdout
    raw = wrk_report(output)
    seconds_taken = raw["duration_us"] / 1e6
    return {
        "requests_per_second": round(raw["requests"] / seconds_taken, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "requests": raw["requests"],
        "errors": sum(raw["errors"].values()),
    }


def measure(url, **options):
    if WARMUP:
        wrk(url, WARMUP, **options)
    return wrk(url, DURATION, **options)


def load_options(page, search_mix):
    """How wrk drives a page: the search mix cycles over its searches; "one reader" pages
    are asked by a single connection, for the latency a lone reader sees."""
    options = {}
    if page.startswith("search mix"):
        options["paths"] = search_mix
    if page.endswith("(one reader)"):
        options["connections"] = 1
    return options


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def measure_group(name, env, probe, pages, twins, results, search_mix):
    with Server(env, probe) as server:
        for page, path in pages.items():
            load_before = round(os.getloadavg()[0], 2)
            static_url = f"http://127.0.0.1:{PORT}/static/bench/{slug(page)}.html"
            options = load_options(page, search_mix)
            static = measure(static_url, connections=options.get("connections", CONNECTIONS))
            dynamic = measure(f"http://127.0.0.1:{PORT}{path}", **options)
            server.wait_until_idle()
            dynamic["bytes"] = (twins / f"{slug(page)}.html").stat().st_size
            dynamic["path"] = path
            dynamic["static"] = static
            # Other work on the machine skews absolute figures; the ratio to the static
            # twin, measured seconds apart, much less so.
            dynamic["load_average_before"] = load_before
            dynamic["ratio_to_static"] = round(
                dynamic["requests_per_second"] / static["requests_per_second"], 4
            )
            results[page] = dynamic
            if dynamic["requests"] == 0:
                print(f"{name:<10} {page:<18} no response within wrk's 5 s timeout")
            print(
                f"{name:<10} {page:<18} {dynamic['requests_per_second']:>8.1f} req/s "
                f"p50 {dynamic['p50_ms']:>7.2f} ms  p99 {dynamic['p99_ms']:>7.2f} ms  "
                f"errors {dynamic['errors']}  static {static['requests_per_second']:>8.1f} "
                f"req/s  ratio {dynamic['ratio_to_static']:.3f}",
                flush=True,
            )


def bench_database(name):
    url = database_url(name)
    if name == "postgresql":
        ensure_postgres_database(url)
    env = environment(url)
    print(f"== {name}: loading {EVENTS} events / {PEOPLE} people (seed {SEED})", flush=True)
    load_seconds = load(env)
    # Planner statistics, in case the data was loaded before generate_demo_data ran ANALYZE.
    analyze = "from django.db import connection; connection.cursor().execute('ANALYZE')"
    manage(env, "shell", "--verbosity=0", "-c", analyze)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    discovered = json.loads(
        subprocess.run(
            [PYTHON, str(BENCH / "pages.py")],
            cwd=ROOT,
            env=env,
            check=True,
            text=True,
            capture_output=True,
        ).stdout
    )
    search_mix = discovered["search_mix"]
    # Searches as readers make them, with the page cache off: each a different query, so the
    # search itself is measured (its static twin is the first search's page).
    discovered["pages"]["search mix uncached"] = search_mix[0]
    discovered["pages"]["search mix uncached (one reader)"] = search_mix[0]
    discovered["pages"]["event page uncached (one reader)"] = discovered["pages"]["event page"]
    discovered["pages"]["event page cold"] = discovered["pages"]["event page"]
    discovered["pages"]["event page cold (one reader)"] = discovered["pages"]["event page"]
    pages = {k: v for k, v in discovered["pages"].items() if not ONLY_PAGES or k in ONLY_PAGES}

    # First pass: fetch every page once, keep its HTML as the static twin of the same size.
    twins = STATIC_ROOT / "bench"
    twins.mkdir(parents=True, exist_ok=True)
    probe = next(iter(pages.values()))
    with Server(env, probe):
        weight = None
        for page, path in pages.items():
            status, body = fetch(path)
            if status != 200:
                raise SystemExit(f"{page} {path} answered {status}")
            (twins / f"{slug(page)}.html").write_bytes(body)
            if page == "event page":
                weight = page_weight(body)

    # Second pass, on a fresh server that has seen the twins: each page, then its twin.
    # Cached pages first, then the uncached ones on a server with the page cache off.
    results = {}
    manage(
        env, "shell", "--verbosity=0", "-c", "from django.core.cache import cache; cache.clear()"
    )
    # "uncached": the page cache off, as every page is right after an edit; the event page's
    # fragments and the remembered filter data stay on, as they do for the records an edit
    # did not touch. "cold": every cache off, a render from the database alone.
    uncached_env = dict(env, DJANGO_PAGE_CACHE_SECONDS="0")
    cold_env = dict(uncached_env, DJANGO_PUBLIC_DATA_CACHE_SECONDS="0")
    for server_env, group in [
        (env, {k: v for k, v in pages.items() if "uncached" not in k and "cold" not in k}),
        (uncached_env, {k: v for k, v in pages.items() if "uncached" in k}),
        (cold_env, {k: v for k, v in pages.items() if "cold" in k}),
    ]:
        if group:
            measure_group(name, server_env, probe, group, twins, results, search_mix)
    report = {
        "database": name,
        "events": EVENTS,
        "people": PEOPLE,
        "seed": SEED,
        "cache": "anonymous page cache in "
        + env["CACHE_URL"].split(":")[0]
        + " (pages named uncached: page cache off; cold: every cache off)",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, capture_output=True
        ).stdout.strip(),
        "cores": os.cpu_count(),
        "gunicorn_workers": WORKERS,
        "wrk": {"threads": THREADS, "connections": CONNECTIONS, "seconds": DURATION},
        "load_seconds": load_seconds,
        "search_mix": search_mix,
        "counts": discovered["counts"],
        "event_page_weight": weight,
        "pages": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}-{EVENTS}.json").write_text(json.dumps(report, indent=2) + "\n")
    if weight:
        print(
            f"{name:<10} event page weight: HTML {weight['html']} B "
            f"({weight['html_gzip']} B gzip), total compressed {weight['total_compressed']} B"
        )


def bench_peer():
    """pretalx's talk page in the same run (bench/peer.py), when its venv is there."""
    figures = measure_pretalx(PORT, measure)
    figures["date"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pretalx.json").write_text(json.dumps(figures, indent=2) + "\n")
    if "skipped" in figures:
        print(f"pretalx    skipped: {figures['skipped']}")
        return
    print(
        f"pretalx    talk page          {figures['requests_per_second']:>8.1f} req/s "
        f"p50 {figures['p50_ms']:>7.2f} ms  p99 {figures['p99_ms']:>7.2f} ms  "
        f"static {figures['static']['requests_per_second']:>8.1f} req/s  "
        f"ratio {figures['ratio_to_static']:.3f}",
        flush=True,
    )


def main():
    subprocess.run(["wrk", "--version"], capture_output=True)  # fails early if missing
    for name in DATABASES:
        bench_database(name.strip())
    bench_peer()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("matplotlib is missing: pip install -r bench/requirements.txt for the chart.")
        return
    subprocess.run([PYTHON, str(BENCH / "chart.py")], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
