"""Sitemaps of public pages, each page in every language with its translations; each app lists its own pages."""

from collections.abc import Sequence
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse


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
    """Pages that are one of a kind (the home page, the directory), named by their URL names."""

    def __init__(self, url_names: list[str]):
        self.url_names = url_names

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)
