"""Writes that touch several of a contact's rows: the roles they hold, a departure, a bounced address."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact, ContactRole

Role = ContactRole.Role


def _end(role: ContactRole, *, on: datetime.date, by: AbstractBaseUser | None, reason: str) -> None:
    # A role started today and ended today was never held: ending it on its first day keeps the history.
    role.until = max(on, role.since)
    role._history_user = by
    role._change_reason = reason
    role.save()


def contact_roles_set(
    *, contact: Contact, roles: set[str], on: datetime.date | None = None, by: AbstractBaseUser | None
) -> list[Contact]:
    """Give ``contact`` exactly ``roles`` from ``on``: new ones start, those left out end.

    The primary contact is one per organisation: giving it to this contact ends another's. Returns the
    contacts whose primary role was handed over, for the page to say so.
    """
    on = on or timezone.localdate()
    handed_over = []
    with transaction.atomic():
        held = {
            role.role: role
            for role in ContactRole.objects.select_for_update().filter(contact=contact, until__isnull=True)
        }
        for name, role in held.items():
            if name not in roles:
                _end(role, on=on, by=by, reason=_("Role ended"))
        for name in sorted(set(roles) - set(held)):
            if name == Role.PRIMARY:
                previous = ContactRole.objects.select_for_update().filter(
                    organisation=contact.organisation_id, role=Role.PRIMARY, until__isnull=True
                )
                for role in previous.select_related("contact"):
                    _end(role, on=on, by=by, reason=_("Primary contact handed to %(name)s") % {"name": contact.name})
                    handed_over.append(role.contact)
            role = ContactRole(contact=contact, role=name, since=on)
            role._history_user = by
            role.save()
    return handed_over


def contact_leave(*, contact: Contact, on: datetime.date, by: AbstractBaseUser | None) -> Contact:
    """The person left the organisation on ``on``: their roles end, and they are sent nothing from then on."""
    with transaction.atomic():
        for role in ContactRole.objects.select_for_update().filter(contact=contact, until__isnull=True):
            _end(role, on=on, by=by, reason=_("Left the organisation"))
        contact.left_on = on
        contact._history_user = by
        contact.save()
    return contact


def contact_bounced(*, contact_id: int, reply: str) -> None:
    """A mail server refused the contact's address for good: mark it, so that staff correct it."""
    Contact.objects.filter(pk=contact_id).update(email_bounced_at=timezone.now(), email_bounce=reply[:500])
