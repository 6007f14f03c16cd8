"""
Real servers for the fault tests: the site under gunicorn with production settings, and a
Redis of the test's own (never the machine's shared one, which other runs use). Each is
started on a free port and stopped by the test that started it.
"""

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SHANGHAI = "/en/events/advancing-smart-cities-2021-09-09/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(tmp_path, **overrides):
    """What a production host sets, and nothing else of this test run's environment (no
    CACHE_URL: the production default is under test)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "PYTEST_")) and key != "CACHE_URL"
    }
    environment.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="fault-tests-" + "k3y" * 20,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_STATIC_MANIFEST="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_LOG_LEVEL="ERROR",
    )
    environment.update(overrides)
    return environment


def manage(environment, *arguments, code=None):
    command = [sys.executable, "manage.py", *arguments]
    if code is not None:
        command += ["-c", code]
    result = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


_site_template = []


def load_site(environment):
    """Migrate environment's SQLite database and load the Shanghai record: done once per test
    run, then copied (a migrate costs seconds; several fault tests need the same site)."""
    target = Path(environment["DATABASE_URL"].removeprefix("sqlite:///"))
    if _site_template:
        shutil.copyfile(_site_template[0], target)
        return
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "loaddata", "shanghai_webinar", "-v0")
    folder = tempfile.mkdtemp(prefix="fault-site-")
    atexit.register(shutil.rmtree, folder, True)
    template = Path(folder) / "db.sqlite3"
    shutil.copyfile(target, template)
    _site_template.append(template)


class Gunicorn:
    """gunicorn -c deploy/gunicorn.conf.py, as production starts it, with the worker's pid
    in each access log line so a test can tell which worker answered."""

    def __init__(self, environment, tmp_path, workers=3):
        self.port = free_port()
        self.log = tmp_path / "access.log"
        self.errors = tmp_path / "gunicorn.log"
        environment = {
            **environment,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "--access-logfile",
                str(self.log),
                "--access-logformat",
                "%(p)s %(s)s %(U)s",
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=open(self.errors, "w"),  # noqa: SIM115 (closed with the process)
            start_new_session=True,
        )
        self.workers = workers
        self.wait_until_up()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def wait_until_up(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("gunicorn exited:\n" + self.errors.read_text())
            try:
                urllib.request.urlopen(self.url + "/health/live/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer:\n" + self.errors.read_text())

    def worker_pids(self):
        return set(re.findall(r"^(\d+) ", self.log.read_text(), re.M))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def get(url, etag=None, timeout=10):
    """(status, headers, body) of one GET on a new connection (so the kernel spreads them
    over the workers)."""
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def own_redis_or_skip(tmp_path):
    """Yields an OwnRedis, stopped afterwards; skips without redis-server, except where
    REQUIRE_REDIS=1 (CI) makes that a failure. For fixtures."""
    import pytest

    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but redis-server is not installed")
        pytest.skip("needs redis-server")
    server = OwnRedis(tmp_path)
    yield server
    server.stop()


class OwnRedis:
    """A redis-server of the test's own on a free port, nothing saved to disk."""

    def __init__(self, tmp_path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.tmp_path = tmp_path
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)


class Nginx:
    """deploy/nginx.conf as shipped, run by the machine's nginx under a prefix of the test's
    own: the example paths, ports and certificates are replaced by the test's, nothing else.
    `check()` is `nginx -t`; `start()` serves it (HTTPS on self.port, a self-signed
    certificate) in front of the app server at upstream_port."""

    HOST = "records.example.org"

    def __init__(self, tmp_path, upstream_port):
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.prefix = tmp_path / "nginx"
        (self.prefix / "logs").mkdir(parents=True)
        (self.prefix / "srv").mkdir()
        (self.prefix / "srv" / "static").symlink_to(ROOT / "static")
        self.port = free_port()
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={self.HOST}",
                "-keyout",
                str(self.prefix / "key.pem"),
                "-out",
                str(self.prefix / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        site = re.sub(
            r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", str(self.prefix / "cert.pem"), site
        )
        site = re.sub(
            r"/etc/letsencrypt/live/[^/]+/privkey\.pem", str(self.prefix / "key.pem"), site
        )
        site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.M)
        for example, own in [
            ("/var/cache/nginx/event-records", str(self.prefix / "cache")),
            ("/srv/event-records", str(self.prefix / "srv")),
            ("/var/www/acme", str(self.prefix / "acme")),
            ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
            ("listen 443 ", f"listen 127.0.0.1:{self.port} "),
            ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{upstream_port} "),
        ]:
            assert example in site, f"deploy/nginx.conf no longer has {example!r}"
            site = site.replace(example, own)
        (self.prefix / "site.conf").write_text(site)
        # As root, nginx's workers would otherwise run as nobody, who cannot read the test's
        # folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.prefix / "nginx.conf").write_text(
            f"{user}pid {self.prefix / 'nginx.pid'};\nerror_log {self.prefix / 'logs/error.log'};\n"
            "events {}\nhttp {\n    include /etc/nginx/mime.types;\n"
            f"    access_log {self.prefix / 'logs/access.log'};\n"
            f"    include {self.prefix / 'site.conf'};\n}}\n"
        )
        self.command = [self.binary, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")]

    def check(self):
        return subprocess.run([*self.command, "-t"], capture_output=True, text=True)

    def start(self):
        subprocess.run(self.command, check=True, capture_output=True)

    def stop(self):
        subprocess.run([*self.command, "-s", "stop"], capture_output=True)

    def get(self, path):
        """(status, headers, body) of a GET over HTTPS with the site's host name."""
        import ssl

        context = ssl._create_unverified_context()
        request = urllib.request.Request(
            f"https://127.0.0.1:{self.port}{path}", headers={"Host": self.HOST}
        )
        try:
            with urllib.request.urlopen(request, timeout=10, context=context) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()
