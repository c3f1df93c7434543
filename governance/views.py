"""Who leads the alliance: its bodies, their positions, current holders and past terms."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from governance.models import HOLDERS_ORDER, HOLDERS_SHOWN, Body, Position, Term
from records.caching import public_page

PAST_TERMS_PAGE_SIZE = 50


@public_page
def index(request):
    groups = Body.objects.groups()
    past = Term.objects.with_holders().past().order_by("-ended_on", "-started_on", "-pk")
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
    holders = Term.objects.with_holders().current().filter(position=position).order_by(*HOLDERS_ORDER)
    context = {
        "position": position,
        "page_obj": Paginator(holders, HOLDERS_SHOWN).get_page(request.GET.get("page")),
        "nav": "governance",
    }
    return render(request, "governance/position_detail.html", context)
