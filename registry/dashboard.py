"""The figures and lists on the admin index: what the secretariat should look at today."""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from governance.models import Position, Term
from members import quality
from members.models import Industry, Membership, Organisation, Sector
from registry.caching import versioned

TERMS_ENDING_WITHIN = datetime.timedelta(days=90)
# Each list names this many, the most urgent first, with the count and a link to the rest.
LISTED = 10


def dashboard(today: datetime.date | None = None) -> dict:
    """The panels, worked out once per data version and day: the data-quality checks read every organisation."""
    today = today or timezone.localdate()
    return versioned(f"admin:dashboard:{today.isoformat()}", lambda: _panels(today))


def _panels(today: datetime.date) -> dict:
    # From the counts the industries store, rather than counting every member again.
    per_sector = dict(Industry.objects.order_by().values_list("sector").annotate(n=Sum("member_count")))
    per_sector[None] = per_sector.get(None, 0) + Organisation.objects.members().filter(industry=None).count()
    sectors = [(sector, per_sector.get(sector.pk, 0)) for sector in Sector.objects.all()]
    statuses = dict(Membership.objects.values_list("status").annotate(n=Count("pk")))
    duplicates = quality.likely_duplicates()
    problems = {"duplicate_name": sum(len(group) for group in duplicates)}
    for problem, _label in quality.PROBLEMS:
        if problem not in problems:
            ids = quality.problem_ids(problem)
            problems[problem] = len(ids) if isinstance(ids, list) else ids.count()
    applications = Membership.objects.filter(status=Membership.Status.APPLIED)
    terms_ending = Term.objects.filter(ended_on__gte=today, ended_on__lte=today + TERMS_ENDING_WITHIN)
    return {
        "today": today,
        "members_per_sector": sectors,
        "members_without_sector": per_sector.get(None, 0),
        "members_per_status": [(value, label, statuses.get(value, 0)) for value, label in Membership.Status.choices],
        "applications": list(applications.select_related("organisation").order_by("created_at", "pk")[:LISTED]),
        "applications_count": applications.count(),
        "terms_ending": list(
            terms_ending.select_related("position__body", "person", "organisation").order_by("ended_on", "pk")[:LISTED]
        ),
        "terms_ending_count": terms_ending.count(),
        "terms_ending_until": today + TERMS_ENDING_WITHIN,
        "vacant_positions": list(
            Position.objects.filter(seats=1)
            .exclude(pk__in=Term.objects.current(on=today).values("position"))
            .select_related("body")
        ),
        "quality": [(problem, label, problems[problem]) for problem, label in quality.PROBLEMS],
        "likely_duplicates": duplicates[:LISTED],
    }
