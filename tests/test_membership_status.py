"""An organisation's stored membership status follows its memberships, however they are written."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from members import listing
from members.models import Membership, Organisation
from members.services import membership_approve, membership_reinstate, membership_suspend, membership_withdraw
from members.transfer import import_members
from tests.conftest import add_membership, expected_status, form_data

DAY = datetime.date(2024, 3, 1)
Status = Membership.Status


def stored_status(organisation: Organisation) -> str:
    return Organisation.objects.values_list("membership_status", flat=True).get(pk=organisation.pk)


def test_the_lifecycle_moves_an_organisation_in_and_out_of_the_directory(applied_member, secretariat_editor):
    membership = applied_member.memberships.get()
    assert stored_status(applied_member) == Status.APPLIED
    assert not Organisation.objects.members().exists()
    membership_approve(membership=membership, on=DAY, by=secretariat_editor)
    assert list(Organisation.objects.members()) == [applied_member]
    membership_suspend(membership=membership, on=DAY, by=secretariat_editor)
    assert stored_status(applied_member) == Status.SUSPENDED
    membership_reinstate(membership=membership, on=DAY, by=secretariat_editor)
    assert stored_status(applied_member) == Status.ACTIVE
    membership_withdraw(membership=membership, on=DAY, by=secretariat_editor, reason="merged")
    assert stored_status(applied_member) == Status.WITHDRAWN
    assert not Organisation.objects.members().exists()


def test_an_organisation_that_rejoins_shows_its_new_membership(active_member, secretariat_editor):
    membership_withdraw(membership=active_member.memberships.get(), on=DAY, by=secretariat_editor, reason="left")
    add_membership(organisation=active_member, status=Status.APPLIED)
    assert stored_status(active_member) == Status.APPLIED


def test_deleting_a_membership_leaves_the_status_of_the_ones_left(admin_client, active_member):
    Membership.objects.filter(organisation=active_member).update(status=Status.WITHDRAWN, until=DAY)
    listing.refresh(organisations=[active_member.pk])
    assert stored_status(active_member) == Status.WITHDRAWN
    later = add_membership(organisation=active_member, status=Status.ACTIVE, since=DAY)
    delete = reverse("admin:members_membership_delete", args=[later.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert stored_status(active_member) == Status.WITHDRAWN
    first = active_member.memberships.get()
    delete = reverse("admin:members_membership_delete", args=[first.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert stored_status(active_member) == ""


def test_a_membership_moved_to_another_organisation_leaves_the_first_without_one(
    editor_client, active_member, industry
):
    other = Organisation.objects.create(name="華為技術有限公司", industry=industry)
    membership = active_member.memberships.get()
    change = reverse("admin:members_membership_change", args=[membership.pk])
    data = form_data(editor_client.get(change))
    assert editor_client.post(change, data | {"organisation": other.pk}).status_code == 302
    assert (stored_status(active_member), stored_status(other)) == ("", Status.ACTIVE)


def test_restoring_an_old_version_of_an_organisation_keeps_its_current_status(editor_client, organisation):
    organisation.city = "北京"
    organisation.save()
    add_membership(organisation=organisation, status=Status.ACTIVE, since=DAY)
    earliest = organisation.history.earliest()
    revert = reverse("admin:members_organisation_simple_history", args=[organisation.pk, earliest.pk])
    assert editor_client.post(revert, form_data(editor_client.get(revert))).status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).city == ""
    assert stored_status(organisation) == Status.ACTIVE


def test_an_import_stores_each_organisations_status(seeded):
    def statuses():
        imported = Organisation.objects.filter(name__in=["甲乙綠色科技有限公司", "丙丁新材料有限公司"])
        return dict(imported.values_list("name", "membership_status"))

    header = "name,industry,status,joined_on\n"
    created = import_members(
        (header + "甲乙綠色科技有限公司,電子信息,active,2024-01-02\n丙丁新材料有限公司,電子信息,applied,\n").encode(),
        filename="new.csv",
    )
    assert created.created == 2, created.problems
    assert statuses() == {
        "甲乙綠色科技有限公司": Status.ACTIVE,
        "丙丁新材料有限公司": Status.APPLIED,
    }
    updated = import_members(
        (
            header
            + "甲乙綠色科技有限公司,電子信息,suspended,2024-01-02\n丙丁新材料有限公司,電子信息,active,2024-02-03\n"
        ).encode(),
        filename="changes.csv",
    )
    assert updated.updated == 2, updated.problems
    assert statuses() == {
        "甲乙綠色科技有限公司": Status.SUSPENDED,
        "丙丁新材料有限公司": Status.ACTIVE,
    }


@pytest.mark.parametrize("generated", [0, 300])
def test_every_stored_status_matches_the_memberships(seeded, generated):
    if generated:
        call_command("generate_members", generated, "--seed", 4, "--people", 5, "--terms", 5, stdout=io.StringIO())
    organisations = Organisation.objects.prefetch_related("memberships")
    assert {o.pk: o.membership_status for o in organisations} == {o.pk: expected_status(o) for o in organisations}
    assert Organisation.objects.members().count() == Membership.objects.active().count()
