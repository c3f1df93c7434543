import datetime

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.urls import reverse

from members import listing
from members.models import Membership, Organisation
from members.services import membership_withdraw
from records.caching import VERSION_KEY, bump_public_version, public_version
from tests.conftest import form_data

DIRECTORY = "/en/members/"


def rename_behind_the_cache(member, name_en: str) -> None:
    """A write that bypasses the models' signals: a page still showing the old name came from the cache."""
    Organisation.objects.filter(pk=member.pk).update(name_en=name_en)


def test_public_pages_are_served_from_the_shared_cache(client, active_member, django_assert_num_queries):
    client.get(DIRECTORY)
    caches["pages"].clear()  # As if another app process had rendered it.
    rename_behind_the_cache(active_member, "Renamed quietly")
    with django_assert_num_queries(2):  # The data version and the page.
        page = client.get(DIRECTORY).content.decode()
    assert "Renamed quietly" not in page
    assert active_member.display_name("en") in page


# Outside a test transaction, as requests run: inside one the version is never kept (see public_version).
@pytest.mark.django_db(transaction=True)
def test_a_page_this_process_served_a_moment_ago_costs_no_query(client, active_member, django_assert_num_queries):
    client.get(DIRECTORY)
    rename_behind_the_cache(active_member, "Renamed quietly")
    with django_assert_num_queries(0):
        page = client.get(DIRECTORY).content.decode()
    assert "Renamed quietly" not in page
    assert active_member.display_name("en") in page


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_a_change_within_a_second(client, active_member):
    client.get(DIRECTORY)
    # Another process saves a change: the shared version moves, this process's copy does not.
    rename_behind_the_cache(active_member, "Renamed elsewhere")
    cache.incr(VERSION_KEY)
    assert "Renamed elsewhere" not in client.get(DIRECTORY).content.decode()
    caches["pages"].delete(VERSION_KEY)  # What a second's wait does.
    assert "Renamed elsewhere" in client.get(DIRECTORY).content.decode()


def rename_in_the_admin(client, member, name_en: str) -> None:
    change = reverse("admin:members_organisation_change", args=[member.pk])
    assert client.post(change, form_data(client.get(change)) | {"name_en": name_en}).status_code == 302


def test_a_saved_change_shows_up_on_the_cached_pages(editor_client, active_member):
    detail = f"/en/members/{active_member.slug}/"
    for address in (DIRECTORY, detail, "/open-data/members.json"):
        editor_client.get(address)
    rename_in_the_admin(editor_client, active_member, "Lenovo Renamed")
    for address in (DIRECTORY, detail, "/open-data/members.json"):
        assert "Lenovo Renamed" in editor_client.get(address).getvalue().decode(), address


def test_a_withdrawn_member_leaves_the_cached_pages(client, active_member, secretariat_editor):
    detail = f"/en/members/{active_member.slug}/"
    assert client.get(detail).status_code == 200
    assert active_member.slug in client.get(DIRECTORY).content.decode()
    membership = Membership.objects.get(organisation=active_member)
    membership_withdraw(membership=membership, on=datetime.date(2024, 3, 1), by=secretariat_editor, reason="left")
    assert client.get(detail).status_code == 404
    assert active_member.slug not in client.get(DIRECTORY).content.decode()


def test_a_membership_written_by_the_queryset_leaves_the_cached_pages_once_the_listing_is_refreshed(
    client, active_member
):
    detail = f"/en/members/{active_member.slug}/"
    assert client.get(detail).status_code == 200
    Membership.objects.filter(organisation=active_member).update(status=Membership.Status.SUSPENDED)
    listing.refresh(organisations=[active_member.pk])
    assert client.get(detail).status_code == 404
    assert active_member.slug not in client.get(DIRECTORY).content.decode()


def test_cached_pages_vary_by_language(client, active_member):
    english = client.get(DIRECTORY).content.decode()
    simplified = client.get("/zh-hans/members/").content.decode()
    traditional = client.get("/zh-hant/members/").content.decode()
    assert "联想集团" in simplified and "聯想集團" not in simplified
    assert "聯想集團" in traditional
    assert 'lang="en"' in english and "Member directory" in english
    assert "会员名录" in client.get("/zh-hans/members/").content.decode()


def test_the_cache_version_lives_in_the_shared_cache(active_member):
    before = public_version()
    assert cache.get(VERSION_KEY) == before
    bump_public_version()
    assert cache.get(VERSION_KEY) > before


def test_a_lost_cache_version_starts_again_above_the_old_one(active_member):
    before = public_version()
    cache.delete(VERSION_KEY)
    bump_public_version()
    assert public_version() > before


def test_with_the_page_cache_off_every_request_renders_the_page(client, active_member, settings):
    settings.PUBLIC_CACHE = False
    client.get(DIRECTORY)
    rename_behind_the_cache(active_member, "Renamed quietly")
    assert "Renamed quietly" in client.get(DIRECTORY).content.decode()


def test_a_search_is_served_from_the_shared_cache(client, active_member, django_assert_num_queries):
    client.get(DIRECTORY, {"q": "联想"})
    caches["pages"].clear()  # As if another app process had answered the search.
    rename_behind_the_cache(active_member, "Renamed quietly")
    with django_assert_num_queries(2):  # The data version and the page.
        page = client.get(DIRECTORY, {"q": "联想"}).content.decode()
    assert "Renamed quietly" not in page
    assert active_member.display_name("en") in page


def test_spellings_of_one_search_share_its_cached_page(client, active_member):
    client.get(DIRECTORY + "?q=%E8%81%94%E6%83%B3&page=1")
    rename_behind_the_cache(active_member, "Renamed quietly")
    for address in ("?q=联想&page=1", "?page=1&q=%e8%81%94%e6%83%b3"):
        page = client.get(DIRECTORY + address).content.decode()
        assert "Renamed quietly" not in page and active_member.display_name("en") in page, address


def cached_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {settings.CACHES['default']['LOCATION']}")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "query",
    ["q=联想&utm_source=mail", "q=联想&q=集团", "q=++联想", "q=联想&page=last", "q=" + "联" * 101],
)
def test_a_search_of_another_shape_is_answered_but_not_kept(client, active_member, query):
    client.get(DIRECTORY)  # The data version and the plain page are kept.
    before = cached_entries()
    assert client.get(f"{DIRECTORY}?{query}").status_code == 200
    assert cached_entries() == before
    assert client.get(f"{DIRECTORY}?q=联想").status_code == 200
    assert cached_entries() == before + 1
