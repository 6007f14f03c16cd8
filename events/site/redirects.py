"""Old addresses of records whose slug changed: a permanent redirect to the current one."""

from django.http import Http404, HttpResponsePermanentRedirect

from people.slugs import former_slug_target


class FollowsFormerSlugs:
    """For a detail view: an address with a slug the record had before answers 301 to the
    record's address now, if the reader may see the record (the view's own queryset)."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            record = self.record_by_former_slug()
            if record is None:
                raise
            return permanent_redirect(request, record)

    def record_by_former_slug(self):
        queryset = self.get_queryset()
        pk = former_slug_target(queryset.model, self.kwargs["slug"])
        return None if pk is None else queryset.filter(pk=pk).first()


def permanent_redirect(request, record):
    url = record.get_absolute_url()
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(url)
