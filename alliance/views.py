"""The alliance's home page: its profile, who leads it, its members per sector and its founding assembly."""

from django.db.models import Prefetch
from django.shortcuts import render

from alliance.models import Alliance, Event, Speaker
from governance.models import Body
from members.models import Organisation, Sector
from records.caching import public_page

LEADERS_SHOWN = 3


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
    sectors = Sector.objects.groups()
    context = {
        "alliance": alliance,
        "assembly": assembly,
        "leaders": leaders(Body.objects.groups(holders=LEADERS_SHOWN)),
        "sectors": sectors,
        "member_count": sum(group.member_count for group in sectors)
        + Organisation.objects.members().without_industry().count(),
        "nav": "home",
    }
    return render(request, "alliance/home.html", context)


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
