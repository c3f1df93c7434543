from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from members.models import Membership

# The registry's own models and django-axes', which the secretariat's superuser unlocks editors in.
TRANSLATED_APPS = {"records", "jobs", "alliance", "members", "contacts", "notices", "governance", "axes"}
MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in TRANSLATED_APPS and not model.__name__.startswith("Historical")
]


def texts(model):
    """Every verbose name and choice label of a model, lazy, as the admin shows them."""
    yield model._meta.verbose_name
    yield model._meta.verbose_name_plural
    for field in model._meta.get_fields():
        if not hasattr(field, "verbose_name") or field.auto_created or field.name == "exclusive":
            continue
        yield field.verbose_name
        for _value, label in field.flatchoices if field.choices else []:
            yield label


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_verbose_name_and_choice_is_translated(model, language):
    with translation.override("en"):
        english = [str(text) for text in texts(model)]
    with translation.override(language):
        translated = [str(text) for text in texts(model)]
    untranslated = [e for e, t in zip(english, translated, strict=True) if e == t]
    assert untranslated == []


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("zh-CN", "选择 机构"), ("zh-TW", "選擇 機構"), ("en", "Select organisation"), ("", "选择 机构")],
)
def test_admin_speaks_the_staff_members_language(editor_client, active_member, accept, expected):
    response = editor_client.get(reverse("admin:members_organisation_changelist"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.context["cl"].title.startswith(expected)


def test_status_labels_follow_the_member_file_vocabulary():
    with translation.override("zh-hant"):
        assert [str(label) for label in Membership.Status.labels] == ["申請中", "正式會員", "暫停", "已退出"]
    with translation.override("zh-hans"):
        assert [str(label) for label in Membership.Status.labels] == ["申请中", "正式会员", "暂停", "已退出"]


@pytest.mark.parametrize(
    ("accept", "section", "models", "statuses"),
    [
        ("zh-CN", "登录保护", ["登录尝试", "登录失败", "登录记录"], ["尚可尝试 3 次", "已锁定"]),
        ("zh-TW", "登入保護", ["登入嘗試", "登入失敗", "登入記錄"], ["尚可嘗試 3 次", "已鎖定"]),
    ],
)
def test_sign_in_protection_speaks_chinese_where_a_superuser_unlocks_an_editor(
    admin_client, accept, section, models, statuses
):
    # django-axes ships no Chinese: registry/apps.py names its section, registry/axes_strings.py the rest.
    content = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert section in content and all(name in content for name in models)
    assert "Axes" not in content and "Access attempts" not in content
    for username, failures in [("editor-a", 2), ("editor-b", 5)]:
        AccessAttempt.objects.create(username=username, ip_address="192.0.2.1", failures_since_start=failures)
    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist"), HTTP_ACCEPT_LANGUAGE=accept)
    page = attempts.content.decode()
    assert all(status in page for status in statuses)
    assert "Attempt Remaining" not in page and "Attempt Time" not in page and "Status" not in page


def test_history_page_is_translated_into_traditional(editor_client, organisation):
    url = reverse("admin:members_organisation_history", args=[organisation.pk])
    content = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert "修改人" in content and "修改原因" in content and "修改內容" in content


def test_import_pages_are_translated_into_traditional(seeded, admin_client):
    # django-import-export ships Simplified Chinese only: records/import_export_strings.py fills the gap.
    form = admin_client.get("/admin/members/organisation/import/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert "要導入的文件" in form and "將導入以下字段" in form and "提交" in form
    with (Path(__file__).parent / "data" / "members-utf8-bom.csv").open("rb") as file:
        data = {"resource": 0, "format": 0, "import_file": file}
        preview = admin_client.post("/admin/members/organisation/import/", data, HTTP_ACCEPT_LANGUAGE="zh-TW")
    page = preview.content.decode()
    assert "待導入數據的預覽" in page and "確認導入" in page and "新增" in page
    assert "导入" not in page and "预览" not in page


@pytest.mark.parametrize(
    ("accept", "columns"),
    [
        ("zh-CN", ["名称", "英文名称", "统一社会信用代码", "入会日期"]),
        ("zh-TW", ["名稱", "英文名稱", "統一社會信用代碼", "入會日期"]),
        ("en", ["name", "name_en", "credit_code", "joined_on"]),
    ],
)
def test_import_and_export_pages_name_the_columns_as_the_file_does(admin_client, accept, columns):
    form = admin_client.get("/admin/members/organisation/import/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert ", ".join(columns[:2]) in form
    export = admin_client.get("/admin/members/organisation/export/", HTTP_ACCEPT_LANGUAGE=accept)
    labels = [field.label for field in export.context["form"] if getattr(field.field, "is_selectable_field", False)]
    assert set(columns) <= set(labels)
