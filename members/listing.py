"""What the public directory derives from the memberships, kept up in this one place.

Each organisation stores its current membership status, and each industry its count of active members,
so that the directory and the admin list, filter and count members from an index at any size. Nothing
keeps them up by itself: every writer of memberships or of organisations' industries calls ``refresh()``
when it is done (the lifecycle services, the member file's writer, the admin's saves, deletions and
reverts, the seed and the generator), and so makes the cached public pages stale as well.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from members.models import Industry, Membership, Organisation
from records.caching import bump_public_version


def refresh(
    *,
    organisations: Iterable[int] | QuerySet = (),
    industries: Iterable[int | None] = (),
    public: bool = True,
) -> None:
    """After a write: store the status of ``organisations`` again, and count the members of their industries.

    ``industries`` are industries to count as well: those the organisations were in before the write.
    ``public`` says whether the write shows on the public pages; an edit of private notes alone does not,
    and leaves them cached.
    """
    with transaction.atomic():
        if not isinstance(organisations, QuerySet):
            organisations = Organisation.objects.filter(pk__in=set(organisations))
        store_status(organisations)
        counted = {*industries, *organisations.order_by().values_list("industry", flat=True).distinct()} - {None}
        if counted:
            count_members(Industry.objects.filter(pk__in=counted))
        if public:
            bump_public_version()


def refresh_all() -> None:
    """Every organisation's status and every industry's count: after the seed, a generator or a restore."""
    with transaction.atomic():
        store_status(Organisation.objects.all())
        count_members(Industry.objects.all())
        bump_public_version()


def store_status(organisations: QuerySet) -> int:
    """Store the status of each organisation's open membership, else of its latest ended one, else none."""
    current = Membership.objects.filter(organisation=OuterRef("pk")).current_first().values("status")[:1]
    return organisations.update(membership_status=Coalesce(Subquery(current), Value("")))


def count_members(industries: QuerySet) -> int:
    """Store each industry's count of active members again."""
    active = (
        Organisation.objects.members()
        .filter(industry=OuterRef("pk"))
        .order_by()
        .values("industry")
        .annotate(n=Count("*"))
        .values("n")
    )
    # Locked first, in one order: the count below then starts after any other writer's count of the
    # same industry has committed, so two editors saving members of one industry cannot lose one.
    with transaction.atomic(using=industries.db):
        ids = list(industries.order_by("pk").select_for_update().values_list("pk", flat=True))
        return Industry.objects.filter(pk__in=ids).update(member_count=Coalesce(Subquery(active), 0))
