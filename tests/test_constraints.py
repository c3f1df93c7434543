"""Each rule is refused twice: by clean() with a message on the field, and by the database itself."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from governance.models import Position, Term
from members.models import Membership, Organisation

START = datetime.date(2017, 7, 22)


pytestmark = pytest.mark.usefixtures("in_english")


def field_errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def refused_by_database(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


# Terms


def test_term_ending_before_it_starts_is_refused(chairman, person):
    term = Term(position=chairman, person=person, started_on=START, ended_on=START - datetime.timedelta(days=1))
    assert field_errors(term)["ended_on"] == ["A term cannot end before it starts."]
    refused_by_database(term.save)


def test_term_with_both_a_person_and_an_organisation_is_refused(chairman, person, organisation):
    term = Term(position=chairman, person=person, organisation=organisation, started_on=START)
    assert "not both nor neither" in field_errors(term)["person"][0]
    refused_by_database(term.save)


def test_term_without_a_holder_is_refused(chairman):
    term = Term(position=chairman, started_on=START)
    assert "person" in field_errors(term)
    refused_by_database(term.save)


def test_single_seat_position_refuses_an_overlapping_term(chairman, person, organisation):
    Term.objects.create(position=chairman, person=person, started_on=START)
    rival = Term(position=chairman, organisation=organisation, started_on=START + datetime.timedelta(days=100))
    message = field_errors(rival)["started_on"][0]
    assert "has one seat" in message and "楊元慶" in message


def test_single_seat_refusal_says_since_when_an_open_term_has_held_the_seat(chairman, person, organisation):
    Term.objects.create(position=chairman, person=person, started_on=START)
    rival = Term(position=chairman, organisation=organisation, started_on=START + datetime.timedelta(days=100))
    assert field_errors(rival)["started_on"] == ["理事會理事長 has one seat, and 楊元慶 has held it since 2017-07-22."]


def test_single_seat_refusal_gives_both_dates_of_an_ended_term(chairman, person, organisation):
    Term.objects.create(position=chairman, person=person, started_on=START, ended_on=datetime.date(2020, 1, 1))
    rival = Term(position=chairman, organisation=organisation, started_on=datetime.date(2019, 1, 1))
    assert field_errors(rival)["started_on"] == [
        "理事會理事長 has one seat, and 楊元慶 holds it from 2017-07-22 to 2020-01-01."
    ]


def test_single_seat_position_accepts_the_successor_from_the_day_the_term_ends(chairman, person, organisation):
    Term.objects.create(position=chairman, person=person, started_on=START, ended_on=datetime.date(2020, 1, 1))
    successor = Term(position=chairman, organisation=organisation, started_on=datetime.date(2020, 1, 1))
    successor.full_clean()
    successor.save()
    assert Term.objects.current(on=datetime.date(2019, 12, 31)).get().holder == person
    assert Term.objects.current(on=datetime.date(2020, 1, 1)).get().holder == organisation


def test_position_with_several_seats_accepts_overlapping_terms_up_to_its_seats(council, person, organisation):
    directors = Position.objects.create(body=council, name="副理事長", seats=2)
    Term.objects.create(position=directors, person=person, started_on=START)
    Term(position=directors, organisation=organisation, started_on=START).full_clean()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only")
def test_database_refuses_overlapping_terms_on_a_single_seat(chairman, person, organisation):
    Term.objects.create(position=chairman, person=person, started_on=START)
    overlapping = Term(position=chairman, organisation=organisation, started_on=START + datetime.timedelta(days=1))
    refused_by_database(overlapping.save)


def test_making_a_position_single_seat_is_refused_while_its_terms_overlap(council, person, organisation):
    vice = Position.objects.create(body=council, name="副理事長", seats=2)
    Term.objects.create(position=vice, person=person, started_on=START)
    Term.objects.create(position=vice, organisation=organisation, started_on=START)
    vice.seats = 1
    assert "overlap" in field_errors(vice)["seats"][0]


# Memberships


def test_second_open_membership_of_an_organisation_is_refused(active_member):
    second = Membership(organisation=active_member, status=Membership.Status.APPLIED)
    assert "has a membership that has not ended" in field_errors(second)["__all__"][0]
    refused_by_database(second.save)


def test_organisation_may_rejoin_after_withdrawing(active_member):
    active_member.memberships.update(status=Membership.Status.WITHDRAWN, until=datetime.date(2020, 1, 1))
    rejoined = Membership(organisation=active_member, status=Membership.Status.APPLIED)
    rejoined.full_clean()
    rejoined.save()
    assert active_member.memberships.open().get() == rejoined


def test_membership_ending_before_it_starts_is_refused(organisation):
    membership = Membership(organisation=organisation, since=START, until=START - datetime.timedelta(days=1))
    assert field_errors(membership)["until"] == ["A membership cannot end before it starts."]
    refused_by_database(membership.save)


def test_membership_with_an_unknown_status_is_refused_by_the_database(organisation):
    refused_by_database(lambda: Membership.objects.create(organisation=organisation, status="expelled"))


# Organisations


def test_invalid_credit_code_is_refused_on_its_field(industry):
    organisation = Organisation(name="聯想集團", credit_code="91110000600037341A", industry=industry)
    assert "should be L" in field_errors(organisation)["credit_code"][0]


def test_credit_code_is_unique_when_present(organisation):
    organisation.credit_code = "91110000600037341L"
    organisation.save()
    twin = Organisation(name="華為", credit_code="91110000600037341l")
    assert "already has this unified social credit code" in field_errors(twin)["__all__"][0]
    refused_by_database(twin.save)


def test_many_organisations_may_have_no_credit_code(organisation):
    Organisation.objects.create(name="華為")
    Organisation.objects.create(name="小米", credit_code="")
    assert Organisation.objects.filter(credit_code__isnull=True).count() == 3


def test_organisation_without_a_name_is_refused(db):
    nameless = Organisation(name="   ")
    assert "name" in field_errors(nameless)
    refused_by_database(lambda: Organisation.objects.create(name=""))


def test_organisation_name_in_the_other_script_is_a_duplicate(organisation):
    twin = Organisation(name=" 联想集团 ")
    assert "already exists" in field_errors(twin)["name"][0]
    refused_by_database(twin.save)


def test_organisation_slug_is_unique_on_its_field_and_in_the_database(organisation):
    twin = Organisation(name="華為", slug=organisation.slug)
    assert "already exists" in field_errors(twin)["slug"][0]
    refused_by_database(twin.save)


# Every rule


@pytest.mark.parametrize(
    "constraint",
    [
        pytest.param(constraint, id=constraint.name)
        for app in ["records", "alliance", "members", "contacts", "governance"]
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    ],
)
def test_constraint_explains_itself_to_staff_rather_than_by_its_name(constraint):
    # Django words a plain unique constraint on fields itself ("… with this … already exists"); any other
    # constraint shows staff its violation_error_message, by default "Constraint “name” is violated."
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None:
        return
    assert constraint.name not in str(constraint.get_violation_error_message())
