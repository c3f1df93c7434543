"""The project's own answers: the health check, the language redirect, robots.txt and the error pages."""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseRedirect
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def healthz(request):
    """200 when the app and its database answer; 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def language_redirect(request):
    """Send ``/`` to the home page in the language the browser asks for."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = HttpResponseRedirect(reverse("alliance:home"))
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


logger = logging.getLogger("registry")


def error_page(request, status: int, headers: dict | None = None, **context) -> HttpResponse:
    """The site's own page for an error ``status``, in the request's language: nothing about the fault itself.

    Rendered without the request's context processors: they may need the database or the session, which
    may be what failed.
    """
    body = loader.render_to_string(f"{status}.html", context)
    return HttpResponse(body, status=status, headers=headers)


def database_unavailable(request) -> HttpResponse:
    return error_page(request, 503, {"Retry-After": "30"})


def bad_request(request, exception):
    return error_page(request, 400)


def permission_denied(request, exception):
    return error_page(request, 403)


def csrf_failure(request, reason=""):
    return error_page(request, 403)


def server_error(request):
    """A 500, or the 503 page if what failed was the database (raised outside a view, as in a middleware)."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        logger.error("database unavailable: %s", sys.exc_info()[1])
        return database_unavailable(request)
    return error_page(request, 500)
