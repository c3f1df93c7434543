import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Body, Person, Position, Term
from members.models import Organisation
from tests.conftest import FOUNDING_DAY


@pytest.fixture
def handed_over(chairman, person):
    """Chairman held by 楊元慶 until 2020, then by 周濟."""
    Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY, ended_on=datetime.date(2020, 1, 1))
    successor = Person.objects.create(name="周濟")
    Term.objects.create(position=chairman, person=successor, started_on=datetime.date(2020, 1, 1))
    return chairman


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    """An inline formset's POST data: ``rows`` in order, the first ``initial`` of them already saved."""
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{field}": value for field, value in row.items()})
    return data


def errors_of(response) -> list[str]:
    """Every error the admin page shows, from the form and its inlines."""
    return [error for errors in response.context["errors"] for error in errors]


def holders_on(response) -> list[str]:
    return [str(term.holder) for _body, terms in response.context["bodies"] for term in terms]


def test_who_held_what_shows_the_current_line_up_by_default(editor_client, handed_over):
    response = editor_client.get(reverse("admin:governance_term_on_date"))
    assert holders_on(response) == ["周濟"]
    assert response.context["on"] == timezone.localdate()


def test_who_held_what_on_a_past_date(editor_client, handed_over):
    response = editor_client.get(reverse("admin:governance_term_on_date"), {"on": "2018-05-01"})
    assert holders_on(response) == ["楊元慶"]
    assert "2018-05-01" in response.content.decode()


def test_who_held_what_with_a_bad_date_falls_back_to_today(editor_client, english, handed_over):
    response = editor_client.get(reverse("admin:governance_term_on_date"), {"on": "yesterday"})
    assert holders_on(response) == ["周濟"]
    assert "Enter a valid date." in response.content.decode()


def test_viewer_may_see_who_held_what(viewer_client, handed_over):
    assert viewer_client.get(reverse("admin:governance_term_on_date")).status_code == 200


def test_succession_form_ends_the_term_and_appoints_the_successor(editor_client, chairman, person, organisation):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    successor = Person.objects.create(name="李毅中")
    response = editor_client.post(
        reverse("admin:governance_term_succeed", args=[term.pk]),
        {"on": "2023-06-30", "person": successor.pk, "title": "理事長", "affiliation": organisation.pk},
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.ended_on == datetime.date(2023, 6, 30)
    new = Term.objects.get(person=successor)
    assert (new.position, new.started_on, new.affiliation) == (chairman, datetime.date(2023, 6, 30), organisation)


def test_succession_form_refuses_two_successors_and_writes_nothing(editor_client, english, chairman, person):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    organisation = Organisation.objects.create(name="電子五所")
    response = editor_client.post(
        reverse("admin:governance_term_succeed", args=[term.pk]),
        {"on": "2023-06-30", "person": person.pk, "organisation": organisation.pk},
    )
    assert "not both nor neither" in response.content.decode()
    term.refresh_from_db()
    assert term.ended_on is None
    assert Term.objects.count() == 1


def test_succession_action_opens_the_form_for_one_term(editor_client, chairman, person):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    response = editor_client.post(
        reverse("admin:governance_term_changelist"), {"action": "succeed", "_selected_action": [term.pk]}
    )
    assert response.url == reverse("admin:governance_term_succeed", args=[term.pk])


def test_viewer_cannot_hand_over_a_term(viewer_client, chairman, person):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    response = viewer_client.post(
        reverse("admin:governance_term_succeed", args=[term.pk]), {"on": "2023-06-30", "person": person.pk}
    )
    assert response.status_code == 403
    assert Term.objects.count() == 1


def test_body_shows_its_positions_and_position_its_terms(editor_client, chairman, person):
    Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    body = editor_client.get(reverse("admin:governance_body_change", args=[chairman.body_id])).content.decode()
    assert "理事長" in body
    position = editor_client.get(reverse("admin:governance_position_change", args=[chairman.pk])).content.decode()
    assert "楊元慶" in position
    people = editor_client.get(reverse("admin:governance_person_change", args=[person.pk])).content.decode()
    assert "理事會理事長" in people


def test_position_list_shows_the_body(editor_client, chairman):
    Position.objects.create(name="名譽理事長", rank=0)
    content = editor_client.get(reverse("admin:governance_position_changelist")).content.decode()
    assert "理事會理事長" in content and "名譽理事長" in content


def test_succession_form_offers_today_in_the_browsers_date_format(editor_client, chairman, person):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    content = editor_client.get(reverse("admin:governance_term_succeed", args=[term.pk])).content.decode()
    assert f'type="date" name="on" value="{timezone.localdate():%Y-%m-%d}"' in content


def test_who_held_what_links_editors_to_the_handover(editor_client, viewer, client, handed_over):
    term = Term.objects.get(ended_on=None)
    link = reverse("admin:governance_term_succeed", args=[term.pk])
    assert link in editor_client.get(reverse("admin:governance_term_on_date")).content.decode()
    client.force_login(viewer)
    assert link not in client.get(reverse("admin:governance_term_on_date")).content.decode()


def test_position_with_terms_refuses_no_seats_as_a_form_error(editor_client, chairman, person):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    response = editor_client.post(
        reverse("admin:governance_position_change", args=[chairman.pk]),
        {
            "body": chairman.body_id,
            "name": chairman.name,
            "rank": chairman.rank,
            "seats": 0,
            **inline("terms", [{"id": term.pk, "person": person.pk, "started_on": "2017-07-22"}], initial=1),
        },
    )
    assert response.status_code == 200
    assert errors_of(response)
    chairman.refresh_from_db()
    assert chairman.seats == 1


def test_position_add_refuses_a_second_alliance_position_of_the_same_name_in_words(editor_client, english):
    Position.objects.create(name="名譽理事長", rank=0)
    response = editor_client.post(
        reverse("admin:governance_position_add"), {"name": "名譽理事長", "rank": 0, "seats": 1, **inline("terms", [])}
    )
    # Model clean() finds it first, across scripts; the constraint's own message says as much (test_constraints.py).
    assert errors_of(response) == ["名譽理事長 already exists (names are compared across scripts and widths)."]


def test_position_add_refuses_no_seats_in_words(editor_client, english):
    response = editor_client.post(
        reverse("admin:governance_position_add"), {"name": "名譽理事長", "rank": 0, "seats": 0, **inline("terms", [])}
    )
    assert errors_of(response) == ["A position has at least one seat."]


def test_body_refuses_a_position_without_seats_in_words(editor_client, english, council):
    response = editor_client.post(
        reverse("admin:governance_body_change", args=[council.pk]),
        {
            "name": council.name,
            "slug": council.slug,
            "kind": council.kind,
            "order": 0,
            **inline("positions", [{"name": "理事長", "rank": 1, "seats": 0}]),
        },
    )
    assert errors_of(response) == ["A position has at least one seat."]
    assert not council.positions.exists()


def test_person_page_refuses_two_new_overlapping_terms_of_a_single_seat(editor_client, english, chairman, person):
    rows = [
        {"position": chairman.pk, "started_on": "2017-07-22"},
        {"position": chairman.pk, "started_on": "2019-01-01"},
    ]
    response = editor_client.post(
        reverse("admin:governance_person_change", args=[person.pk]), {"name": person.name, **inline("terms", rows)}
    )
    assert response.status_code == 200
    assert errors_of(response) == ["理事會理事長 has one seat, and 楊元慶 has held it since 2017-07-22."]
    assert not Term.objects.exists()


def test_person_page_accepts_two_new_terms_of_a_single_seat_one_after_the_other(editor_client, chairman, person):
    rows = [
        {"position": chairman.pk, "started_on": "2017-07-22", "ended_on": "2019-01-01"},
        {"position": chairman.pk, "started_on": "2019-01-01"},
    ]
    response = editor_client.post(
        reverse("admin:governance_person_change", args=[person.pk]), {"name": person.name, **inline("terms", rows)}
    )
    assert response.status_code == 302
    assert person.terms.count() == 2


def test_term_list_links_editors_but_not_viewers_to_the_handover(editor_client, viewer, client, chairman, person):
    term = Term.objects.create(position=chairman, person=person, started_on=FOUNDING_DAY)
    link = reverse("admin:governance_term_succeed", args=[term.pk])
    assert link in editor_client.get(reverse("admin:governance_term_changelist")).content.decode()
    client.force_login(viewer)
    assert link not in client.get(reverse("admin:governance_term_changelist")).content.decode()


def test_a_body_named_as_another_in_the_other_script_is_refused(editor_client, english, council):
    response = editor_client.post(
        reverse("admin:governance_body_add"),
        {"name": "理事会", "slug": "council-again", "kind": "council", "order": 1, **inline("positions", [])},
    )
    assert errors_of(response) == [f"{council.name} already exists (names are compared across scripts and widths)."]
    assert Body.objects.count() == 1


def test_a_position_named_as_another_of_its_body_in_the_other_script_is_refused(editor_client, english, chairman):
    response = editor_client.post(
        reverse("admin:governance_position_add"),
        {"body": chairman.body_id, "name": "理事长", "rank": 2, "seats": 1, **inline("terms", [])},
    )
    assert errors_of(response) == [f"{chairman.name} already exists (names are compared across scripts and widths)."]
    other_body = Body.objects.create(name="專家委員會", slug="experts")
    response = editor_client.post(
        reverse("admin:governance_position_add"),
        {"body": other_body.pk, "name": "理事长", "rank": 2, "seats": 1, **inline("terms", [])},
    )
    assert response.status_code == 302


def test_a_new_body_may_name_a_position_as_an_office_of_the_alliance_is_named(editor_client, english):
    Position.objects.create(name="主任", rank=0)  # an office of the alliance as a whole, in no body
    response = editor_client.post(
        reverse("admin:governance_body_add"),
        {
            "name": "專家委員會",
            "slug": "experts",
            "kind": "expert",
            "order": 1,
            **inline("positions", [{"name": "主任", "rank": 1, "seats": 1}]),
        },
    )
    assert response.status_code == 302, errors_of(response)
    assert Body.objects.get(slug="experts").positions.get().name == "主任"
