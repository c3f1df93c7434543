"""The membership lifecycle: applied → active ⇄ suspended → withdrawn.

Each function validates the transition, saves inside a transaction and records who made the change,
when, and why in the membership's history.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import listing
from members.models import Membership, Organisation

Status = Membership.Status

WITHDRAWAL_DAY_TO_COME = gettext_lazy("A membership is withdrawn once it has ended: give today or an earlier day.")


class IllegalTransition(ValidationError):
    """A lifecycle action the membership's current status does not allow."""


def _move(
    membership: Membership,
    *,
    allowed_from: set[str],
    to: str,
    by: AbstractBaseUser | None,
    reason: str,
    action: str,
    **fields,
) -> Membership:
    with transaction.atomic():
        # Lock and re-read: a second click or another clerk may have moved it meanwhile.
        current = (
            Membership.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=membership.pk)
        )
        if current.status not in allowed_from:
            raise IllegalTransition(
                _("Cannot %(action)s %(organisation)s: the membership is %(status)s.")
                % {"action": action, "organisation": current.organisation, "status": current.get_status_display()}
            )
        current.status = to
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        current._history_user = by
        current._change_reason = reason
        current.save()
        listing.refresh(organisations=[current.organisation_id])
    membership.refresh_from_db()
    return membership


def membership_approve(*, membership: Membership, on: datetime.date, by: AbstractBaseUser | None) -> Membership:
    """Accept an application: the organisation becomes an active member from ``on``."""
    return _move(
        membership,
        allowed_from={Status.APPLIED},
        to=Status.ACTIVE,
        since=on,
        by=by,
        reason=_("Approved on %(date)s") % {"date": on.isoformat()},
        action=_("approve"),
    )


def membership_suspend(
    *, membership: Membership, on: datetime.date, by: AbstractBaseUser | None, reason: str = ""
) -> Membership:
    """Suspend an active member; the membership stays open and can be reinstated."""
    return _move(
        membership,
        allowed_from={Status.ACTIVE},
        to=Status.SUSPENDED,
        by=by,
        reason=_reason(_("Suspended on %(date)s") % {"date": on.isoformat()}, reason),
        action=_("suspend"),
    )


def membership_reinstate(
    *, membership: Membership, on: datetime.date, by: AbstractBaseUser | None, reason: str = ""
) -> Membership:
    """Make a suspended member active again."""
    return _move(
        membership,
        allowed_from={Status.SUSPENDED},
        to=Status.ACTIVE,
        by=by,
        reason=_reason(_("Reinstated on %(date)s") % {"date": on.isoformat()}, reason),
        action=_("reinstate"),
    )


def membership_withdraw(
    *, membership: Membership, on: datetime.date, by: AbstractBaseUser | None, reason: str
) -> Membership:
    """End a membership on ``on``; a reason is required and kept in the history."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": gettext_lazy("Give a reason for the withdrawal.")})
    if on > timezone.localdate():
        # Withdrawing ends the membership at once: nothing would keep it active until a later date.
        raise ValidationError({"on": WITHDRAWAL_DAY_TO_COME})
    if membership.since and on < membership.since:
        raise ValidationError(
            {"on": _("A membership cannot end before it starts (%(since)s).") % {"since": membership.since}}
        )
    return _move(
        membership,
        allowed_from={Status.APPLIED, Status.ACTIVE, Status.SUSPENDED},
        to=Status.WITHDRAWN,
        until=on,
        by=by,
        reason=_reason(_("Withdrawn on %(date)s") % {"date": on.isoformat()}, reason),
        action=_("withdraw"),
    )


def _reason(summary: str, reason: str) -> str:
    reason = (reason or "").strip()
    return f"{summary}: {reason}" if reason else summary


def organisation_has_history(organisation: Organisation) -> bool:
    """Whether deleting the organisation would lose a record: memberships, terms, or edits after creation."""
    return (
        organisation.memberships.exists()
        or organisation.terms.exists()
        or organisation.affiliated_terms.exists()
        or organisation.history.exclude(history_type="+").exists()
    )
