from django.http import JsonResponse
from django.urls import path
from django.views import View


class JSONListView(View):
    """Stands in for an API view: Django REST framework views have renderer_classes."""

    renderer_classes = ()

    def get(self, request):
        return JsonResponse({"results": []})


urlpatterns = [path("api/things/", JSONListView.as_view())]
