"""The figures and lists on the admin index: what the secretariat should look at today."""

import datetime

from django.db.models import Count
from django.utils import timezone

from contacts.models import Contact, ContactRole
from governance.models import Position, Term
from members import quality
from members.models import Membership, Organisation, Sector
from records.caching import versioned

TERMS_ENDING_WITHIN = datetime.timedelta(days=90)
# Each list names this many, the most urgent first, with the count and a link to the rest.
LISTED = 10


def contact_panels() -> dict:
    """Contacts to put right, for staff who may see them: counted afresh, since no contact edit bumps the cache."""
    held = ContactRole.objects.current().filter(role=ContactRole.Role.PRIMARY).values("organisation")
    return {
        "members_without_primary_contact": Organisation.objects.members().exclude(pk__in=held).count(),
        "bounced_contacts": Contact.objects.current().bouncing().count(),
    }


def dashboard(today: datetime.date | None = None) -> dict:
    """The panels, worked out once per data version and day: the data-quality checks read every organisation."""
    today = today or timezone.localdate()
    return versioned(f"admin:dashboard:{today.isoformat()}", lambda: _panels(today))


def _panels(today: datetime.date) -> dict:
    # The directory's groups, counted from what the industries store.
    groups = Sector.objects.groups()
    sectors = [(group.sector, group.member_count) for group in groups if group.sector is not None]
    without_sector = sum(group.member_count for group in groups if group.sector is None)
    without_sector += Organisation.objects.members().without_industry().count()
    # Organisations by their current status, as the list each count links to shows them: an organisation
    # that withdrew and joined again counts once, as a member.
    statuses = dict(Organisation.objects.order_by().values_list("membership_status").annotate(n=Count("pk")))
    problems = {
        problem: len(ids) if isinstance(ids, list) else ids.count()
        for problem, ids in ((problem, quality.problem_ids(problem)) for problem, _label in quality.PROBLEMS)
    }
    applications = Membership.objects.filter(status=Membership.Status.APPLIED)
    terms_ending = Term.objects.filter(ended_on__gte=today, ended_on__lte=today + TERMS_ENDING_WITHIN)
    return {
        "today": today,
        "members_per_sector": sectors,
        "members_without_sector": without_sector,
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
        "likely_duplicates": quality.likely_duplicates()[:LISTED],
    }
