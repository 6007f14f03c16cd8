"""
Proof that the edge cache purges exactly (`make edge`): Varnish (deploy/varnish.vcl, with
the xkey module of varnish-modules) in front of two gunicorn instances that share one
PostgreSQL database and one Redis cache, the site sending its purges to Varnish
(DJANGO_EDGE_PURGE_URLS).

1. Pages read through Varnish once are answered again while both app servers are frozen
   (SIGSTOP): no request reaches Django.
2. An editor changes the Shanghai event's title through the first app server; through
   Varnish, the pages that show the event (its page, the page of a person who spoke there,
   a search that lists it) show the change at once, and a page that does not show it (another
   event's) is still answered by Varnish alone.
3. The edit is undone through the second app server and Varnish shows the original.

Environment (defaults in brackets): EDGE_DATABASE_URL
[postgres://postgres@127.0.0.1:5432/event_records_edge], EDGE_CACHE_URL
[redis://127.0.0.1:6379/2], EDGE_PORTS [8183,8184] (app servers), EDGE_VARNISH_PORT [8185],
EDGE_VARNISH_ADMIN_PORT [8186]. Needs varnishd and the xkey module (`make edge` installs
them with apt-get if missing). Exits non-zero on failure and always stops Varnish and both
servers and removes its temporary account.
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import stateless  # noqa: E402
from stateless import Browser, FormReader, check, edit_title, stop  # noqa: E402

ROOT = BENCH.parent
DATABASE_URL = os.environ.get(
    "EDGE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/event_records_edge"
)
CACHE_URL = os.environ.get("EDGE_CACHE_URL", "redis://127.0.0.1:6379/2")
PORTS = [int(p) for p in os.environ.get("EDGE_PORTS", "8183,8184").split(",")]
VARNISH_PORT = int(os.environ.get("EDGE_VARNISH_PORT", 8185))
VARNISH_ADMIN_PORT = int(os.environ.get("EDGE_VARNISH_ADMIN_PORT", 8186))
EVENT_SLUG = stateless.EVENT_SLUG

stateless.DATABASE_URL = DATABASE_URL
stateless.ENV.update(
    DATABASE_URL=DATABASE_URL,
    CACHE_URL=CACHE_URL,
    DJANGO_EDGE_PURGE_URLS=f"http://127.0.0.1:{VARNISH_PORT}/",
    DJANGO_EDGE_CACHE_SECONDS="600",
    GUNICORN_WORKERS="2",
)
ENV = stateless.ENV


def manage(*args):
    return stateless.manage(*args)


def shell(code):
    return manage("shell", "--verbosity=0", "-c", code).strip()


def vcl_for(ports):
    """deploy/varnish.vcl with its block of app servers replaced by these ones."""
    text = (ROOT / "deploy" / "varnish.vcl").read_text()
    backends = "".join(
        f'backend app{n} {{\n    .host = "127.0.0.1";\n    .port = "{port}";\n}}\n\n'
        for n, port in enumerate(ports, 1)
    )
    added = "".join(f"    apps.add_backend(app{n});\n" for n in range(1, len(ports) + 1))
    block = (
        "# --- App servers (bench/edge.py writes its own block in place of this one) ---\n"
        f"{backends}sub vcl_init {{\n    new apps = directors.round_robin();\n{added}}}\n"
        "# --- end of app servers ---"
    )
    pattern = r"# --- App servers .*?# --- end of app servers ---"
    return re.sub(pattern, lambda _: block, text, count=1, flags=re.S)


def start_varnish(workdir):
    vcl = Path(workdir) / "edge.vcl"
    vcl.write_text(vcl_for(PORTS))
    # varnishd reads it as its own unprivileged user.
    os.chmod(workdir, 0o755)
    vcl.chmod(0o644)
    process = subprocess.Popen(
        [
            shutil.which("varnishd") or "/usr/sbin/varnishd",
            "-F",
            "-a",
            f"127.0.0.1:{VARNISH_PORT}",
            "-T",
            f"127.0.0.1:{VARNISH_ADMIN_PORT}",
            "-f",
            str(vcl),
            "-n",
            str(Path(workdir) / "varnish"),
            "-s",
            "malloc,64m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(Path(workdir) / "varnishd.log", "w"),  # noqa: SIM115 (lives with varnishd)
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print((Path(workdir) / "varnishd.log").read_text(), file=sys.stderr)
            raise SystemExit("varnishd exited during start-up (is varnish-modules installed?)")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{VARNISH_PORT}/robots.txt", timeout=5)
            return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("Varnish did not answer within 30 s")


@contextlib.contextmanager
def frozen(servers):
    """No app server can answer (SIGSTOP to each gunicorn and its workers) inside."""
    for process in servers:
        os.killpg(process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for process in servers:
            os.killpg(process.pid, signal.SIGCONT)


def through_edge(path, timeout=30):
    """(X-Cache, body) of one anonymous request through Varnish."""
    url = f"http://127.0.0.1:{VARNISH_PORT}{path}"
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return answer.headers.get("X-Cache"), answer.read().decode()


def main():
    stateless.ensure_database()
    manage("migrate", "--noinput")
    manage("loaddata", "shanghai_webinar")
    # Other events, which do not show the Shanghai record (made once).
    try:
        manage("generate_demo_data", "--events", "3", "--people", "12", "--seed", "1")
    except subprocess.CalledProcessError as error:
        if "already exist" not in error.stderr:
            raise
    username = f"edge-check-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(24)
    found = shell(
        "from django.contrib.auth.models import User; from django.urls import reverse;"
        "from events.models import Event;"
        f"User.objects.create_superuser({username!r}, '', {password!r});"
        f"e = Event.objects.get(slug={EVENT_SLUG!r});"
        "other = Event.objects.published().exclude(pk=e.pk).order_by('pk').first();"
        "person = e.presentations.exclude(speakers=None).first().speakers.first();"
        "print(e.pk, e.title, sep='|');"
        "print(e.get_absolute_url(), other.get_absolute_url(), person.get_absolute_url(),"
        " reverse('events:list') + '?q=Advancing+SMART')"
    ).splitlines()
    event_id, original = found[0].split("|", 1)
    event_page, other_page, person_page, search = found[1].split()
    # A list, whatever the number of other events: a search that finds the event.
    showing = {"event page": event_page, "speaker's page": person_page, "search": search}
    edited = f"{original} [edited through port {PORTS[0]}, {secrets.token_hex(3)}]"
    servers, varnish = [], None
    workdir = tempfile.mkdtemp(prefix="edge-check-")
    try:
        servers = [stateless.start(port) for port in PORTS]
        varnish = start_varnish(workdir)
        for path in [*showing.values(), other_page]:
            through_edge(path)
        with frozen(servers):
            answers = {path: through_edge(path) for path in [*showing.values(), other_page]}
        check(
            all(cache == "hit" for cache, _ in answers.values()),
            "pages read again through Varnish are answered while both app servers are frozen",
        )
        check(
            all(original in answers[path][1] for path in showing.values())
            and original not in answers[other_page][1],
            "the event's pages name it, the other event's page does not",
        )

        editor = Browser()
        admin = "/" + ENV.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
        _, page = editor.get(PORTS[0], f"{admin}login/")
        login = FormReader("login-form")
        login.feed(page)
        editor.post(
            PORTS[0], f"{admin}login/", dict(login.fields, username=username, password=password)
        )
        change_path = f"{admin}events/event/{event_id}/change/"
        edit_title(editor, PORTS[0], change_path, edited)

        for name, path in showing.items():
            cache, body = through_edge(path)
            check(
                cache == "miss" and edited in body,
                f"the {name} through Varnish shows the edit made through port {PORTS[0]}",
            )
        with frozen(servers):
            cache, body = through_edge(other_page)
        check(
            cache == "hit" and body == answers[other_page][1],
            "another event's page is still answered by Varnish alone (app servers frozen)",
        )

        edit_title(editor, PORTS[1], change_path, original)
        for name, path in showing.items():
            _, body = through_edge(path)
            check(
                edited not in body and original in body,
                f"the {name} through Varnish shows the undo made through port {PORTS[1]}",
            )
    finally:
        for process in [varnish, *servers]:
            if process:
                stop(process)
        shell(
            "from django.contrib.auth.models import User;"
            "from events.models import Event;"
            f"User.objects.filter(username={username!r}).delete();"
            f"Event.objects.filter(slug={EVENT_SLUG!r}, title={edited!r})"
            f".update(title={original!r}, title_en={original!r})"
        )
        shutil.rmtree(workdir, ignore_errors=True)
    print("Edge: Varnish keeps the pages and drops exactly those that show a changed record.")


if __name__ == "__main__":
    main()
