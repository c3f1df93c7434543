"""Who leads the alliance: its bodies, their positions, current holders and past terms."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import render
from django.utils import timezone

from governance.models import Body, Position, Term
from registry.caching import public_page

PAST_TERMS_PAGE_SIZE = 50
# A council may have thousands of seats: the page names the first holders of each position and counts the rest.
HOLDERS_SHOWN = 50


@dataclass
class BodyGroup:
    """A body (None for the alliance's own offices) with its positions, each carrying its current terms."""

    body: Body | None
    positions: list = field(default_factory=list)


def governance_groups(*, holders: int = HOLDERS_SHOWN) -> list[BodyGroup]:
    """Every body with its positions in rank order, each with its first ``holders`` current terms and their count."""
    today = timezone.localdate()
    held = Q(terms__started_on__lte=today) & (Q(terms__ended_on__isnull=True) | Q(terms__ended_on__gt=today))
    # Ranked on the terms alone, joined to their holders after: the joins then cost a row per holder shown.
    first = (
        Term.objects.current(today)
        .annotate(rank=Window(RowNumber(), partition_by=F("position"), order_by=[F("started_on").desc(), "pk"]))
        .filter(rank__lte=holders)
    )
    current: dict[int, list[Term]] = {}
    for term in public_terms().filter(pk__in=first.values("pk")).order_by("position", "-started_on", "pk"):
        current.setdefault(term.position_id, []).append(term)
    alliance = BodyGroup(None)
    groups = {body.pk: BodyGroup(body) for body in Body.objects.all()}
    for position in Position.objects.annotate(holder_count=Count("terms", filter=held)).order_by("rank", "name"):
        position.current_terms = current.get(position.pk, [])
        position.more_holders = position.holder_count - len(position.current_terms)
        groups.get(position.body_id, alliance).positions.append(position)
    return [alliance, *groups.values()] if alliance.positions else list(groups.values())


def public_terms():
    return Term.objects.select_related("person", "organisation", "affiliation", "position__body")


@public_page
def index(request):
    past = public_terms().past().order_by("-ended_on", "-started_on", "-pk")
    context = {
        "groups": governance_groups(),
        "page_obj": Paginator(past, PAST_TERMS_PAGE_SIZE).get_page(request.GET.get("page")),
        "nav": "governance",
    }
    return render(request, "governance/index.html", context)
