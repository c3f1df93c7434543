"""Each industry's stored count of active members follows its members, however they are written."""

import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from members import listing
from members.models import Industry, Membership, Organisation
from members.services import membership_approve, membership_reinstate, membership_suspend, membership_withdraw
from members.transfer import import_members
from tests.conftest import DATA, IMPORT_URL, PROCESS_URL, add_membership, confirm_data, form_data

DAY = datetime.date(2024, 3, 1)
Status = Membership.Status


def stored(industry: Industry) -> int:
    return Industry.objects.values_list("member_count", flat=True).get(pk=industry.pk)


def counted() -> dict[int, int]:
    """Every industry's active members, counted from the organisations."""
    return {
        industry.pk: Organisation.objects.members().filter(industry=industry).count()
        for industry in Industry.objects.all()
    }


def every_stored() -> dict[int, int]:
    return dict(Industry.objects.values_list("pk", "member_count"))


def test_an_industry_counts_a_member_through_its_lifecycle(applied_member, industry, secretariat_editor):
    membership = applied_member.memberships.get()
    assert stored(industry) == 0
    membership_approve(membership=membership, on=DAY, by=secretariat_editor)
    assert stored(industry) == 1
    membership_suspend(membership=membership, on=DAY, by=secretariat_editor)
    assert stored(industry) == 0
    membership_reinstate(membership=membership, on=DAY, by=secretariat_editor)
    assert stored(industry) == 1
    membership_withdraw(membership=membership, on=DAY, by=secretariat_editor, reason="merged")
    assert stored(industry) == 0


def test_a_member_moved_to_another_industry_is_counted_there(editor_client, active_member, industry):
    other = Industry.objects.create(name="新材料", name_en="New materials", slug="new-materials")
    change = reverse("admin:members_organisation_change", args=[active_member.pk])
    data = form_data(editor_client.get(change))
    assert editor_client.post(change, data | {"industry": other.pk}).status_code == 302
    assert (stored(industry), stored(other)) == (0, 1)
    assert editor_client.post(change, data | {"industry": ""}).status_code == 302
    assert (stored(industry), stored(other)) == (0, 0)


def test_a_member_reverted_to_its_former_industry_is_counted_there_and_no_longer_in_the_other(
    editor_client, active_member, industry
):
    appliances = Industry.objects.create(name="家電", slug="appliances")
    active_member.industry = appliances
    active_member.save()
    former = active_member.history.filter(industry=industry).latest("history_date")
    url = reverse("admin:members_organisation_simple_history", args=[active_member.pk, former.pk])
    assert editor_client.post(url, form_data(editor_client.get(url))).status_code == 302
    assert every_stored() == counted() == {industry.pk: 1, appliances.pk: 0}


def test_memberships_written_by_the_queryset_are_counted_once_the_writer_refreshes_the_listing(active_member, industry):
    Membership.objects.filter(organisation=active_member).update(status=Status.WITHDRAWN, until=DAY)
    assert stored(industry) == 1  # A write of the ORM's own leaves the counting to its writer.
    listing.refresh(organisations=[active_member.pk])
    assert stored(industry) == 0
    Membership.objects.filter(organisation=active_member).update(status=Status.ACTIVE, until=None)
    listing.refresh(organisations=[active_member.pk])
    assert stored(industry) == 1
    Membership.objects.filter(organisation=active_member).delete()
    listing.refresh(organisations=[active_member.pk])
    assert stored(industry) == 0


def test_an_import_counts_the_members_it_creates_and_moves(seeded):
    header = "name,industry,status,joined_on\n"
    before = every_stored()
    created = import_members(
        (
            header + "甲乙綠色科技有限公司,電子信息,active,2024-01-02\n丙丁新材料有限公司,電子信息,active,2024-01-02\n"
        ).encode(),
        filename="new.csv",
    )
    assert created.created == 2, created.problems
    electronics = Industry.objects.get(name_hans="电子信息")
    assert stored(electronics) == before[electronics.pk] + 2
    assert every_stored() == counted()
    moved = import_members(
        (
            header + "甲乙綠色科技有限公司,家電,active,2024-01-02\n丙丁新材料有限公司,電子信息,withdrawn,2024-01-02\n"
        ).encode(),
        filename="changes.csv",
    )
    assert moved.updated == 2, moved.problems
    assert stored(electronics) == before[electronics.pk]
    assert every_stored() == counted()


def test_generated_members_are_counted(seeded):
    call_command("generate_members", 300, "--seed", 4, "--people", 5, "--terms", 5, stdout=io.StringIO())
    assert every_stored() == counted()
    assert sum(every_stored().values()) > 100


def test_the_seed_is_counted(seeded):
    assert every_stored() == counted()
    assert sum(every_stored().values()) > 0


def test_the_directory_and_the_industry_page_show_a_withdrawal(client, active_member, industry, secretariat_editor):
    with translation.override("en"):
        industry_page = reverse("members:industry", kwargs={"slug": industry.slug})
        directory = reverse("members:directory")
    assert "1 active member," in client.get(industry_page).content.decode()
    listed = client.get(directory).content.decode()
    assert f'{industry.name_en}</a> <span class="count" title="Active members">1</span>' in listed
    membership_withdraw(membership=active_member.memberships.get(), on=DAY, by=secretariat_editor, reason="left")
    assert "0 active members," in client.get(industry_page).content.decode()
    listed = client.get(directory).content.decode()
    assert f'{industry.name_en}</a> <span class="count" title="Active members">0</span>' in listed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_editors_admitting_members_of_one_industry_at_once_are_both_counted(industry):
    first, second = (
        add_membership(organisation=Organisation.objects.create(name=name, industry=industry))
        for name in ("甲綠色科技有限公司", "乙新材料有限公司")
    )
    first_written, second_waiting = threading.Event(), threading.Event()

    def first_editor():
        try:
            with transaction.atomic():
                # Counted without bumping the public pages' version, a row both editors write, which would
                # make them take turns before counting.
                Membership.objects.filter(pk=first.pk).update(status=Status.ACTIVE)
                listing.store_status(Organisation.objects.filter(pk=first.organisation_id))
                listing.count_members(Industry.objects.filter(pk=industry.pk))
                first_written.set()
                second_waiting.wait(5)
                time.sleep(0.5)  # long enough for the second editor to be waiting for the industry's row
        finally:
            connection.close()  # this thread's own

    editor = threading.Thread(target=first_editor)
    editor.start()
    assert first_written.wait(5)
    with transaction.atomic():
        second_waiting.set()
        Membership.objects.filter(pk=second.pk).update(status=Status.ACTIVE)
        listing.store_status(Organisation.objects.filter(pk=second.organisation_id))
        listing.count_members(Industry.objects.filter(pk=industry.pk))
    editor.join()

    assert stored(industry) == 2


def test_an_admin_import_counts_its_members_once_confirmed_and_a_preview_counts_nothing(seeded, admin_client):
    before = every_stored()
    with (DATA / "members-utf8.csv").open("rb") as f:
        preview = admin_client.post(IMPORT_URL, {"resource": 0, "format": 0, "import_file": f})
    assert every_stored() == before
    assert admin_client.post(PROCESS_URL, confirm_data(preview)).status_code == 302
    assert every_stored() == counted() != before


def test_an_import_counts_the_industries_once_however_many_rows_it_writes(seeded, admin_client):
    with (DATA / "members-utf8.csv").open("rb") as f:
        preview = admin_client.post(IMPORT_URL, {"resource": 0, "format": 0, "import_file": f})
    with CaptureQueriesContext(connection) as queries:
        admin_client.post(PROCESS_URL, confirm_data(preview))
    counts = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "member_count" in q["sql"]]
    assert len(counts) == 1
