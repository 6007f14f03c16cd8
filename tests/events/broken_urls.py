"""A URL that fails, to see the 500 page as a reader would."""

from django.urls import path

from webinar.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("A deliberate failure for the 500-page test.")


urlpatterns = [path("broken/", broken), *site_urlpatterns]
