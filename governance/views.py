"""Who leads the alliance: its bodies, their positions, current holders and past terms."""

from dataclasses import dataclass, field

from django.shortcuts import render
from django.utils import timezone

from governance.models import Body, Position, Term
from registry.caching import public_page


@dataclass
class BodyGroup:
    """A body (None for the alliance's own offices) with its positions, each carrying its current terms."""

    body: Body | None
    positions: list = field(default_factory=list)


def governance_groups(terms: list[Term]) -> list[BodyGroup]:
    today = timezone.localdate()
    current: dict[int, list[Term]] = {}
    for term in terms:
        if term.started_on <= today and (term.ended_on is None or term.ended_on > today):
            current.setdefault(term.position_id, []).append(term)
    alliance = BodyGroup(None)
    groups = {body.pk: BodyGroup(body) for body in Body.objects.all()}
    for position in Position.objects.order_by("rank", "name"):
        position.current_terms = current.get(position.pk, [])
        groups.get(position.body_id, alliance).positions.append(position)
    return [alliance, *groups.values()] if alliance.positions else list(groups.values())


def public_terms():
    return Term.objects.select_related("person", "organisation", "affiliation", "position__body")


@public_page
def index(request):
    terms = list(public_terms())
    today = timezone.localdate()
    past = sorted(
        (term for term in terms if term.ended_on is not None and term.ended_on <= today),
        key=lambda term: (term.ended_on, term.started_on),
        reverse=True,
    )
    return render(
        request, "governance/index.html", {"groups": governance_groups(terms), "past_terms": past, "nav": "governance"}
    )
