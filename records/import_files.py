"""Where an admin import's file waits between its preview and its confirmation."""

from uuid import uuid4

from django.core.cache import caches
from import_export.tmp_storages import CacheStorage


class ImportFileStorage(CacheStorage):
    """django-import-export's cache storage, in a cache of its own, and confirmed at most once.

    A cache of its own: in the shared cache the public pages and searches, thousands of entries, would
    cull a file waiting for its confirmation. Confirmed once: a second confirmation of one preview (a
    double click, the browser's back button) must not import the file again.
    """

    CACHE_ALIAS = "import_files"

    @property
    def _cache(self):
        return caches[self.CACHE_ALIAS]

    @property
    def _key(self) -> str:
        return self.CACHE_PREFIX + self.name

    @property
    def _claim_key(self) -> str:
        return f"{self._key}:claimed"

    def save(self, data):
        if not self.name:
            self.name = uuid4().hex
        self._cache.set(self._key, data, self.CACHE_LIFETIME)

    def read(self):
        return self._cache.get(self._key)

    def remove(self):
        self._cache.delete_many([self._key, self._claim_key])

    def claim(self) -> bool:
        """Whether the file is still kept and no confirmation has claimed it before; claims it if so."""
        return self._cache.has_key(self._key) and self._cache.add(self._claim_key, True, self.CACHE_LIFETIME)

    def release(self) -> None:
        """Give up a claim, for a confirmation that failed: the file can be confirmed again."""
        self._cache.delete(self._claim_key)
