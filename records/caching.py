"""Public pages cached in the shared cache, keyed by a version that any data change bumps.

The version lives in the shared (database) cache, so every app process sees a bump at once. Being in the
same database as the data, a bump made inside a transaction commits or rolls back with the change itself.
Pages are kept there too, and in the serving process's own memory under the same keys: a key names one
version, so neither copy can be stale. Each process reads the version at most once a second
(VERSION_SECONDS), so a change reaches the pages other processes serve within a second.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.utils import translation
from django.utils.http import urlencode

VERSION_KEY = "public:version"
# How long a process trusts its copy of the version: a change shows on other processes' pages within
# this, and a page this process served before costs no query at all.
VERSION_SECONDS = 1
PAGE_TIMEOUT = 60 * 60
# Searches expire sooner, so a burst of one-off searches leaves the cache table soon after.
SEARCH_TIMEOUT = 10 * 60


def public_version() -> int:
    """The data version, as this process last read it from the shared cache, at most a second ago."""
    local = caches["pages"]
    version = local.get(VERSION_KEY)
    if version is None:
        version = _shared_version()
        # Not inside a transaction: the version read there may be a bump that is rolled back, and
        # pages cached under it would then be taken for the next change's.
        if not connection.in_atomic_block:
            local.set(VERSION_KEY, version, VERSION_SECONDS)
    return version


def _shared_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A clock start, not 1: if the key was culled, the new version must not match pages cached long ago.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def versioned(name: str, compute):
    """compute()'s value, kept in this process and the shared cache until the data version changes.

    For small lists the admin shows on every page (filter choices): a process that has one costs no query.
    """
    key = f"{name}:{public_version()}"
    value = _cached(key)
    if value is None:
        value = compute()
        _keep(key, value, PAGE_TIMEOUT)
    return value


def _cached(key: str):
    """What this process keeps under ``key``, else what the shared cache does (which this process then keeps)."""
    local = caches["pages"]
    value = local.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None and not connection.in_atomic_block:
            local.set(key, value, PAGE_TIMEOUT)
    return value


def _keep(key: str, value, timeout: int) -> None:
    cache.set(key, value, timeout)
    # Not inside a transaction, as for the version itself: the version this key names may be a bump
    # that is rolled back, with the shared cache's copy, and would then name the next change's data.
    if not connection.in_atomic_block:
        caches["pages"].set(key, value, timeout)


def bump_public_version() -> None:
    """Make every cached public page stale: every writer of what the public pages show calls it when done.

    The admin's saves, deletions and reverts (records/admin.py), the services, the member file's writer,
    the seed and the generator. A write of the ORM's own (a shell, a migration) must call it too.
    """
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    caches["pages"].delete(VERSION_KEY)


def _cache_path(request, search_length: int) -> str | None:
    """The address a page is cached under, or None for a request the cache must not keep.

    Only the plain page, numbered pages and, where the view searches, a bounded search text: arbitrary
    query strings would fill the cache table. The address is rebuilt from the parameters, so spellings
    of one search (%20 or +, parameters in either order) share an entry.
    """
    if request.method not in {"GET", "HEAD"}:
        return None
    if not request.GET:
        return request.path
    allowed = {"page", "q"} if search_length else {"page"}
    if not set(request.GET) <= allowed or any(len(values) > 1 for _, values in request.GET.lists()):
        return None
    page = request.GET.get("page")
    if page is not None and not (page.isdigit() and len(page) <= 5):
        return None
    query = request.GET.get("q")
    # Only the text the view searches for: a longer or untidy one (the view trims both) is rendered, not kept.
    if query is not None and (len(query) > search_length or query != " ".join(query.split())):
        return None
    return f"{request.path}?{urlencode(sorted(request.GET.items()))}"


def public_page(view=None, *, search_length: int = 0):
    """Cache a public view's 200 responses per version, language and address.

    ``@public_page(search_length=N)`` also caches the view's searches (``?q=``) of up to N characters,
    for SEARCH_TIMEOUT rather than PAGE_TIMEOUT: the texts people search for are many, most asked once.
    """
    if view is None:
        return functools.partial(public_page, search_length=search_length)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        path = _cache_path(request, search_length) if settings.PUBLIC_CACHE else None
        if path is None:
            return view(request, *args, **kwargs)
        # The host too: pages carry absolute addresses (JSON-LD, the sitemap, the open data).
        digest = hashlib.sha256(f"{request.get_host()}{path}".encode()).hexdigest()
        key = f"public:page:{public_version()}:{translation.get_language()}:{digest}"
        cached = _cached(key)
        if cached is not None:
            content, content_type, headers = cached
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            if hasattr(response, "render"):
                response.render()
            headers = {h: response[h] for h in ("Content-Disposition", "Content-Language") if h in response}
            cached = (response.content, response["Content-Type"], headers)
            _keep(key, cached, SEARCH_TIMEOUT if "q" in request.GET else PAGE_TIMEOUT)
        return response

    return wrapper
