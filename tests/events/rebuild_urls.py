"""A public page that counts its renders and takes long enough for readers to meet."""

import threading
import time

from django.http import HttpResponse, HttpResponseNotFound
from django.urls import path

from events.cache.pages import public_page

renders = {"slow": 0, "missing": 0}
renders_lock = threading.Lock()
RENDER_SECONDS = 0.3
body = {"text": "first version"}


def counted(name):
    with renders_lock:
        renders[name] += 1
    time.sleep(RENDER_SECONDS)


@public_page
def slow_page(request):
    counted("slow")
    return HttpResponse(body["text"])


@public_page
def missing_page(request):
    counted("missing")
    return HttpResponseNotFound("not here")


urlpatterns = [
    path("en/slow/", slow_page),
    path("en/missing/", missing_page),
]
