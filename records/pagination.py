"""Paginators for lists that grow to hundreds of thousands of rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# A search counts its matches up to this many: counting every match of a common word such as 集团
# reads every name in the registry, on every search.
SEARCH_COUNT_LIMIT = 1000


class CappedPaginator(Paginator):
    """Counts at most ``limit`` rows (all of them without one); ``capped`` says there are more.

    Past the limit no page is reached: the list asks for a narrower search instead.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, limit: int | None = None):
        self.limit = limit
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list if self.limit is None else self.object_list.order_by()[: self.limit + 1]
        return rows.count()

    @cached_property
    def count(self) -> int:
        return self._counted if self.limit is None else min(self._counted, self.limit)

    @property
    def capped(self) -> bool:
        return self.limit is not None and self._counted > self.limit


class CountedPaginator(Paginator):
    """Pages a list whose length is known already (a count stored with its parent), without counting it again."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, count: int):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.count = count


class IdsFirstPaginator(CappedPaginator):
    """Finds a page's ids first, then reads whole rows (and works out their annotations) for that page only.

    A deep page (OFFSET 50,000) then sorts and skips ids rather than whole rows with their annotations.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)
