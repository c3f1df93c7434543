"""What the directory derives from the memberships stays right through every way the product writes them.

Each organisation's stored status, each industry's member count and the public pages' cache version are
refreshed by members/listing.py, which every writer calls: these tests run each writer in turn.
"""

import io

from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import Industry, Membership, Organisation
from members.services import membership_withdraw
from members.transfer import import_members
from records.caching import VERSION_KEY, public_version
from tests.conftest import add_membership, expected_status, form_data, with_new_rows

Status = Membership.Status
TODAY = timezone.localdate()


def assert_listing_is_right() -> None:
    organisations = Organisation.objects.prefetch_related("memberships")
    assert {o.name: o.membership_status for o in organisations} == {o.name: expected_status(o) for o in organisations}
    counted = {i.slug: Organisation.objects.members().filter(industry=i).count() for i in Industry.objects.all()}
    assert dict(Industry.objects.values_list("slug", "member_count")) == counted


class Version:
    """The public pages' cache version, to tell whether a write made the cached pages stale."""

    def __init__(self):
        self.seen = public_version()

    def moved(self) -> bool:
        now = cache.get(VERSION_KEY)
        moved, self.seen = now != self.seen, now
        return moved


def lifecycle_action(client, name: str, membership: Membership, **extra) -> None:
    changelist = reverse("admin:members_membership_changelist")
    data = {"action": name, "_selected_action": [membership.pk], **extra}
    assert client.post(changelist, data).status_code == 302


def test_editing_a_memberships_notes_leaves_the_public_pages_cached_in_two_queries(
    active_member, django_assert_num_queries
):
    membership = active_member.memberships.get()
    before = public_version()
    membership.notes = "会费已缴至2025年"
    with django_assert_num_queries(2):  # The row, and its history.
        membership.save()
    assert cache.get(VERSION_KEY) == before


def test_editing_a_memberships_notes_in_the_admin_leaves_the_public_pages_cached(
    editor_client, active_member, industry, django_assert_max_num_queries
):
    membership = active_member.memberships.get()
    change = reverse("admin:members_membership_change", args=[membership.pk])
    data = form_data(editor_client.get(change)) | {"notes": "理事会2024年会议记录"}
    before = public_version()
    # The session, the user and their permissions, the membership, the form's checks, its row and history,
    # the admin's log: nothing counted again, nothing made stale.
    with django_assert_max_num_queries(14):
        assert editor_client.post(change, data).status_code == 302
    assert Membership.objects.get(pk=membership.pk).notes == "理事会2024年会议记录"
    assert cache.get(VERSION_KEY) == before
    tier = form_data(editor_client.get(change)) | {"tier": Membership.Tier.COUNCIL}
    assert editor_client.post(change, tier).status_code == 302
    assert cache.get(VERSION_KEY) != before  # a tier shows on the member's page


def test_every_write_path_keeps_statuses_counts_and_the_cache_right(seeded, admin_client):
    client = admin_client
    version = Version()
    industry = Industry.objects.get(slug="electronics-information")
    appliances = Industry.objects.get(slug="home-appliances")

    # The admin adds an organisation with its membership in one save.
    add = reverse("admin:members_organisation_add")
    data = form_data(client.get(add)) | {"name": "綠色示範科技有限公司", "industry": industry.pk, "kind": "enterprise"}
    row = {"status": Status.ACTIVE, "tier": Membership.Tier.MEMBER, "since": "2024-01-02"}
    assert client.post(add, with_new_rows(data, "memberships", [row])).status_code == 302
    added = Organisation.objects.get(name="綠色示範科技有限公司")
    assert added.membership_status == Status.ACTIVE and version.moved()
    assert_listing_is_right()

    # The admin moves it to another industry.
    change = reverse("admin:members_organisation_change", args=[added.pk])
    assert client.post(change, form_data(client.get(change)) | {"industry": appliances.pk}).status_code == 302
    assert Industry.objects.get(pk=appliances.pk).member_count == appliances.member_count + 1 and version.moved()
    assert_listing_is_right()

    # The admin reverts it to the version in its first industry.
    first = added.history.filter(industry=industry).earliest("history_date")
    revert = reverse("admin:members_organisation_simple_history", args=[added.pk, first.pk])
    assert client.post(revert, form_data(client.get(revert))).status_code == 302
    assert Industry.objects.get(pk=appliances.pk).member_count == appliances.member_count and version.moved()
    assert_listing_is_right()

    # The admin adds an application on the membership list, and the lifecycle actions move it.
    applicant = Organisation.objects.create(name="申請示範有限公司", industry=appliances)
    add = reverse("admin:members_membership_add")
    data = form_data(client.get(add)) | {"organisation": applicant.pk, "status": Status.APPLIED, "tier": "member"}
    assert client.post(add, data).status_code == 302
    membership = applicant.memberships.get()
    assert_listing_is_right()
    for action, status in (("approve", Status.ACTIVE), ("suspend", Status.SUSPENDED), ("reinstate", Status.ACTIVE)):
        lifecycle_action(client, action, membership)
        assert Organisation.objects.get(pk=applicant.pk).membership_status == status and version.moved()
        assert_listing_is_right()
    lifecycle_action(client, "withdraw", membership, confirm="1", on=TODAY.isoformat(), reason="合并")
    assert Organisation.objects.get(pk=applicant.pk).membership_status == Status.WITHDRAWN and version.moved()
    assert_listing_is_right()

    # It rejoins; the admin deletes the new membership, entered by mistake, then the organisation's.
    rejoined = add_membership(organisation=applicant, status=Status.ACTIVE, since=TODAY)
    delete = reverse("admin:members_membership_delete", args=[rejoined.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert Organisation.objects.get(pk=applicant.pk).membership_status == Status.WITHDRAWN and version.moved()
    assert_listing_is_right()

    # An organisation entered by mistake is deleted.
    mistake = Organisation.objects.create(name="誤錄機構", industry=appliances)
    delete = reverse("admin:members_organisation_delete", args=[mistake.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert version.moved()
    assert_listing_is_right()

    # The member file creates and moves members.
    header = "name,industry,status,joined_on\n"
    file = header + "導入示範有限公司,家電,active,2024-01-02\n綠色示範科技有限公司,家電,suspended,2024-01-02\n"
    result = import_members(file.encode(), filename="members.csv")
    assert (result.created, result.updated) == (1, 1), result.problems
    assert version.moved()
    assert_listing_is_right()

    # A service withdraws, the seed runs again, and the generator adds members.
    membership_withdraw(
        membership=Membership.objects.get(organisation__name="導入示範有限公司"), on=TODAY, by=None, reason="退出"
    )
    assert version.moved()
    assert_listing_is_right()
    call_command("seed", stdout=io.StringIO())
    assert not version.moved()  # the seed changed nothing
    assert_listing_is_right()
    call_command("generate_members", 200, "--seed", 5, "--people", 5, "--terms", 5, stdout=io.StringIO())
    assert version.moved()
    assert_listing_is_right()
