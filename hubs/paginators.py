"""A paginator for lists that are usually short: it reads the first page before counting."""

from django.core.paginator import Page, Paginator


class FirstPageFirstPaginator(Paginator):
    """Django's paginator, except that the first page is read before anything is counted.

    A first page holding no more rows than a page tells the count by itself, so most searches
    (a handful of hubs near a place) cost one query instead of a ``COUNT(*)`` and the page; a
    full first page is still counted when the count is shown. Other pages are Django's.
    """

    def get_page(self, number: int | float | str | None) -> Page:
        if str(number or "1").strip() != "1" or self.orphans or not self.allow_empty_first_page:
            return super().get_page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.count = len(rows)  # A cached property: the count is now known.
        return Page(rows[: self.per_page], 1, self)
