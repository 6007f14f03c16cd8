from django.urls import path


def broken_view(request):
    raise RuntimeError("the view failed")


urlpatterns = [path("boom/", broken_view)]
