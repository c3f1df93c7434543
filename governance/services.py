import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.models import Person, Term
from members.models import Organisation
from records.caching import bump_public_version


def person_has_history(person: Person) -> bool:
    """Whether deleting the person would lose a record: terms, speeches, or edits after creation."""
    return person.terms.exists() or person.speeches.exists() or person.history.exclude(history_type="+").exists()


def term_succeed(
    *,
    term: Term,
    on: datetime.date,
    by: AbstractBaseUser | None,
    person: Person | None = None,
    organisation: Organisation | None = None,
    title: str = "",
    title_en: str = "",
    affiliation: Organisation | None = None,
) -> Term:
    """End ``term`` on ``on`` and appoint its successor to the same position from that day, in one step."""
    if (person is None) == (organisation is None):
        raise ValidationError(_("Choose a person or an organisation as the successor, not both nor neither."))
    with transaction.atomic():
        term = (
            Term.objects.select_for_update(of=("self",))
            .select_related("position", "person", "organisation")
            .get(pk=term.pk)
        )
        if term.ended_on is not None and term.ended_on < on:
            raise ValidationError(
                _("%(term)s already ended on %(date)s.") % {"term": term, "date": term.ended_on.isoformat()}
            )
        if on <= term.started_on:
            raise ValidationError(
                _("The successor must start after %(date)s, the day %(term)s started.")
                % {"term": term, "date": term.started_on.isoformat()}
            )
        term.ended_on = on
        term.full_clean()
        term._history_user = by
        reason = _("Ended on %(date)s; succeeded by %(holder)s")
        term._change_reason = reason % {"date": on.isoformat(), "holder": person or organisation}
        term.save()
        successor = Term(
            position=term.position,
            person=person,
            organisation=organisation,
            title=title,
            title_en=title_en,
            affiliation=affiliation,
            started_on=on,
        )
        successor.full_clean()
        successor._history_user = by
        reason = _("Succeeded %(holder)s on %(date)s")
        successor._change_reason = reason % {"holder": term.holder, "date": on.isoformat()}
        successor.save()
        bump_public_version()
    return successor
