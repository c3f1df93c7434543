import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from members.models import Membership, Organisation
from members.services import membership_withdraw
from members.transfer import import_members
from records.admin import HistoryAdmin
from tests.conftest import FOUNDING_DAY, add_membership, form_data


@pytest.fixture
def moved(organisation, secretariat_editor):
    """聯想集團, moved by the editor from 北京 to 上海."""
    organisation.city = "北京"
    organisation.save()
    organisation.city = "上海"
    organisation._history_user = secretariat_editor
    organisation.save()
    return organisation


def test_history_page_shows_who_changed_which_value_from_what_to_what(editor_client, english, moved):
    response = editor_client.get(reverse("admin:members_organisation_history", args=[moved.pk]))
    content = response.content.decode()
    assert "<strong>City:</strong>\n                    北京" in content
    assert "&rarr;&nbsp;&nbsp;上海" in content
    assert "editor" in content
    assert "<strong>Updated:</strong>" not in content


def test_history_page_shows_the_reason_for_a_lifecycle_change(editor_client, english, active_member):
    from members.services import membership_suspend

    membership = active_member.memberships.get()
    membership_suspend(membership=membership, on=membership.since, by=None, reason="dues unpaid")
    content = editor_client.get(reverse("admin:members_membership_history", args=[membership.pk])).content.decode()
    assert "dues unpaid" in content
    assert "<strong>Status:</strong>\n                    active\n" in content
    assert "&rarr;&nbsp;&nbsp;suspended" in content


@pytest.mark.parametrize(("accept", "reason"), [("zh-CN", "导入"), ("zh-TW", "導入"), ("en", "Import")])
def test_history_page_shows_an_imports_reason_in_the_pages_language(editor_client, industry, accept, reason):
    assert import_members("name,industry,city\n聯想集團,電子信息,北京\n".encode(), filename="m.csv").created == 1
    imported = Organisation.objects.get()
    assert imported.history.get().history_change_reason == "import"  # stored as a code, shown translated
    response = editor_client.get(
        reverse("admin:members_organisation_history", args=[imported.pk]), HTTP_ACCEPT_LANGUAGE=accept
    )
    reasons = re.findall(r"<td>\s*([^<]*?)\s*</td>\s*<td>\s*(?:<ul>|</td>)", response.content.decode())
    assert reasons == [reason]


@pytest.mark.parametrize(
    ("accept", "change"), [("zh-CN", ("创始会员", "是", "否")), ("en", ("Founding member", "Yes", "No"))]
)
def test_history_page_shows_a_yes_or_no_change_in_words(editor_client, active_member, accept, change):
    membership = active_member.memberships.get()
    membership.is_founding = True
    membership.save()
    membership.is_founding = False
    membership.save()
    url = reverse("admin:members_membership_history", args=[membership.pk])
    content = editor_client.get(url, HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    field, old, new = change
    assert f"<strong>{field}:</strong>\n                    {old}\n" in content
    assert f"&rarr;&nbsp;&nbsp;{new}\n" in content
    assert "True" not in content and "False" not in content


def test_revert_restores_the_old_value(editor_client, moved):
    old = moved.history.get(city="北京")
    url = reverse("admin:members_organisation_simple_history", args=[moved.pk, old.history_id])
    form = editor_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["_change_history"] = "1"
    assert editor_client.post(url, data).status_code == 302
    moved.refresh_from_db()
    assert moved.city == "北京"
    assert moved.history.count() == 4
    history = editor_client.get(
        reverse("admin:members_organisation_history", args=[moved.pk]), HTTP_ACCEPT_LANGUAGE="zh-TW"
    )
    assert moved.history.latest().history_change_reason == "revert"
    assert re.search(r"<td>\s*還原\s*</td>", history.content.decode())


def test_reverting_a_membership_to_an_open_version_beside_the_open_one_is_refused(
    editor_client, english, active_member
):
    ended = active_member.memberships.get()
    membership_withdraw(membership=ended, on=FOUNDING_DAY, by=None, reason="解散")
    add_membership(organisation=active_member, status=Membership.Status.APPLIED)
    url = reverse("admin:members_membership_simple_history", args=[ended.pk, ended.history.get(status="active").pk])
    response = editor_client.post(url, form_data(editor_client.get(url)))
    assert response.status_code == 200
    assert "This organisation already has a membership that has not ended." in response.content.decode()
    ended.refresh_from_db()
    assert (ended.status, ended.history.count()) == (Membership.Status.WITHDRAWN, 2)


def breadcrumbs(response) -> list[str]:
    trail = re.search(r'<div class="breadcrumbs">(.*?)</div>', response.content.decode(), re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", "", crumb).split()) for crumb in trail.split("&rsaquo;")]


@pytest.mark.parametrize(
    ("accept", "crumbs"),
    [
        ("zh-CN", ["首页", "会员", "机构", "聯想集團", "历史记录", "还原 机构"]),
        ("zh-TW", ["首頁", "會員", "機構", "聯想集團", "歷史記錄", "還原 機構"]),
        ("en", ["Home", "Members", "Organisations", "聯想集團", "History", "Revert organisation"]),
    ],
)
def test_revert_page_breadcrumbs_are_in_the_pages_language(editor_client, moved, accept, crumbs):
    url = reverse("admin:members_organisation_simple_history", args=[moved.pk, moved.history.earliest().pk])
    response = editor_client.get(url, HTTP_ACCEPT_LANGUAGE=accept)
    assert breadcrumbs(response) == crumbs


def test_history_version_page_breadcrumbs_are_in_traditional_for_a_viewer(viewer_client, moved):
    url = reverse("admin:members_organisation_simple_history", args=[moved.pk, moved.history.earliest().pk])
    crumbs = ["首頁", "會員", "機構", "聯想集團", "歷史記錄", "查看 機構"]
    assert breadcrumbs(viewer_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-TW")) == crumbs


HISTORY_ADMINS = [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, HistoryAdmin)]


@pytest.mark.parametrize("model", HISTORY_ADMINS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("ids", [["abc"], ["1", "abc"], ["abc", "1"], ["99999999999999999999"]], ids=str)
def test_history_pages_of_an_id_no_object_can_have_are_not_found(editor_client, model, ids):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{'history' if len(ids) == 1 else 'simple_history'}"
    url = reverse(name, args=ids)
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {}).status_code == 404


def test_viewer_cannot_revert(viewer_client, moved):
    old = moved.history.get(city="北京")
    url = reverse("admin:members_organisation_simple_history", args=[moved.pk, old.history_id])
    viewer_client.post(url, {"name": moved.name, "city": "北京", "kind": "enterprise", "_change_history": "1"})
    moved.refresh_from_db()
    assert moved.city == "上海"


REGISTRY_MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"records", "alliance", "members", "contacts", "governance"}
    and not model.__name__.startswith("Historical")
]


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=lambda m: m.__name__)
def test_every_model_keeps_a_history(model):
    assert hasattr(model, "history")


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:members_organisation_changelist"),
        reverse("admin:members_membership_changelist"),
        reverse("admin:governance_term_on_date"),
        reverse("admin:governance_term_succeed", args=[1]),
        reverse("admin:members_organisation_history", args=[1]),
        reverse("admin:members_organisation_change", args=[1]),
    ],
)
def test_anonymous_visitor_reaches_no_admin_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_anonymous_visitor_cannot_run_an_action(client, active_member):
    client.post(
        reverse("admin:members_organisation_changelist"),
        {"action": "suspend", "_selected_action": [active_member.pk]},
    )
    assert active_member.memberships.get().status == "active"


def test_viewer_changes_nothing_anywhere(viewer_client, active_member, chairman, person):
    for model in REGISTRY_MODELS:
        opts = model._meta
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert viewer_client.post(add, {}).status_code == 403, model
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    "name, args",
    [
        ("admin:governance_term_succeed", ["abc"]),
        ("admin:governance_term_succeed", ["99999999999999999999"]),
        ("admin:members_organisation_history", ["abc"]),
        ("admin:governance_term_history", ["abc"]),
        ("admin:members_organisation_simple_history", ["abc", "1"]),
        ("admin:members_organisation_simple_history", ["1", "abc"]),
    ],
)
def test_admin_page_for_an_id_that_cannot_exist_is_not_found(editor_client, moved, name, args):
    assert editor_client.get(reverse(name, args=args)).status_code == 404
