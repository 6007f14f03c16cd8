"""
The second editor of bench/load_under_edit.py: saves events through the admin's own views
(Django's test client in this process: the same forms, versioned save, history and
transactions as a browser's save) in a loop for a given time, without waiting in gunicorn's
queue behind the load, so that many saves land while the pages are read. Prints one JSON line.

    python bench/edit_loop.py SECONDS USERNAME CHANGE_PATH...
"""

import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402
from stateless import FormReader  # noqa: E402


def main():
    seconds, username, *paths = sys.argv[1:]
    client = Client()
    client.force_login(User.objects.get(username=username))
    deadline = time.monotonic() + float(seconds)
    saves, failures, round_number = 0, [], 0
    while time.monotonic() < deadline:
        round_number += 1
        for path in paths:
            form = FormReader("event_form")
            form.feed(client.get(path).content.decode())
            fields = {}
            for name, value in form.fields:
                if name in ("title", "title_en"):
                    value = value.split(" (direct save")[0] + f" (direct save {round_number})"
                fields.setdefault(name, []).append(value)
            response = client.post(path, {**fields, "_save": "Save"})
            if response.status_code == 302:
                saves += 1
            else:
                failures.append(f"{path}: {response.status_code}")
    print(json.dumps({"saves": saves, "failed_saves": len(failures), "failures": failures[:10]}))


if __name__ == "__main__":
    main()
