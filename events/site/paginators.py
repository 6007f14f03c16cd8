from django.core.paginator import Paginator
from django.db.models import Count, Window


class OnePassPaginator(Paginator):
    """
    Pages whose rows carry the total (COUNT(*) OVER ()), so that a page costs one query
    instead of COUNT and then the page. For ranked search that halves the work: either
    query must find and rank every match. Not for plain date-ordered lists, which an index
    serves by reading only the page's rows while a window count would read them all.

    A page past the end (no rows) falls back to Django's COUNT, to raise EmptyPage.
    """

    def __init__(self, object_list, per_page, orphans=0, **kwargs):
        if orphans:
            raise ValueError("OnePassPaginator cannot move orphans: it counts from the page.")
        super().__init__(object_list.annotate(found_total=Window(Count("pk"))), per_page, **kwargs)

    def page(self, number):
        if isinstance(number, int) and number >= 1:
            bottom = (number - 1) * self.per_page
            rows = list(self.object_list[bottom : bottom + self.per_page])
            if rows:
                self.count = rows[0].found_total  # instead of the cached COUNT query
                return self._get_page(rows, self.validate_number(number), self)
        return super().page(number)


class KnownCountPaginator(Paginator):
    """Pages of a list whose total is already known (a remembered count), so that a page
    costs only the query for its rows: a list filtered row by row (EXISTS) reads its first
    pages from an index in the time of a page, where counting it would test every row."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # instead of the cached COUNT query
