"""No organisation, person or term with a history is hard-deleted from the admin, by anyone."""

import datetime

from django.urls import reverse
from django.utils import translation

from alliance.models import Event, Speaker
from governance.models import Person, Term
from members.models import Industry, Organisation


def bulk_delete(client, model, objects, **headers):
    # The organisation list shows active members unless asked for every status.
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + "?status=all"
    data = {"action": "delete_selected", "_selected_action": [o.pk for o in objects], "post": "yes"}
    return client.post(url, data, follow=True, **headers)


def test_superuser_cannot_bulk_delete_an_organisation_with_a_membership(admin_client, active_member, industry):
    mistake = Organisation.objects.create(name="誤錄入的單位", industry=industry)

    with translation.override("en"):  # The request activates English; leave the thread as it was.
        response = bulk_delete(admin_client, Organisation, [active_member, mistake], HTTP_ACCEPT_LANGUAGE="en")

    assert "organisations with a history, which are withdrawn instead" in response.content.decode()
    assert Organisation.objects.filter(pk__in=[active_member.pk, mistake.pk]).count() == 2


def test_superuser_may_delete_an_organisation_entered_by_mistake(admin_client, organisation):
    admin_client.post(reverse("admin:members_organisation_delete", args=[organisation.pk]), {"post": "yes"})

    assert not Organisation.objects.filter(pk=organisation.pk).exists()


def test_superuser_cannot_delete_a_person_who_held_a_term(admin_client, person, chairman):
    Term.objects.create(position=chairman, person=person, started_on=datetime.date(2020, 1, 1))

    url = reverse("admin:governance_person_delete", args=[person.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    bulk_delete(admin_client, Person, [person])
    assert Person.objects.filter(pk=person.pk).exists()


def test_superuser_cannot_delete_a_person_who_spoke_or_was_edited(seeded, admin_client):
    person = Person.objects.create(name="李四方")
    Speaker.objects.create(event=Event.objects.first(), person=person)
    edited = Person.objects.create(name="王小明")
    edited.name_en = "Wang Xiaoming"
    edited.save()

    for someone in (person, edited):
        url = reverse("admin:governance_person_delete", args=[someone.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Person.objects.filter(pk__in=[person.pk, edited.pk]).count() == 2


def test_superuser_may_delete_a_person_entered_by_mistake(admin_client, person):
    admin_client.post(reverse("admin:governance_person_delete", args=[person.pk]), {"post": "yes"})

    assert not Person.objects.filter(pk=person.pk).exists()


def test_no_one_deletes_a_term_it_is_ended_instead(admin_client, person, chairman):
    term = Term.objects.create(position=chairman, person=person, started_on=datetime.date(2020, 1, 1))

    assert (
        admin_client.post(reverse("admin:governance_term_delete", args=[term.pk]), {"post": "yes"}).status_code == 403
    )
    response = admin_client.get(reverse("admin:governance_term_changelist"))
    assert "delete_selected" not in response.context["action_form"].fields["action"].choices.__repr__()
    bulk_delete(admin_client, Term, [term])
    # Nor from the person's page, where terms are listed inline.
    page = admin_client.get(reverse("admin:governance_person_change", args=[person.pk]))
    assert "terms-0-DELETE" not in page.content.decode()
    assert Term.objects.filter(pk=term.pk).exists()


def test_deleting_an_industry_its_members_use_lists_them_as_what_stops_it(editor_client, active_member, industry):
    page = editor_client.get(
        reverse("admin:members_industry_delete", args=[industry.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert active_member.name in page
    assert "permission to delete" not in page
    editor_client.post(reverse("admin:members_industry_delete", args=[industry.pk]), {"post": "yes"})
    assert Industry.objects.filter(pk=industry.pk).exists()
