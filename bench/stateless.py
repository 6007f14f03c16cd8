"""
Proof that app servers keep no state of their own (`make stateless`): two gunicorn instances
on different ports share one PostgreSQL database and one Redis cache, as several servers
behind one proxy would. An editor logs in through the first, the session works on the
second, a record edited through the first is shown fresh by the second at once, and the
edit is undone through the second.

Environment (defaults in brackets): STATELESS_DATABASE_URL
[postgres://postgres@127.0.0.1:5432/event_records_stateless], STATELESS_CACHE_URL
[redis://127.0.0.1:6379/1], STATELESS_PORTS [8181,8182]. Exits non-zero on failure and always
stops both servers and removes its temporary account.
"""

import html.parser
import http.cookiejar
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DATABASE_URL = os.environ.get(
    "STATELESS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/event_records_stateless"
)
CACHE_URL = os.environ.get("STATELESS_CACHE_URL", "redis://127.0.0.1:6379/1")
PORTS = [int(p) for p in os.environ.get("STATELESS_PORTS", "8181,8182").split(",")]
EVENT_SLUG = "advancing-smart-cities-2021-09-09"

ENV = dict(
    os.environ,
    DATABASE_URL=DATABASE_URL,
    CACHE_URL=CACHE_URL,
    DJANGO_DEBUG="false",
    DJANGO_SECRET_KEY="stateless-check-only-secret-key-shared-by-both-servers-0123456789",
    DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    DJANGO_SECURE_SSL_REDIRECT="false",
    DJANGO_SECURE_COOKIES="false",
    DJANGO_SECURE_HSTS_SECONDS="0",
    DJANGO_STATIC_MANIFEST="false",
    DJANGO_LOG_LEVEL="ERROR",
    GUNICORN_WORKERS="1",
    GUNICORN_LOG_LEVEL="warning",
)


class FormReader(html.parser.HTMLParser):
    """The fields a browser would submit from one form, with their current values."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select, self.select_options, self.textarea = None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((attrs["name"], attrs.get("value") or default))
        elif tag == "select":
            self.select = (attrs["name"], "multiple" in attrs)
            self.select_options = []
        elif tag == "option" and self.select:
            self.select_options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            self.fields.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.select_options if selected]
            if not chosen and not multiple and self.select_options:
                chosen = [self.select_options[0][0]]
            self.fields += [(name, value) for value in chosen]
            self.select = None


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, port, path):
        with self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, port, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(f"http://127.0.0.1:{port}{path}", data, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)


def manage(*args):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True, text=True, capture_output=True
    ).stdout


def ensure_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


def start(port):
    process = subprocess.Popen(
        [GUNICORN, "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=dict(ENV, GUNICORN_BIND=f"127.0.0.1:{port}"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited during start-up")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            return process
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn on port {port} did not answer")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def edit_title(browser, port, change_path, new_title):
    _, page = browser.get(port, change_path)
    form = FormReader("event_form")
    form.feed(page)
    if not form.fields:
        raise AssertionError(f"No event form at {change_path} on port {port}")
    fields = [
        (name, new_title if name in ("title", "title_en") else value) for name, value in form.fields
    ]
    url, answer = browser.post(port, change_path, [*fields, ("_save", "Save")])
    if url.endswith(change_path):
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer, re.S)
        raise AssertionError(f"The admin did not save the edit on port {port}: {errors}")


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"ok  {message}")


def main():
    ensure_database()
    manage("migrate", "--noinput")
    manage("loaddata", "shanghai_webinar")
    username = f"stateless-check-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(24)
    manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.contrib.auth.models import User;"
        f"User.objects.create_superuser({username!r}, '', {password!r})",
    )
    first = second = None
    original = manage(
        "shell",
        "--verbosity=0",
        "-c",
        f"from events.models import Event; print(Event.objects.get(slug={EVENT_SLUG!r}).title)",
    ).strip()
    edited = f"{original} [edited through port {PORTS[0]}, {secrets.token_hex(3)}]"
    try:
        first, second = start(PORTS[0]), start(PORTS[1])
        reader, editor = Browser(), Browser()
        event_path = manage(
            "shell",
            "--verbosity=0",
            "-c",
            "from events.models import Event;"
            f"print(Event.objects.get(slug={EVENT_SLUG!r}).get_absolute_url())",
        ).strip()
        _, page = reader.get(PORTS[1], event_path)
        check(original in page, f"port {PORTS[1]} shows the record before the edit")

        admin = "/" + ENV.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
        _, page = editor.get(PORTS[0], f"{admin}login/")
        login = FormReader("login-form")
        login.feed(page)
        fields = dict(login.fields, username=username, password=password)
        editor.post(PORTS[0], f"{admin}login/", fields)
        url, _ = editor.get(PORTS[1], admin)
        check("/login/" not in url, f"a session opened on port {PORTS[0]} works on {PORTS[1]}")

        event_id = manage(
            "shell",
            "--verbosity=0",
            "-c",
            f"from events.models import Event; print(Event.objects.get(slug={EVENT_SLUG!r}).pk)",
        ).strip()
        change_path = f"{admin}events/event/{event_id}/change/"
        edit_title(editor, PORTS[0], change_path, edited)
        _, page = reader.get(PORTS[1], event_path)
        check(edited in page, f"port {PORTS[1]} shows the edit made through {PORTS[0]} at once")

        edit_title(editor, PORTS[1], change_path, original)
        _, page = reader.get(PORTS[0], event_path)
        check(
            edited not in page and original in page,
            f"port {PORTS[0]} shows the undo made through {PORTS[1]} at once",
        )
        # Logging out through the other server ends the session everywhere (and leaves no
        # session behind in the database or the cache).
        editor.post(
            PORTS[1], f"{admin}logout/", {"csrfmiddlewaretoken": editor.cookie("csrftoken")}
        )
        url, _ = editor.get(PORTS[0], admin)
        check("/login/" in url, f"logging out through {PORTS[1]} ends the session on {PORTS[0]}")
    finally:
        for process in (first, second):
            if process:
                stop(process)
        manage(
            "shell",
            "--verbosity=0",
            "-c",
            "from django.contrib.auth.models import User;"
            "from events.models import Event;"
            f"User.objects.filter(username={username!r}).delete();"
            f"Event.objects.filter(slug={EVENT_SLUG!r}, title={edited!r})"
            f".update(title={original!r}, title_en={original!r})",
        )
    print("Stateless: two app servers, one database and one cache, no stale page.")


if __name__ == "__main__":
    main()
