"""Who leads the alliance: its bodies, their positions, current holders and past terms."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, FilteredRelation, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from governance.models import Body, Position, Term, held_on
from registry.caching import public_page

PAST_TERMS_PAGE_SIZE = 50
# A council may have thousands of seats: the page names the first holders of each position and links to
# the position's own page, which lists them all, this many to a page.
HOLDERS_SHOWN = 50
# A position's current holders, the latest first: the governance page's first few are its own page's first.
HOLDERS_ORDER = ["-started_on", "pk"]


@dataclass
class BodyGroup:
    """A body (None for the alliance's own offices) with its positions, each carrying its current terms."""

    body: Body | None
    positions: list = field(default_factory=list)


def governance_groups(*, holders: int = HOLDERS_SHOWN) -> list[BodyGroup]:
    """Every body with its positions in rank order, each with its first ``holders`` current terms and their count."""
    today = timezone.localdate()
    held = Term.objects.current(today).order_by()
    # Ranked on the terms alone, joined to their holders after: the joins then cost a row per holder shown.
    first = held.annotate(rank=Window(RowNumber(), partition_by=F("position"), order_by=HOLDERS_ORDER)).filter(
        rank__lte=holders
    )
    current: dict[int, list[Term]] = {}
    for term in holder_terms().filter(pk__in=first.values("pk")).order_by("position_id", *HOLDERS_ORDER):
        current.setdefault(term.position_id, []).append(term)
    alliance = BodyGroup(None)
    groups = {body.pk: BodyGroup(body) for body in Body.objects.only("name", "name_en", "description")}
    # Counted over a join to the current terms: a subquery per position read each position's every term.
    positions = Position.objects.only("body", "name", "name_en").annotate(
        held=FilteredRelation("terms", condition=held_on(today, via="terms__")), holder_count=Count("held")
    )
    for position in positions.order_by("rank", "name"):
        position.current_terms = current.get(position.pk, [])
        position.more_holders = (position.holder_count or 0) - len(position.current_terms)
        group = groups.get(position.body_id, alliance)
        if group.body is not None:
            position.body = group.body
        group.positions.append(position)
    return [alliance, *groups.values()] if alliance.positions else list(groups.values())


# The columns the public pages show of a term and its holder: the rest of each row stays in the database.
TERM_FIELDS = ["position", "title", "title_en", "started_on", "ended_on"]
HOLDER_FIELDS = ["name_en", "name_hans", "name_hant"]


def holder_terms(*related: str):
    """Terms with their holder (and ``related`` names, as ``position__name``), loading only what is shown."""
    holders = [f"{holder}__{name}" for holder in ("person", "organisation") for name in HOLDER_FIELDS]
    return Term.objects.select_related("person", "organisation").only(*TERM_FIELDS, *holders, *related)


def public_terms():
    """Terms with their holder and position, for a list that names each term's position and body."""
    names = ["position__name", "position__name_en", "position__body__name", "position__body__name_en"]
    return holder_terms(*names).select_related("position__body")


@public_page
def index(request):
    groups = governance_groups()
    past = holder_terms().past().order_by("-ended_on", "-started_on", "-pk")
    page = Paginator(past, PAST_TERMS_PAGE_SIZE).get_page(request.GET.get("page"))
    # Each past term's position (and body) from those the groups loaded, where every position is listed
    # (one added since then is loaded on its own).
    positions = {position.pk: position for group in groups for position in group.positions}
    for term in page.object_list:
        if term.position_id in positions:
            term.position = positions[term.position_id]
    context = {"groups": groups, "page_obj": page, "nav": "governance"}
    return render(request, "governance/index.html", context)


@public_page
def position_detail(request, pk):
    position = get_object_or_404(Position.objects.select_related("body"), pk=pk)
    holders = holder_terms().current().filter(position=position).order_by(*HOLDERS_ORDER)
    context = {
        "position": position,
        "page_obj": Paginator(holders, HOLDERS_SHOWN).get_page(request.GET.get("page")),
        "nav": "governance",
    }
    return render(request, "governance/position_detail.html", context)
