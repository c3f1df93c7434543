"""The sitemap: an index of one sitemap per kind of public page, each page in every language with its translations."""

from collections.abc import Sequence
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
from django.urls import reverse

from governance.models import Position
from members.models import Industry, Organisation


class LanguagePairs(Sequence):
    """Each item of a queryset with each language, as an i18n sitemap lists them, read one page at a time.

    Django's own list of the pairs holds every item in memory on every request: at 100,000 members
    that is most of a worker's memory, for a page that shows a few thousand of them.
    """

    def __init__(self, items: QuerySet, languages: list[str]):
        self.items = items
        self.languages = languages

    @cached_property
    def _length(self) -> int:
        # Counted once: the paginator asks for the length, and so does every slice it takes.
        return self.items.count() * len(self.languages)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        per_item = len(self.languages)
        first = start // per_item
        items = self.items[first : -(-stop // per_item)]
        pairs = [(item, language) for item in items for language in self.languages]
        return pairs[start - first * per_item : stop - first * per_item]


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    # Addresses a sitemap page lists (of at most 50,000): each comes with its three translations, and
    # a page of 5,000 is about 3 MB.
    limit = 5000

    @property
    def paginator(self):
        items = self.items()
        if isinstance(items, QuerySet):
            return Paginator(LanguagePairs(items, self._languages()), self.limit)
        return super().paginator


class PagesSitemap(PublicSitemap):
    def items(self):
        return ["registry:home", "members:directory", "governance:index"]

    def location(self, item):
        return reverse(item)


class IndustrySitemap(PublicSitemap):
    def items(self):
        return Industry.objects.order_by("slug").only("slug")

    def location(self, item):
        return reverse("members:industry", kwargs={"slug": item.slug})


class MemberSitemap(PublicSitemap):
    def items(self):
        return Organisation.objects.members().order_by("slug").only("slug", "updated_at")

    def location(self, item):
        return reverse("members:detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default reads every member to find the latest.
        return Organisation.objects.members().aggregate(latest=Max("updated_at"))["latest"]


class PositionSitemap(PublicSitemap):
    def items(self):
        return Position.objects.order_by("pk").only("pk")

    def location(self, item):
        return reverse("governance:position", kwargs={"pk": item.pk})


sitemaps = {
    "pages": PagesSitemap,
    "industries": IndustrySitemap,
    "members": MemberSitemap,
    "positions": PositionSitemap,
}
