import ipaddress
import logging
import re
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from registry.logins import password_check_slot
from registry.views import database_unavailable, error_page

logger = logging.getLogger("registry")
request_logger = logging.getLogger("registry.requests")
login_logger = logging.getLogger("registry.logins")

# C0 controls and DEL but tab, newline and carriage return: no one types them into an address, and NUL
# is refused by PostgreSQL's text (a 500 from any filter that reached a query).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind the proxies of FORWARDED_ALLOW_IPS, the address that
    the nearest of them put in X-Forwarded-For.

    X-Forwarded-For is read from the right: each proxy appends the address it saw, and anything left of
    the first untrusted address may be the client's own invention.
    """
    address = request.META.get("REMOTE_ADDR")
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    while _is_proxy(address) and forwarded:
        hop = forwarded.pop()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a proxy would not write this: keep the last address known to be real
        address = hop
    return address


def _is_proxy(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in settings.FORWARDED_ALLOW_IPS)


class RequestLogMiddleware:
    """Log every request as one structured record: method, path, status, duration and user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.get_username() if user is not None and user.is_authenticated else None,
                "remote_addr": client_address(request),
            },
        )
        return response


class ContentSecurityPolicyMiddleware:
    """Allow only the site's own resources (Django 5.2 has no CSP setting of its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain page while the database cannot be reached, instead of a 500.

    The connection is retried on the next request (CONN_HEALTH_CHECKS), so the site recovers by
    itself when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception)
        return database_unavailable(request)


class RequestLimitsMiddleware:
    """Refuse a body larger than the path's limit (413) before anything reads it, and drop control
    characters from the query string's parameters.

    The body is refused on its Content-Length alone, so a huge upload is neither read nor spooled to disk
    (Django reads no body without one). The admin, where files are imported, takes more than the public
    site (ADMIN_MAX_REQUEST_BODY, REQUEST_MAX_BODY).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = (
            settings.ADMIN_MAX_REQUEST_BODY if request.path_info.startswith("/admin/") else settings.MAX_REQUEST_BODY
        )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        if length > limit:
            logger.warning("request body too large: %s bytes for %s", length, request.path_info)
            return error_page(request, 413, {"Connection": "close"}, limit=limit)
        if request.META.get("QUERY_STRING") and any(
            CONTROL_CHARACTERS.search(text) for key, values in request.GET.lists() for text in (key, *values)
        ):
            # Ignored: ?q=a%00b searches for "ab", as a visitor who pasted it meant.
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(CONTROL_CHARACTERS.sub("", key), [CONTROL_CHARACTERS.sub("", v) for v in values])
            request.META["QUERY_STRING"] = cleaned.urlencode()
            request.GET = QueryDict(request.META["QUERY_STRING"])
        return self.get_response(request)


class LoginGuardMiddleware:
    """Check at most LOGIN_CONCURRENT_CHECKS sign-ins at once on this machine (registry/logins.py), turning
    the rest away with a 429 before their password is hashed; log every failed, locked-out and turned-away
    sign-in as a structured record.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = None

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        if self.login_path is None:
            self.login_path = reverse("admin:login")
        if request.path_info != self.login_path:
            return self.get_response(request)
        with password_check_slot() as slot:
            if slot is None:
                self.log(request, "login_throttled", "sign-in turned away: every password check slot is busy")
                with translation.override(translation.get_language_from_request(request)):
                    response = error_page(request, 429, {"Retry-After": "5"}, retry_url=request.get_full_path())
                response._has_been_logged = True  # logged above, with the address: not again by django.request
                return response
            response = self.get_response(request)
        if getattr(request, "axes_locked_out", False):
            self.log(request, "login_locked_out", "sign-in refused: locked out")
        elif response.status_code == 302 and request.user.is_authenticated:
            self.log(request, "login_succeeded", "sign-in succeeded", level=logging.INFO)
        elif getattr(request, "axes_failures_since_start", None):
            self.log(request, "login_failed", "sign-in failed", failures=request.axes_failures_since_start)
        return response

    def log(self, request, event: str, message: str, level: int = logging.WARNING, **extra):
        login_logger.log(
            level,
            message,
            extra={
                "event": event,
                "username": request.POST.get("username", "")[:150] if event != "login_throttled" else None,
                "remote_addr": client_address(request),
                **extra,
            },
        )
