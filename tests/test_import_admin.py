"""The admin's import: a preview of every row's change or problem, then a confirmation that writes it once."""

import datetime

import pytest
from django.core.cache import cache, caches
from django.core.files.uploadedfile import SimpleUploadedFile

from members import resources
from members.models import Industry, Membership, Organisation
from tests.conftest import BYD_CODE, DATA, IMPORT_URL, PROCESS_URL, confirm_data, run_import, snapshot


def admin_import(client, name):
    with (DATA / name).open("rb") as f:
        data = {"resource": 0, "format": 1 if name.endswith(".xlsx") else 0, "import_file": f}
        return client.post(IMPORT_URL, data, HTTP_ACCEPT_LANGUAGE="en")


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), "text/csv")


def admin_preview(client, file, language="en"):
    return client.post(IMPORT_URL, {"resource": 0, "format": 0, "import_file": file}, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("name", ["members-utf8-bom.csv", "members-gbk.csv", "members-big5.csv", "members.xlsx"])
def test_admin_import_reads_every_encoding_and_xlsx_then_confirms(seeded, admin_client, name):
    preview = admin_import(admin_client, name)

    assert [row.import_type for row in preview.context["result"].rows] == ["new", "new", "update"]
    assert not Organisation.objects.filter(credit_code=BYD_CODE).exists()
    assert admin_client.post(PROCESS_URL, confirm_data(preview)).status_code == 302
    byd = Organisation.objects.get(credit_code=BYD_CODE)
    assert (byd.name_hans, byd.industry.slug, byd.website) == (
        "比亚迪股份有限公司",
        "auto-parts",
        "https://www.byd.com",
    )
    assert byd.memberships.get().since == datetime.date(2017, 7, 22)


def test_admin_import_reads_an_xlsx_file(seeded, admin_client):
    response = admin_import(admin_client, "members.xlsx")
    assert [row.import_type for row in response.context["result"].rows] == ["new", "new", "update"]


def test_admin_import_previews_a_gbk_file_then_confirms(seeded, admin_client):
    response = admin_import(admin_client, "members-gbk.csv")

    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new", "new", "update"]
    assert "比亚迪股份有限公司" in response.content.decode()
    assert not Organisation.objects.filter(credit_code=BYD_CODE).exists()  # A preview writes nothing.

    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    response = admin_client.post("/admin/members/organisation/process_import/", data)

    assert response.status_code == 302
    byd = Organisation.objects.get(credit_code=BYD_CODE)
    assert byd.memberships.get().status == "active"
    assert Organisation.objects.filter(name_key="联想集团").count() == 1


def test_admin_import_preview_shows_each_row_new_changed_or_unchanged_with_old_and_new_cells(seeded, admin_client):
    run_import("members-utf8.csv")
    before = snapshot()
    file = upload(
        "members.csv",
        "name,industry,city,status\n"
        "比亚迪股份有限公司,汽车零部件,广州,暂停\n"
        "浙江吉利控股集团,汽车零部件,杭州,申请中\n"
        "宁德时代新能源科技股份有限公司,汽车零部件,宁德,正式会员\n",
    )

    response = admin_preview(admin_client, file)

    result = response.context["result"]
    assert [row.import_type for row in result.rows] == ["update", "skip", "new"]
    headers = list(result.diff_headers)
    byd, geely, catl = (dict(zip(headers, row.diff, strict=True)) for row in result.rows)
    assert byd["city"] == "<del>深圳</del><ins>广州</ins>"
    assert byd["status"] == "<del>active</del><ins>suspended</ins>"
    assert byd["name"] == "比亚迪股份有限公司" and byd["website"] == "https://www.byd.com"  # unchanged cells
    assert geely["city"] == "杭州"
    assert catl["name"] == "<ins>宁德时代新能源科技股份有限公司</ins>"
    assert catl["status"] == "<ins>active</ins>"
    assert catl["kind"] == "<ins>enterprise</ins>"  # the default, as written
    page = response.content.decode()
    assert "1 new, 1 changed, 1 unchanged." in page
    assert "<del>深圳</del><ins>广州</ins>" in page
    assert response.context["confirm_form"] is not None
    assert snapshot() == before


def test_admin_import_shows_unchanged_rows_as_skipped(seeded, admin_client):
    run_import("members-utf8.csv")
    response = admin_import(admin_client, "members-gbk.csv")
    assert [row.import_type for row in response.context["result"].rows] == ["skip", "skip", "skip"]


def test_admin_import_preview_of_a_long_file_lists_its_changes_first(seeded, admin_client, monkeypatch):
    monkeypatch.setattr(resources, "PREVIEW_ROWS", 2)
    run_import("members-utf8.csv")
    file = upload(
        "members.csv",
        "name,industry,city\n"
        "浙江吉利控股集团,汽车零部件,杭州\n"
        "比亚迪股份有限公司,汽车零部件,深圳\n"
        "宁德时代新能源科技股份有限公司,汽车零部件,宁德\n",
    )

    response = admin_preview(admin_client, file)

    assert [row.import_type for row in response.context["result"].rows] == ["new", "skip"]
    page = response.content.decode()
    assert "1 new, 0 changed, 2 unchanged." in page
    assert "The preview lists 2 of the file&#x27;s 3 rows" in page or "The preview lists 2 of the file's 3 rows" in page


def test_admin_import_reports_every_problem_at_once_with_row_and_column_and_writes_nothing(seeded, admin_client):
    before = snapshot()
    file = upload(
        "bad.csv",
        "名称,行业,统一社会信用代码,状态\n"
        "甲公司,没有这个行业,,正式会员\n"
        "乙公司,汽车零部件,914403001922038217,正式会员\n"
        "丙公司,汽车零部件,,不知道\n",
    )

    response = admin_preview(admin_client, file, language="zh-hans")

    result = response.context["result"]
    problems = {row.number: row.field_specific_errors for row in result.invalid_rows}
    assert list(problems) == [2, 3, 4]
    assert problems[2] == {"行业": ["没有行业“没有这个行业”。"]}
    assert list(problems[3]) == ["统一社会信用代码"]
    assert list(problems[4]) == ["状态"]
    assert problems[4]["状态"][0].startswith("“不知道”不是有效的状态，请使用：")  # the column as the file names it
    # Each row's problem is written out in the table, not only counted.
    assert "<tr><td>2</td><td>行业</td><td>没有行业“没有这个行业”。</td></tr>" in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert snapshot() == before


def test_admin_import_names_a_problem_many_rows_share_once_with_their_rows(seeded, admin_client, monkeypatch):
    monkeypatch.setattr(resources, "PREVIEW_ROWS", 2)
    before = snapshot()
    rows = [f"公司{n},没有这个行业,,正式会员" for n in range(5)] + ["戊公司,汽车零部件,,不知道"]
    rows.insert(4, "丁公司,汽车零部件,,正式会员")
    file = upload("bad.csv", "\n".join(["名称,行业,统一社会信用代码,状态", *rows]) + "\n")

    response = admin_preview(admin_client, file, language="zh-hans")

    summary = response.context["result"].row_problems
    assert [(problem.column, problem.row_ranges) for problem in summary] == [("行业", "2–5, 7"), ("状态", "8")]
    page = response.content.decode()
    assert "列 行业：没有行业“没有这个行业”。 共 5 行：2–5, 7。" in page
    assert [row.number for row in response.context["result"].invalid_rows] == [2, 3]  # the table, bounded
    assert "下表列出文件中有问题的 6 行里的前 2 行" in page
    assert snapshot() == before


def test_admin_import_refuses_a_file_without_its_required_columns(seeded, admin_client):
    response = admin_preview(admin_client, upload("bad.csv", "name,city\n甲公司,北京\n"))

    assert response.context["result"].has_errors()
    assert "Error: row 1, column industry: The required column industry (行业) is missing." in response.content.decode()
    assert response.context.get("confirm_form") is None


def test_admin_import_refuses_a_bad_file_and_writes_nothing(seeded, admin_client):
    before = snapshot()
    response = admin_import(admin_client, "bad-industry.csv")
    result = response.context["result"]
    assert result.has_validation_errors()
    assert "There is no industry 新能源." in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert snapshot() == before


def test_admin_import_shows_unknown_columns_as_warnings_and_imports_the_rest(seeded, admin_client):
    response = admin_import(admin_client, "unknown-column.csv")

    assert "Warning: row 1, column 备注: Unknown column, ignored." in response.content.decode()
    assert admin_client.post(PROCESS_URL, confirm_data(response)).status_code == 302


def test_admin_import_confirmed_records_the_user_in_each_rows_history(seeded, admin_client, admin_user):
    preview = admin_import(admin_client, "members-utf8.csv")

    response = admin_client.post(PROCESS_URL, confirm_data(preview), follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "Import finished: 2 new, 1 updated, 0 deleted and 0 skipped" in response.content.decode()
    records = Organisation.history.filter(history_change_reason="import")
    assert records.count() == 3
    assert {record.history_user for record in records} == {admin_user}
    memberships = Membership.history.filter(history_change_reason="import")
    assert memberships.exists() and {record.history_user for record in memberships} == {admin_user}


def test_admin_import_checks_again_at_confirmation_and_writes_nothing_if_the_registry_changed(seeded, admin_client):
    sector = Industry.objects.first().sector
    hydrogen = Industry.objects.create(name="氢能", name_en="Hydrogen", slug="hydrogen", sector=sector)
    preview = admin_preview(admin_client, upload("new.csv", "name,industry\n氢能示范有限公司,氢能\n"))
    assert [row.import_type for row in preview.context["result"].rows] == ["new"]
    hydrogen.delete()  # by another editor, before the confirmation
    before = snapshot()

    response = admin_client.post(PROCESS_URL, confirm_data(preview), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported: the registry changed since the preview" in page
    assert "There is no industry 氢能." in page
    assert response.context.get("confirm_form") is None
    assert snapshot() == before
    again = admin_client.post(PROCESS_URL, confirm_data(preview), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "choose the file again" in again.content.decode()
    assert snapshot() == before


def test_admin_import_confirmed_twice_imports_the_file_once(seeded, admin_client):
    data = confirm_data(admin_import(admin_client, "members-gbk.csv"))
    assert admin_client.post(PROCESS_URL, data).status_code == 302
    after_first = snapshot()

    again = admin_client.post(PROCESS_URL, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert again.redirect_chain[-1][0] == IMPORT_URL
    assert "This preview was imported already, or is no longer kept" in again.content.decode()
    assert snapshot() == after_first


def test_admin_import_whose_file_has_expired_asks_for_it_again(seeded, admin_client):
    data = confirm_data(admin_import(admin_client, "members-gbk.csv"))
    before = snapshot()
    caches["import_files"].clear()  # as 24 hours after the preview

    response = admin_client.post(PROCESS_URL, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "choose the file again" in response.content.decode()
    assert snapshot() == before


def test_admin_import_preview_survives_the_public_pages_cache_being_culled(seeded, admin_client):
    data = confirm_data(admin_import(admin_client, "members-gbk.csv"))
    cache.clear()  # the shared cache of public pages and searches, culled when full

    assert admin_client.post(PROCESS_URL, data).status_code == 302
    assert Organisation.objects.filter(credit_code=BYD_CODE).exists()


def test_admin_import_and_export_need_their_permissions(seeded, client, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_organisation", "change_organisation"]))
    client.force_login(editor)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get("/admin/members/organisation/export/").status_code == 403
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["import_organisation", "export_organisation"]))
    assert client.get(IMPORT_URL).status_code == 200
    assert client.get("/admin/members/organisation/export/").status_code == 200
