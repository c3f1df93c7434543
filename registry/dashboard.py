"""The figures and lists on the admin index: what the secretariat should look at today."""

import datetime

from django.db.models import Count
from django.utils import timezone

from governance.models import Position, Term
from members import quality
from members.models import Membership, Organisation, Sector

TERMS_ENDING_WITHIN = datetime.timedelta(days=90)


def dashboard(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    per_sector = dict(Organisation.objects.members().values_list("industry__sector").annotate(n=Count("*")))
    sectors = [(sector, per_sector.get(sector.pk, 0)) for sector in Sector.objects.all()]
    statuses = dict(Membership.objects.values_list("status").annotate(n=Count("pk")))
    problems = {
        problem: len(ids) if isinstance(ids, list) else ids.count()
        for problem, ids in ((problem, quality.problem_ids(problem)) for problem, _label in quality.PROBLEMS)
    }
    return {
        "today": today,
        "members_per_sector": sectors,
        "members_without_sector": per_sector.get(None, 0),
        "members_per_status": [(value, label, statuses.get(value, 0)) for value, label in Membership.Status.choices],
        "applications": list(
            Membership.objects.filter(status=Membership.Status.APPLIED)
            .select_related("organisation")
            .order_by("created_at")
        ),
        "terms_ending": list(
            Term.objects.filter(ended_on__gte=today, ended_on__lte=today + TERMS_ENDING_WITHIN)
            .select_related("position__body", "person", "organisation")
            .order_by("ended_on")
        ),
        "vacant_positions": list(
            Position.objects.filter(seats=1)
            .exclude(pk__in=Term.objects.current(on=today).values("position"))
            .select_related("body")
        ),
        "quality": [(problem, label, problems[problem]) for problem, label in quality.PROBLEMS],
        "likely_duplicates": quality.likely_duplicates(),
    }
