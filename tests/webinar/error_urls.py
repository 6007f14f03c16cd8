from django.urls import path

from webinar.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("the view failed")


# The site's own patterns too: the 500 page links to them.
urlpatterns = [path("boom/", broken_view), *site_urlpatterns]
