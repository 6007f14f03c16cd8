from django.core.paginator import Paginator
from django.db.models import Count, Window


class RankedPaginator(Paginator):
    """
    Pages of a ranked search. Either COUNT or the page must find and rank every match, so
    one query does both: it reads the page's keys with the total (COUNT(*) OVER ()), and a
    second reads the page's rows in full (`rows(pks)`). A window over full rows would hold
    every match's whole row (spilling to disk at thousands of matches); over keys it stays
    in memory.

    A page past the end (no rows) falls back to Django's COUNT, to raise EmptyPage.
    """

    def __init__(self, object_list, per_page, *, rows, orphans=0, **kwargs):
        if orphans:
            raise ValueError("RankedPaginator cannot move orphans: it counts from the page.")
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def page(self, number):
        if isinstance(number, int) and number >= 1:
            bottom = (number - 1) * self.per_page
            found = list(
                self.object_list.annotate(found_total=Window(Count("pk"))).values_list(
                    "pk", "found_total"
                )[bottom : bottom + self.per_page]
            )
            if found:
                self.count = found[0][1]  # instead of the cached COUNT query
                by_pk = {row.pk: row for row in self.rows([pk for pk, _ in found])}
                # A row gone between the two queries (deleted, unpublished) is left out.
                rows = [by_pk[pk] for pk, _ in found if pk in by_pk]
                return self._get_page(rows, self.validate_number(number), self)
        return super().page(number)


class KnownCountPaginator(Paginator):
    """Pages of a list whose total is already known (a remembered count), so that a page
    costs only the query for its rows: a list filtered row by row (EXISTS) reads its first
    pages from an index in the time of a page, where counting it would test every row."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # instead of the cached COUNT query
