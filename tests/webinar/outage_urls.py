from django.db import InterfaceError, OperationalError
from django.urls import path

from webinar.urls import urlpatterns as site_urlpatterns

handler500 = "webinar.outages.server_error"


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def connection_lost(request):
    raise InterfaceError("connection already closed")


def broken_view(request):
    raise RuntimeError("the view failed")


# The site's own patterns too: the error pages link to them.
urlpatterns = [
    path("gone/", database_gone),
    path("lost/", connection_lost),
    path("boom/", broken_view),
    *site_urlpatterns,
]
