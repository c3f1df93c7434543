import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import Person, Term
from governance.services import term_succeed
from members.models import Membership
from members.services import (
    IllegalTransition,
    membership_approve,
    membership_reinstate,
    membership_suspend,
    membership_withdraw,
    organisation_has_history,
)
from tests.conftest import FOUNDING_DAY

DAY = datetime.date(2024, 3, 1)


pytestmark = pytest.mark.usefixtures("in_english")


def test_membership_approve_activates_the_application_from_the_day(applied_member, secretariat_editor):
    membership = membership_approve(membership=applied_member.memberships.get(), on=DAY, by=secretariat_editor)
    assert (membership.status, membership.since) == (Membership.Status.ACTIVE, DAY)
    record = membership.history.first()
    assert record.history_user == secretariat_editor
    assert record.history_change_reason == "Approved on 2024-03-01"


def test_membership_approve_refuses_an_active_member(active_member, secretariat_editor):
    with pytest.raises(IllegalTransition, match="active"):
        membership_approve(membership=active_member.memberships.get(), on=DAY, by=secretariat_editor)
    assert active_member.memberships.get().since == FOUNDING_DAY


def test_membership_suspend_and_reinstate_round_trip(active_member, secretariat_editor):
    membership = active_member.memberships.get()
    membership_suspend(membership=membership, on=DAY, by=secretariat_editor, reason="dues unpaid")
    assert membership.status == Membership.Status.SUSPENDED
    assert membership.history.first().history_change_reason == "Suspended on 2024-03-01: dues unpaid"
    membership_reinstate(membership=membership, on=DAY, by=secretariat_editor)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.since == FOUNDING_DAY


def test_membership_reinstate_refuses_an_active_member(active_member, secretariat_editor):
    with pytest.raises(IllegalTransition):
        membership_reinstate(membership=active_member.memberships.get(), on=DAY, by=secretariat_editor)


def test_membership_withdraw_ends_it_with_the_reason(suspended_member, secretariat_editor):
    membership = membership_withdraw(
        membership=suspended_member.memberships.get(), on=DAY, by=secretariat_editor, reason="merged into 華為"
    )
    assert (membership.status, membership.until) == (Membership.Status.WITHDRAWN, DAY)
    assert membership.history.first().history_change_reason == "Withdrawn on 2024-03-01: merged into 華為"


def test_membership_withdraw_requires_a_reason(active_member, secretariat_editor):
    with pytest.raises(ValidationError, match="reason"):
        membership_withdraw(membership=active_member.memberships.get(), on=DAY, by=secretariat_editor, reason=" ")
    assert active_member.memberships.get().status == Membership.Status.ACTIVE


def test_membership_withdraw_refuses_a_withdrawn_member(active_member, secretariat_editor):
    membership = active_member.memberships.get()
    membership_withdraw(membership=membership, on=DAY, by=secretariat_editor, reason="left")
    with pytest.raises(IllegalTransition, match="withdrawn"):
        membership_withdraw(membership=membership, on=DAY, by=secretariat_editor, reason="again")


def test_membership_withdraw_refuses_a_date_before_it_started(active_member, secretariat_editor):
    with pytest.raises(ValidationError):
        membership_withdraw(
            membership=active_member.memberships.get(), on=datetime.date(2000, 1, 1), by=secretariat_editor, reason="x"
        )
    assert active_member.memberships.get().until is None


def test_membership_withdraw_refuses_a_date_still_to_come(active_member, secretariat_editor):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="once it has ended"):
        membership_withdraw(membership=active_member.memberships.get(), on=tomorrow, by=secretariat_editor, reason="x")
    assert active_member.memberships.get().status == Membership.Status.ACTIVE


def test_organisation_has_history_once_it_has_a_membership_or_an_edit(organisation, active_member):
    assert organisation_has_history(active_member)


def test_new_organisation_has_no_history(organisation):
    assert not organisation_has_history(organisation)
    organisation.city = "北京"
    organisation.save()
    assert organisation_has_history(organisation)


def test_term_succeed_ends_the_term_and_appoints_the_successor_the_same_day(chairman, person, secretariat_editor):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    successor_person = Person.objects.create(name="周濟")
    successor = term_succeed(term=term, person=successor_person, title="院長", on=DAY, by=secretariat_editor)
    term.refresh_from_db()
    assert term.ended_on == DAY
    assert (successor.position, successor.person, successor.started_on, successor.ended_on) == (
        chairman,
        successor_person,
        DAY,
        None,
    )
    assert list(Term.objects.current(on=DAY)) == [successor]
    assert successor.history.first().history_user == secretariat_editor


def test_term_succeed_refuses_a_handover_before_the_term_started(chairman, person, secretariat_editor):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    with pytest.raises(ValidationError):
        term_succeed(term=term, person=person, on=FOUNDING_DAY, by=secretariat_editor)
    term.refresh_from_db()
    assert term.ended_on is None
    assert Term.objects.count() == 1


def test_term_succeed_refuses_a_term_that_already_ended(chairman, person, organisation, secretariat_editor):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY, ended_on=DAY)
    with pytest.raises(ValidationError, match="already ended"):
        term_succeed(term=term, organisation=organisation, on=DAY + datetime.timedelta(days=1), by=secretariat_editor)
    assert Term.objects.count() == 1
