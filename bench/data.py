"""
Benchmark of the open data at 10,000 demo events (`make bench-data`, bench/README.md).

1. Loads the demo data set of `make bench` (SQLite, var/bench-10000.sqlite3) unless it is
   there, and builds the whole-dataset downloads with `manage.py build_downloads` and one
   dated dump with `manage.py make_dump`, timing each and reading its peak memory.
2. Serves with gunicorn as `make serve` does; for each download asks it once (time to first
   byte, total time, bytes) and then runs wrk on it and on a static file of the same bytes
   served by WhiteNoise from the same server: the ratio of the two is the figure that
   travels between machines. The workers' peak resident memory is read from /proc.
3. With BENCH_DATA_REUSE=1, files built by an earlier run are served without building again.
   With BENCH_DATA_STREAMED=1, also asks each download once from a server that has no
   built files (the streamed answer of a new site), with a long worker timeout.

4. Reads the sitemap index and every part it lists: URLs, bytes, `lastmod` on every URL and the
   language alternates, against the protocol's 50,000 URLs and 50 MB a file.

BENCH_DATA_DATABASE=postgresql measures the PostgreSQL data set of `make bench`
(BENCH_POSTGRES_URL; with BENCH_EVENTS=100000 the 100,000-event set).
Writes bench/results/data-<database>-<events>.json and prints the Markdown table.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

os.environ.setdefault("BENCH_PORT", "8181")
os.environ.setdefault("BENCH_DURATION", "10")
# The shared cache a real server would have (a process-local one is refused with workers).
os.environ.setdefault("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3")

import run  # noqa: E402  (bench/ is on sys.path when run as a script)

DOWNLOADS = {
    "popolo": "popolo.json",
    "calendar": "events.ics",
    "events_csv": "events.csv",
    "people_csv": "people.csv",
    "organizations_csv": "organizations.csv",
    "roles_csv": "roles.csv",
}
BUILT = Path(
    os.environ.get("BENCH_DATA_DOWNLOADS", run.ROOT / "var" / f"bench-downloads-{run.EVENTS}")
)
# BENCH_DATA_REUSE=1 serves the files an earlier run built instead of building them again.
REUSE = os.environ.get("BENCH_DATA_REUSE") == "1"
DUMPS = run.ROOT / "var" / f"bench-dumps-{run.EVENTS}"
TWINS = run.STATIC_ROOT / "bench-data"
CONNECTIONS = 8
DATABASE = os.environ.get("BENCH_DATA_DATABASE", "sqlite")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def timed(env, *args):
    """(seconds, peak resident MB) of one management command, through GNU time."""
    started = time.monotonic()
    result = subprocess.run(
        ["/usr/bin/time", "-v", run.PYTHON, "manage.py", *args],
        cwd=run.ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )
    seconds = time.monotonic() - started
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return round(seconds, 1), round(int(peak.group(1)) / 1024)


def ask(path, sink=None):
    """(status, seconds to first byte, total seconds, bytes) of one GET; with a sink, each
    piece of the body is also handed to it (a whole download is not kept by default)."""
    sink = sink or (lambda _piece: None)
    connection = http.client.HTTPConnection("127.0.0.1", run.PORT, timeout=600)
    started = time.monotonic()
    connection.request("GET", path)
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.monotonic() - started
    size = len(first)
    sink(first)
    while chunk := response.read(1024 * 1024):
        size += len(chunk)
        sink(chunk)
    total = time.monotonic() - started
    connection.close()
    return response.status, round(first_byte, 3), round(total, 2), size


def worker_peak_mb(server):
    """The largest peak resident memory (VmHWM) of the gunicorn workers."""
    peak = 0
    for children in Path(f"/proc/{server.process.pid}/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                peak = max(peak, int(match.group(1)))
    return round(peak / 1024)


def main():
    env = run.environment(run.database_url(DATABASE))
    env.update(
        DJANGO_DATA_DOWNLOADS_DIR=str(BUILT),
        DJANGO_DATA_DUMPS_DIR=str(DUMPS),
        DJANGO_DATA_DUMPS_KEEP="1",
        # The worker is not running here: builds are made by build_downloads itself.
        DJANGO_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        # Static files under their own names, not compressed at collectstatic: wrk asks for
        # no encoding, so the twin is served as the same plain bytes either way, and
        # compressing a 1.3 GB Popolo twin (100,000 events) would take longer than the run.
        DJANGO_STATIC_MANIFEST="false",
    )
    run.load(env)
    results = {"events": run.EVENTS, "commit": run_git("rev-parse", "--short", "HEAD")}
    results["load_average"] = os.getloadavg()
    if not (REUSE and (BUILT / "manifest.json").exists()):
        for command in ("build_downloads", "make_dump"):
            seconds, peak = timed(env, command)
            results[command] = {"seconds": seconds, "peak_mb": peak}
    manifest = json.loads((BUILT / "manifest.json").read_text())

    shutil.rmtree(TWINS, ignore_errors=True)
    TWINS.mkdir(parents=True)
    for filename in DOWNLOADS.values():
        shutil.copyfile(BUILT / filename, TWINS / filename)
    run.manage(env, "collectstatic", "--noinput", "--verbosity", "0")

    downloads = {}
    probe = "/data/people.csv"
    with run.Server(env, probe) as server:
        for name, filename in DOWNLOADS.items():
            path = f"/data/{filename}"
            status, first_byte, total, size = ask(path)
            assert status == 200 and size == manifest["files"][name]["bytes"], (name, status)
            twin = f"/static/bench-data/{filename}"
            served = run.measure(f"http://127.0.0.1:{run.PORT}{path}", connections=CONNECTIONS)
            server.wait_until_idle()
            static = run.measure(f"http://127.0.0.1:{run.PORT}{twin}", connections=CONNECTIONS)
            server.wait_until_idle()
            downloads[name] = {
                "path": path,
                "bytes": size,
                "first_byte_s": first_byte,
                "total_s": total,
                "requests_per_second": served["requests_per_second"],
                "static_requests_per_second": static["requests_per_second"],
                "ratio": round(served["requests_per_second"] / static["requests_per_second"], 3),
                "errors": served["errors"],
            }
            print(name, downloads[name], flush=True)
        results["sitemaps"] = sitemaps()
        results["worker_peak_mb"] = worker_peak_mb(server)
    results["downloads"] = downloads

    if os.environ.get("BENCH_DATA_STREAMED") == "1":
        streamed_env = dict(env, DJANGO_DATA_DOWNLOADS_DIR=str(BUILT) + "-none")
        streamed_env["GUNICORN_TIMEOUT"] = "600"
        shutil.rmtree(streamed_env["DJANGO_DATA_DOWNLOADS_DIR"], ignore_errors=True)
        results["streamed"] = {}
        with run.Server(streamed_env, "/robots.txt") as server:
            for name, filename in DOWNLOADS.items():
                status, first_byte, total, size = ask(f"/data/{filename}")
                results["streamed"][name] = {
                    "status": status,
                    "first_byte_s": first_byte,
                    "total_s": total,
                    "bytes": size,
                }
                print("streamed", name, results["streamed"][name], flush=True)
            results["streamed_worker_peak_mb"] = worker_peak_mb(server)

    run.RESULTS.mkdir(exist_ok=True)
    target = run.RESULTS / f"data-{DATABASE}-{run.EVENTS}.json"
    target.write_text(json.dumps(results, indent=1) + "\n")
    print(markdown(results))


def sitemaps():
    """Every part of the sitemap index, checked against the protocol and timed."""
    body = bytearray()
    status, first_byte, total, size = ask("/sitemap.xml", sink=body.extend)
    assert status == 200, status
    index = ElementTree.fromstring(bytes(body))
    parts = []
    for location in index.iter(f"{SITEMAP}loc"):
        path = "/" + location.text.split("://", 1)[1].split("/", 1)[1]
        body = bytearray()
        status, _first_byte, seconds, _size = ask(path, sink=body.extend)
        assert status == 200, (path, status)
        urls = ElementTree.fromstring(bytes(body)).findall(f"{SITEMAP}url")
        parts.append(
            {
                "path": path,
                "urls": len(urls),
                "bytes": len(body),
                "seconds": seconds,
                "every_url_has_lastmod": all(u.find(f"{SITEMAP}lastmod") is not None for u in urls),
                "every_url_has_alternates": all(u.find(f"{XHTML}link") is not None for u in urls),
            }
        )
    print("sitemap parts", len(parts), flush=True)
    return {
        "index": {"first_byte_s": first_byte, "total_s": total, "bytes": size},
        "parts": len(parts),
        "urls": sum(part["urls"] for part in parts),
        "largest_part_urls": max(part["urls"] for part in parts),
        "largest_part_bytes": max(part["bytes"] for part in parts),
        "slowest_part_s": max(part["seconds"] for part in parts),
        "within_protocol": all(
            part["urls"] <= 50_000 and part["bytes"] <= 50 * 1024 * 1024 for part in parts
        ),
        "every_url_has_lastmod": all(part["every_url_has_lastmod"] for part in parts),
        "every_url_has_alternates": all(part["every_url_has_alternates"] for part in parts),
    }


def markdown(results):
    lines = [
        "| Download | Bytes | First byte s | Total s | req/s | Static req/s | Ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["downloads"].values():
        lines.append(
            f"| `{row['path']}` | {row['bytes']:,} | {row['first_byte_s']} | {row['total_s']} "
            f"| {row['requests_per_second']} | {row['static_requests_per_second']} "
            f"| {row['ratio']} |"
        )
    return "\n".join(lines)


def run_git(*args):
    return subprocess.run(
        ["git", *args], cwd=run.ROOT, text=True, capture_output=True, check=False
    ).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
