import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from members.models import Industry, Membership, Organisation, Sector
from records.caching import bump_public_version
from tests.conftest import FOUNDING_DAY, add_membership, form_data, with_new_rows

CHANGELIST = reverse("admin:members_organisation_changelist")
MEMBERSHIPS = reverse("admin:members_membership_changelist")


@pytest.fixture
def huawei(industry):
    organisation = Organisation.objects.create(
        name="华为技术有限公司",
        name_en="Huawei Technologies",
        short_name="华为",
        credit_code="9144030071526726XG",
        kind=Organisation.Kind.ENTERPRISE,
        province="广东",
        industry=industry,
    )
    add_membership(organisation=organisation, status=Membership.Status.ACTIVE, tier="council", since=FOUNDING_DAY)
    return organisation


@pytest.fixture
def sinopec(db):
    sector = Sector.objects.create(name="石化", slug="petrochemicals")
    industry = Industry.objects.create(name="石油化工", slug="petrochemical", sector=sector)
    organisation = Organisation.objects.create(
        name="中國石油化工集團", kind=Organisation.Kind.ENTERPRISE, province="北京", industry=industry
    )
    add_membership(organisation=organisation, status=Membership.Status.ACTIVE, tier="chair", since=FOUNDING_DAY)
    return organisation


def names_listed(response) -> set[str]:
    return {organisation.name for organisation in response.context["cl"].result_list}


def test_organisation_list_shows_membership_status_tier_and_since(editor_client, english, huawei):
    content = editor_client.get(CHANGELIST).content.decode()
    for text in ["华为技术有限公司", "华为", "電子信息", "enterprise", "active", "council member", "July 22, 2017"]:
        assert text in content


def test_organisation_list_shows_active_members_by_default(editor_client, active_member, huawei, sinopec):
    other = Organisation.objects.create(name="申請者公司")
    add_membership(organisation=other, status=Membership.Status.APPLIED)
    Organisation.objects.create(name="無會籍機構")
    assert names_listed(editor_client.get(CHANGELIST)) == {"聯想集團", "华为技术有限公司", "中國石油化工集團"}
    assert names_listed(editor_client.get(CHANGELIST, {"status": "applied"})) == {"申請者公司"}
    assert names_listed(editor_client.get(CHANGELIST, {"status": "none"})) == {"無會籍機構"}
    assert len(names_listed(editor_client.get(CHANGELIST, {"status": "all"}))) == 5


def test_organisation_list_shows_the_open_membership_else_the_latest_ended_one(editor_client, industry):
    rejoined = Organisation.objects.create(name="重新申請公司", industry=industry)
    add_membership(organisation=rejoined, status="withdrawn", tier="chair", since=FOUNDING_DAY, until=FOUNDING_DAY)
    add_membership(organisation=rejoined, status="applied", tier="member")
    left = Organisation.objects.create(name="兩次退出公司", industry=industry)
    for year, tier in [(2018, "chair"), (2020, "council")]:
        day = FOUNDING_DAY.replace(year=year)
        add_membership(organisation=left, status="withdrawn", tier=tier, since=day, until=day)
    listed = {
        o.name: (o.membership_status, o.membership_tier, o.membership_since)
        for o in editor_client.get(CHANGELIST, {"status": "all"}).context["cl"].result_list
    }
    assert listed == {
        "重新申請公司": ("applied", "member", None),
        "兩次退出公司": ("withdrawn", "council", FOUNDING_DAY.replace(year=2020)),
    }
    assert names_listed(editor_client.get(CHANGELIST, {"status": "withdrawn"})) == {"兩次退出公司"}
    assert names_listed(editor_client.get(CHANGELIST, {"status": "applied"})) == {"重新申請公司"}
    assert names_listed(editor_client.get(CHANGELIST, {"status": "all", "tier": "council"})) == {"兩次退出公司"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tier": "chair"}, {"中國石油化工集團"}),
        ({"kind": "enterprise"}, {"华为技术有限公司", "中國石油化工集團", "聯想集團"}),
        ({"province": "广东"}, {"华为技术有限公司"}),
        ({"industry__sector__id__exact": "SECTOR"}, {"中國石油化工集團"}),
        ({"industry__id__exact": "INDUSTRY"}, {"华为技术有限公司", "聯想集團"}),
        ({"quality": "no_code", "status": "all"}, {"中國石油化工集團", "聯想集團"}),
    ],
)
def test_organisation_list_filters(editor_client, active_member, huawei, sinopec, params, expected):
    params = {
        key: {"SECTOR": sinopec.industry.sector_id, "INDUSTRY": huawei.industry_id}.get(value, value)
        for key, value in params.items()
    }
    assert names_listed(editor_client.get(CHANGELIST, params)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("联想集团", {"聯想集團"}),  # Simplified finds the Traditional name
        ("華為", {"华为技术有限公司"}),  # and the other way round
        ("lianxiang", {"聯想集團"}),
        ("lx", {"聯想集團"}),
        ("huawei tech", {"华为技术有限公司"}),
        ("聯想", {"聯想集團"}),
        ("9144030071526726", {"华为技术有限公司"}),
        ("中国石油", {"中國石油化工集團"}),
    ],
)
def test_organisation_search(editor_client, active_member, huawei, sinopec, query, expected):
    assert names_listed(editor_client.get(CHANGELIST, {"q": query})) == expected


@pytest.mark.parametrize(("query", "expected"), [("lianxiang", ["聯想集團"]), ("联想", ["聯想集團"]), ("華為", [])])
def test_membership_search_finds_organisations_as_the_organisation_list_does(
    editor_client, active_member, query, expected
):
    response = editor_client.get(reverse("admin:members_membership_changelist"), {"q": query})
    assert [membership.organisation.name for membership in response.context["cl"].result_list] == expected


def test_organisation_autocomplete_finds_pinyin(editor_client, active_member):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "lianx", "app_label": "governance", "model_name": "term", "field_name": "organisation"},
    )
    assert [row["text"] for row in response.json()["results"]] == ["聯想集團"]


def run_action(client, action, objects, url=CHANGELIST + "?status=all", **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(url, data, follow=True)


def test_approve_action_makes_the_applicant_a_member_today(editor_client, english, applied_member, secretariat_editor):
    response = run_action(editor_client, "approve", [applied_member])
    membership = applied_member.memberships.get()
    assert membership.status == Membership.Status.ACTIVE
    assert membership.since is not None
    assert membership.history.first().history_user == secretariat_editor
    assert "1 membership changed." in response.content.decode()


def test_approve_action_refuses_an_active_member_with_a_message(editor_client, english, active_member):
    response = run_action(editor_client, "approve", [active_member])
    assert "Cannot approve 聯想集團: the membership is active." in response.content.decode()
    assert active_member.memberships.get().since == FOUNDING_DAY


def test_suspend_then_reinstate_actions(editor_client, active_member):
    run_action(editor_client, "suspend", [active_member])
    assert active_member.memberships.get().status == Membership.Status.SUSPENDED
    run_action(editor_client, "reinstate", [active_member])
    assert active_member.memberships.get().status == Membership.Status.ACTIVE


def test_action_on_an_organisation_without_membership_says_so(editor_client, english, organisation):
    response = run_action(editor_client, "suspend", [organisation])
    assert "聯想集團 has no open membership." in response.content.decode()


def test_withdraw_action_asks_for_date_and_reason_first(editor_client, english, active_member):
    response = run_action(editor_client, "withdraw", [active_member])
    assert "Withdraw memberships" in response.content.decode()
    assert active_member.memberships.get().status == Membership.Status.ACTIVE


def test_withdraw_action_without_a_reason_changes_nothing(editor_client, english, active_member):
    response = run_action(editor_client, "withdraw", [active_member], confirm="yes", on="2024-01-31", reason="")
    assert "This field is required." in response.content.decode()
    assert active_member.memberships.get().status == Membership.Status.ACTIVE


def test_withdraw_action_with_a_reason_ends_the_membership(editor_client, english, active_member):
    run_action(editor_client, "withdraw", [active_member], confirm="yes", on="2024-01-31", reason="解散")
    membership = active_member.memberships.get()
    assert (membership.status, str(membership.until)) == (Membership.Status.WITHDRAWN, "2024-01-31")
    assert membership.history.first().history_change_reason == "Withdrawn on 2024-01-31: 解散"


def test_withdraw_action_refuses_a_date_to_come_and_the_member_stays_active(editor_client, english, active_member):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = run_action(editor_client, "withdraw", [active_member], confirm="yes", on=tomorrow, reason="解散")
    assert "A membership is withdrawn once it has ended: give today or an earlier day." in response.content.decode()
    assert active_member.memberships.get().status == Membership.Status.ACTIVE
    assert Organisation.objects.members().filter(pk=active_member.pk).exists()


def test_withdraw_page_says_the_memberships_end_now_on_a_day_not_to_come(editor_client, english, active_member):
    content = run_action(editor_client, "withdraw", [active_member]).content.decode()
    assert "will end on the date you give" not in content
    assert f'max="{timezone.localdate():%Y-%m-%d}"' in content


def test_membership_list_has_the_lifecycle_actions(editor_client, applied_member):
    run_action(editor_client, "approve", applied_member.memberships.all(), url=MEMBERSHIPS)
    assert applied_member.memberships.get().status == Membership.Status.ACTIVE


def test_membership_inline_does_not_change_status_directly(editor_client, active_member):
    response = editor_client.get(reverse("admin:members_organisation_change", args=[active_member.pk]))
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.fields["status"].disabled


ONE_OPEN = "This organisation already has a membership that has not ended."
TWO_OPEN = [
    {"status": "active", "tier": "member", "since": "2020-01-01"},
    {"status": "applied", "tier": "member", "notes": "再次申请"},
]


def test_organisation_page_refuses_two_new_open_memberships_on_the_inline(editor_client, english, organisation):
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    response = editor_client.post(url, with_new_rows(form_data(editor_client.get(url)), "memberships", TWO_OPEN))
    assert response.status_code == 200
    assert ONE_OPEN in response.content.decode()
    assert not organisation.memberships.exists()


def test_new_organisation_with_two_open_memberships_is_refused_and_nothing_saved(editor_client, english, industry):
    url = reverse("admin:members_organisation_add")
    data = with_new_rows(form_data(editor_client.get(url)), "memberships", TWO_OPEN)
    response = editor_client.post(url, {**data, "name": "小米科技", "industry": industry.pk})
    assert response.status_code == 200
    assert ONE_OPEN in response.content.decode()
    assert not Organisation.objects.filter(name="小米科技").exists()


def test_organisation_page_takes_a_new_membership_beside_ended_ones(editor_client, english, organisation):
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    rows = [{"status": "withdrawn", "since": "2018-01-01", "until": "2019-01-01", "tier": "member"}, TWO_OPEN[0]]
    assert (
        editor_client.post(url, with_new_rows(form_data(editor_client.get(url)), "memberships", rows)).status_code
        == 302
    )
    assert sorted(organisation.memberships.values_list("status", flat=True)) == ["active", "withdrawn"]


def test_sector_page_refuses_two_new_industries_named_alike_in_either_script(editor_client, english, db):
    sector = Sector.objects.create(name="新兴产业", slug="emerging")
    url = reverse("admin:members_sector_change", args=[sector.pk])
    rows = [{"order": 0, "name": "新行业乙", "slug": "new-b"}, {"order": 0, "name": "新行業乙", "slug": "new-b-2"}]
    response = editor_client.post(url, with_new_rows(form_data(editor_client.get(url)), "industries", rows))
    assert response.status_code == 200
    assert "新行业乙 already exists (names are compared across scripts and widths)." in response.content.decode()
    assert not Industry.objects.exists()


def test_sector_page_refuses_a_new_industry_named_as_another_is_renamed(editor_client, english, industry):
    sector = Sector.objects.create(name="新兴产业", slug="emerging")
    industry.sector = sector
    industry.save()
    url = reverse("admin:members_sector_change", args=[sector.pk])
    data = form_data(editor_client.get(url))
    data["industries-0-name"] = "家電"
    response = editor_client.post(url, with_new_rows(data, "industries", [{"order": 0, "name": "家电", "slug": "x"}]))
    assert "家電 already exists (names are compared across scripts and widths)." in response.content.decode()
    assert list(Industry.objects.values_list("name", flat=True)) == ["電子信息"]


def test_editor_cannot_delete_an_organisation_with_history(editor_client, active_member):
    url = reverse("admin:members_organisation_delete", args=[active_member.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=active_member.pk).exists()


def test_editor_cannot_bulk_delete_an_organisation_with_history(editor_client, organisation):
    organisation.city = "北京"
    organisation.save()
    run_action(editor_client, "delete_selected", [organisation], post="yes")
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_editor_may_delete_an_organisation_entered_by_mistake(editor_client, organisation):
    url = reverse("admin:members_organisation_delete", args=[organisation.pk])
    editor_client.post(url, {"post": "yes"})
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


def test_superuser_cannot_delete_an_edited_organisation(admin_client, organisation):
    organisation.city = "北京"
    organisation.save()
    url = reverse("admin:members_organisation_delete", args=[organisation.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_viewer_sees_the_list_but_changes_nothing(viewer_client, active_member):
    response = viewer_client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None
    change = reverse("admin:members_organisation_change", args=[active_member.pk])
    assert viewer_client.post(change, {"name": "改名"}).status_code == 403
    assert viewer_client.get(reverse("admin:members_organisation_add")).status_code == 403
    assert run_action(viewer_client, "suspend", [active_member]).status_code in {200, 403}
    assert active_member.memberships.get().status == Membership.Status.ACTIVE
    active_member.refresh_from_db()
    assert active_member.name == "聯想集團"


def test_viewer_may_export_but_not_import(viewer):
    assert viewer.has_perm("members.export_organisation")
    assert not viewer.has_perm("members.import_organisation")
    assert not viewer.has_perm("members.change_membership")


def test_editor_may_import_and_export(secretariat_editor):
    assert secretariat_editor.has_perm("members.import_organisation")
    assert secretariat_editor.has_perm("members.export_organisation")
    assert secretariat_editor.has_perm("governance.add_term")
    assert not secretariat_editor.has_perm("members.delete_membership")
    assert not User.objects.get(pk=secretariat_editor.pk).is_superuser


def test_withdraw_form_offers_today_in_the_browsers_date_format(editor_client, active_member):
    content = run_action(editor_client, "withdraw", [active_member]).content.decode()
    assert f'type="date" name="on" value="{timezone.localdate():%Y-%m-%d}"' in content


def test_organisation_list_shows_counts_on_request(editor_client, active_member, huawei, sinopec):
    response = editor_client.get(CHANGELIST, {"_facets": "1"})
    assert response.status_code == 200
    assert names_listed(response) == {"聯想集團", "华为技术有限公司", "中國石油化工集團"}


def test_organisation_list_rows_link_to_their_change_page_keeping_the_list_filters(editor_client, huawei, sinopec):
    content = editor_client.get(CHANGELIST, {"q": "华为", "status": "all"}).content.decode()
    change = reverse("admin:members_organisation_change", args=[huawei.pk])
    # What "Save" on the change page returns to.
    filters = urlencode({"_changelist_filters": urlencode({"q": "华为", "status": "all"})})
    assert f'<a href="{change}?{filters}">华为技术有限公司</a>' in content
    assert reverse("admin:members_organisation_change", args=[sinopec.pk]) not in content


def test_organisation_list_rows_link_to_their_change_page(editor_client, huawei):
    content = editor_client.get(CHANGELIST).content.decode()
    change = reverse("admin:members_organisation_change", args=[huawei.pk])
    assert f'<a href="{change}">华为技术有限公司</a>' in content


def test_organisation_list_selection_checkboxes_are_djangos(editor_client, industry):
    organisation = Organisation.objects.create(name='"A&B" <公司>', industry=industry)
    add_membership(organisation=organisation, status=Membership.Status.ACTIVE)
    content = editor_client.get(CHANGELIST).content.decode()
    # Django's own checkbox, which the list's select-all and action scripts look for.
    djangos = admin.ModelAdmin.action_checkbox(admin.site.get_model_admin(Organisation), organisation)
    assert 'class="action-select"' in djangos
    assert djangos in content


# Outside a test transaction, as requests run: inside one the process keeps no copy (see registry.caching).
@pytest.mark.django_db(transaction=True)
def test_organisation_list_filters_offer_a_new_sector_and_industry_at_once(editor_client, active_member):
    editor_client.get(CHANGELIST)
    add_sector = reverse("admin:members_sector_add")
    added = form_data(editor_client.get(add_sector)) | {"name": "新能源", "slug": "new-energy", "order": 0}
    assert editor_client.post(add_sector, added).status_code == 302
    sector = Sector.objects.get(slug="new-energy")
    add_industry = reverse("admin:members_industry_add")
    added = form_data(editor_client.get(add_industry))
    added |= {"name": "光伏", "slug": "photovoltaics", "sector": sector.pk, "order": 0}
    assert editor_client.post(add_industry, added).status_code == 302
    industry = Industry.objects.get(slug="photovoltaics")
    content = editor_client.get(CHANGELIST).content.decode()
    assert f"?industry__sector__id__exact={sector.pk}" in content
    assert f"?industry__id__exact={industry.pk}" in content


@pytest.mark.django_db(transaction=True)
def test_organisation_list_filter_choices_are_kept_until_the_data_changes(editor_client, active_member, industry):
    editor_client.get(CHANGELIST)
    Industry.objects.filter(pk=industry.pk).update(name="改名行業")  # behind the cache's back: no signal
    choice = f'<a href="?industry__id__exact={industry.pk}">'
    assert f"{choice}電子信息</a>" in editor_client.get(CHANGELIST).content.decode()
    bump_public_version()
    assert f"{choice}改名行業</a>" in editor_client.get(CHANGELIST).content.decode()


def test_a_website_typed_without_its_scheme_is_saved_as_https(rf, secretariat_editor):
    request = rf.get("/")
    request.user = secretariat_editor
    form = admin.site._registry[Organisation].get_form(request)()
    assert form.fields["website"].clean("www.lenovo.com.cn") == "https://www.lenovo.com.cn"


def test_an_admin_search_matching_more_than_it_counts_says_so_and_offers_no_select_all(
    editor_client, english, industry, monkeypatch
):
    from members import admin as members_admin

    monkeypatch.setattr(members_admin, "SEARCH_COUNT_LIMIT", 25)
    monkeypatch.setattr(members_admin.OrganisationAdmin, "list_per_page", 10)
    for n in range(30):
        organisation = Organisation.objects.create(name=f"測試會員{n:02d}", industry=industry)
        add_membership(organisation=organisation, status=Membership.Status.ACTIVE, since=FOUNDING_DAY)
    changelist = reverse("admin:members_organisation_changelist")

    searched = editor_client.get(changelist, {"q": "測試"})
    page = searched.content.decode()
    assert "More than 25 results" in page
    assert "More than 25 organisations" in page
    assert len(searched.context["cl"].result_list) == 10
    assert "Select all 25" not in page and "selected" in page  # the page's own counter stays
    last = editor_client.get(changelist, {"q": "測試", "p": 3})
    assert [o.name for o in last.context["cl"].result_list] == [f"測試會員{n:02d}" for n in range(20, 25)]

    narrower = editor_client.get(changelist, {"q": "測試會員1"}).content.decode()
    assert "10 results" in narrower and "More than" not in narrower
    # A list without a search counts every row, and offers to select them all.
    unsearched = editor_client.get(changelist).content.decode()
    assert "30 organisations" in unsearched and "Select all 30 organisations" in unsearched


def test_withdraw_confirmation_keeps_large_ids_whole_on_english_pages(editor_client, english, industry):
    # Counts are grouped in English (12,345): an id in a form must not be.
    member = Organisation.objects.create(pk=12345, name="萬號公司", industry=industry)
    add_membership(organisation=member, status=Membership.Status.ACTIVE)
    response = run_action(editor_client, "withdraw", [member])
    assert 'value="12345"' in response.content.decode()
