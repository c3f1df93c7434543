import ipaddress
import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.template.response import SimpleTemplateResponse

logger = logging.getLogger("registry")
request_logger = logging.getLogger("registry.requests")


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
        response = SimpleTemplateResponse("503.html", status=503, headers={"Retry-After": "30"})
        return response.render()
