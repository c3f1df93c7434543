from django.db import connection
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from governance.views import governance_groups
from members.views import sector_groups, unclassified_member_count
from registry.caching import public_page
from registry.models import Alliance, Event, Speaker

LEADERS_SHOWN = 3


def healthz(request):
    """200 when the app and its database answer; 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def language_redirect(request):
    """Send ``/`` to the home page in the language the browser asks for."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = HttpResponseRedirect(reverse("registry:home"))
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@public_page
def home(request):
    alliance = (
        Alliance.objects.select_related("guided_by")
        .prefetch_related("supported_by", "platforms", "policy_documents")
        .first()
    )
    assembly = None
    if alliance:
        assembly = (
            Event.objects.filter(alliance=alliance, kind=Event.Kind.FOUNDING_ASSEMBLY)
            .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.select_related("person")))
            .first()
        )
    sectors = sector_groups()
    context = {
        "alliance": alliance,
        "assembly": assembly,
        "leaders": leaders(governance_groups(holders=LEADERS_SHOWN)),
        "sectors": sectors,
        "member_count": sum(group.member_count for group in sectors) + unclassified_member_count(),
        "nav": "home",
    }
    return render(request, "registry/home.html", context)


def leaders(groups) -> list:
    """The governance summary: each body's first position that has a holder, with its holders."""
    summary = []
    for group in groups:
        for position in group.positions:
            if position.current_terms:
                summary.append((group.body, position))
                if group.body is not None:
                    break
    return summary


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
