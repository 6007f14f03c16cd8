"""
pretalx's public talk page, measured by `make bench` in the same run as this site's pages and
in the same way (gunicorn, 3 sync workers, wrk 2 threads × 16 connections, its own static
file as the same-server limit), so that the ratio beside ours is a measurement, not a
quotation. None of pretalx's code is in this repository: it is served from a venv of its own
that the machine's operator prepared (the team's peer notes say how: pretalx from PyPI on
Python 3.12, migrated, rebuilt and seeded with one public talk).

    BENCH_PRETALX_VENV    the venv holding pretalx and gunicorn (no venv: the peer is skipped)
    BENCH_PRETALX_CONFIG  its pretalx.cfg (PRETALX_CONFIG_FILE), default VENV/pretalx.cfg
    BENCH_PRETALX_PORT    where to serve it, default BENCH_PORT + 1
    BENCH_PRETALX_TALK    the talk page's path; default: the first confirmed talk's
"""

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

from stateless import stop  # bench/ is on sys.path when run as a script

# Its schedule answers plain text to a request without a browser's Accept header.
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FIRST_TALK = (
    "from pretalx.submission.models import Submission;"
    "talk = Submission.all_objects.filter(state='confirmed').order_by('pk').first();"
    "print(talk.urls.public if talk else '')"
)


def settings(port):
    venv = os.environ.get("BENCH_PRETALX_VENV")
    if not venv:
        return None, "BENCH_PRETALX_VENV is not set"
    venv = Path(venv)
    if not (venv / "bin" / "gunicorn").exists() or not (venv / "bin" / "python").exists():
        return None, f"{venv} holds no gunicorn or python"
    config = Path(os.environ.get("BENCH_PRETALX_CONFIG", venv / "pretalx.cfg"))
    if not config.exists():
        return None, f"no pretalx configuration at {config}"
    env = dict(os.environ, PRETALX_CONFIG_FILE=str(config))
    for name in list(env):
        if name.startswith("DJANGO_") or name == "DATABASE_URL":
            del env[name]  # this site's settings are not pretalx's
    port = int(os.environ.get("BENCH_PRETALX_PORT", port + 1))
    return {"venv": venv, "env": env, "port": port}, None


def fetch(port, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept": ACCEPT})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def talk_path(peer):
    path = os.environ.get("BENCH_PRETALX_TALK")
    if path:
        return path
    found = subprocess.run(
        [
            str(peer["venv"] / "bin" / "python"),
            "-m",
            "pretalx",
            "shell",
            "--unsafe-disable-scopes",
            "-c",
            FIRST_TALK,
        ],
        env=peer["env"],
        text=True,
        capture_output=True,
        timeout=120,
    )
    lines = found.stdout.strip().splitlines()
    return lines[-1].strip() if found.returncode == 0 and lines else ""


def measure_pretalx(port, measure):
    """{figures} for pretalx's talk page and its static twin, or {"skipped": why}.
    `measure(url, headers=…)` is the bench's wrk run (warm-up, then the measured seconds)."""
    peer, why = settings(port)
    if peer is None:
        return {"skipped": why}
    path = talk_path(peer)
    if not path:
        return {"skipped": "no confirmed talk in the pretalx database (seed one first)"}
    if "://" in path:
        path = "/" + path.split("://", 1)[1].split("/", 1)[1]
    process = subprocess.Popen(
        [
            str(peer["venv"] / "bin" / "gunicorn"),
            "pretalx.wsgi",
            "--workers",
            "3",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{peer['port']}",
        ],
        env=peer["env"],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = fetch(peer["port"], path)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    return {"skipped": "pretalx's gunicorn did not answer within 60 s"}
                time.sleep(0.5)
        if status != 200:
            return {"skipped": f"{path} answered {status}"}
        # Its HTML is minified: attribute values may come without quotes.
        stylesheet = re.search(rb'<link[^>]+href="?(/static/[^"\s>]+\.css)', body)
        if not stylesheet:
            return {"skipped": "the talk page links no stylesheet to serve as its static twin"}
        static_path = stylesheet.group(1).decode()
        headers = [f"Accept: {ACCEPT}"]
        static = measure(f"http://127.0.0.1:{peer['port']}{static_path}", headers=headers)
        page = measure(f"http://127.0.0.1:{peer['port']}{path}", headers=headers)
        page.update(
            path=path,
            bytes=len(body),
            static=dict(static, path=static_path),
            ratio_to_static=round(page["requests_per_second"] / static["requests_per_second"], 4),
        )
        return page
    finally:
        stop(process)
