import csv
import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.cache import cache, caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from members import bulk, resources, transfer
from members.models import Industry, Membership, Organisation
from members.transfer import NamesAhead, detect_encoding, import_members

DATA = Path(__file__).parent / "data"
BYD_CODE = "914403001922038216"


def snapshot():
    """Everything an import could change, to check that a refused import changed nothing."""
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        Organisation.history.count(),
    )


def run_import(name, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_members", str(DATA / name), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing_import(name, *args):
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_members", str(DATA / name), *args, stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    return err.getvalue()


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("members-utf8.csv", "utf-8"),
        ("members-utf8-bom.csv", "utf-8-sig"),
        ("members-gbk.csv", "gb18030"),
        ("members-gb18030.csv", "gb18030"),
        ("members-big5.csv", "cp950"),
    ],
)
def test_detect_encoding_tells_each_encoding_apart(name, encoding):
    assert detect_encoding((DATA / name).read_bytes()) == encoding


@pytest.mark.parametrize(
    "name",
    ["members-utf8.csv", "members-utf8-bom.csv", "members-gbk.csv", "members-big5.csv", "members.xlsx"],
)
def test_import_members_reads_every_encoding_and_header_script(seeded, name):
    out, _ = run_import(name)

    byd = Organisation.objects.get(credit_code=BYD_CODE)
    assert byd.name_hans == "比亚迪股份有限公司"
    assert byd.industry.slug == "auto-parts"
    assert byd.kind == Organisation.Kind.ENTERPRISE
    assert byd.website == "https://www.byd.com"
    membership = byd.memberships.get()
    assert (membership.tier, membership.status) == ("council", "active")
    assert membership.since == datetime.date(2017, 7, 22)
    geely = Organisation.objects.get(name_hans="浙江吉利控股集团")
    assert geely.industry.slug == "auto-parts"
    assert geely.memberships.get().since == datetime.date(2018, 3, 1)
    # 联想集团 in the file is the seeded 聯想集團: updated, not duplicated.
    assert Organisation.objects.filter(name_key="联想集团").count() == 1
    lenovo = Organisation.objects.get(name_key="联想集团")
    assert lenovo.name == "聯想集團"
    assert lenovo.province == "北京"
    assert "2" in out and "1" in out


def test_import_members_reads_gb18030_beyond_gbk(seeded):
    run_import("members-gb18030.csv")  # 䶮 has no GBK code; GB18030 has one.
    assert Organisation.objects.get(name="刘䶮科技有限公司").industry.slug == "electronics-information"


def test_import_members_summary_counts_created_updated_unchanged(seeded):
    with translation.override("en"):
        out, _ = run_import("members-utf8.csv")
        assert "created 2, updated 1, unchanged 0, errors 0" in out
        out, _ = run_import("members-gbk.csv")
        assert "created 0, updated 0, unchanged 3, errors 0" in out


def test_import_members_records_history(seeded):
    run_import("members-utf8.csv")

    byd = Organisation.objects.get(credit_code=BYD_CODE)
    assert byd.history.get().history_type == "+"
    assert byd.memberships.get().history.count() == 1
    lenovo = Organisation.objects.get(name_key="联想集团")
    assert lenovo.history.first().history_type == "~"


def test_bulk_update_records_history_only_for_the_rows_it_writes(seeded):
    first, middle, last = Organisation.objects.order_by("pk")[:3]
    before = middle.history.count()

    bulk.update(Organisation, [{"id": first.pk, "city": "深圳"}, {"id": last.pk, "city": "深圳"}], reason="import")

    assert middle.history.count() == before
    for organisation in (first, last):
        record = organisation.history.first()
        assert (record.history_type, record.city, record.history_change_reason) == ("~", "深圳", "import")


def test_import_members_dry_run_writes_nothing(seeded):
    before = snapshot()
    with translation.override("en"):
        out, _ = run_import("members-utf8.csv", "--dry-run")
    assert "created 2, updated 1" in out
    assert snapshot() == before


def test_import_members_industry_by_slug_and_label(seeded, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("名稱,行業\n甲公司,equipment-manufacturing\n乙公司,裝備制造業\n丙公司,装备制造\n", encoding="utf-8")
    call_command("import_members", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert set(
        Organisation.objects.filter(industry__slug="equipment-manufacturing").values_list("name", flat=True)
    ) >= {
        "甲公司",
        "乙公司",
        "丙公司",
    }


def test_import_members_names_a_repeated_problem_once_with_every_row_it_is_in(seeded, tmp_path):
    before = snapshot()
    path = tmp_path / "bad.csv"
    rows = [f"公司{n},没有这个行业" for n in range(3)] + ["丁公司,汽车零部件", "戊公司,没有这个行业", "己公司,不存在"]
    path.write_text("\n".join(["name,industry,备注", *rows]) + "\n", encoding="utf-8")

    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_members", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Warning: row 1, column 备注: Unknown column, ignored.",
        "Error: Column industry: There is no industry 没有这个行业. 4 rows: 2–4, 6.",
        "Error: row 7, column industry: There is no industry 不存在.",
    ]
    assert snapshot() == before


def test_import_members_matches_by_credit_code_before_name(seeded):
    run_import("members-utf8.csv")
    byd = Organisation.objects.get(credit_code=BYD_CODE)
    path = DATA.parent / "data" / "members-utf8.csv"
    text = path.read_text(encoding="utf-8").replace("比亚迪股份有限公司", "比亚迪汽车")
    renamed = io.BytesIO(text.encode())
    result = import_members(renamed.getvalue(), filename="x.csv")
    assert not result.errors
    byd.refresh_from_db()
    assert byd.name == "比亚迪汽车"
    assert byd.name_hant == "比亞迪汽車"
    assert Organisation.objects.filter(credit_code=BYD_CODE).count() == 1


def test_import_members_full_width_and_spaces_match_the_same_name(seeded, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("name,industry,city\n  聯想集團　,電子信息,北京\n", encoding="utf-8")
    call_command("import_members", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Organisation.objects.filter(name_key="联想集团").get().city == "北京"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-missing-columns.csv", ["row 1, column industry: The required column industry"]),
        ("bad-industry.csv", ["row 2, column industry: There is no industry 新能源."]),
        (
            "bad-credit-code.csv",
            ["row 2, column credit_code: The check character", "row 3, column credit_code: A unified social"],
        ),
        ("bad-duplicate.csv", ["row 4, column name: This organisation is already in row 2 of the file."]),
        (
            "bad-status-date.csv",
            ["row 2, column status: 在册 is not a valid status", "row 3, column joined_on: 2017-13-40 is not a date"],
        ),
        (
            "bad-too-long.csv",
            ["row 2, column province: 51 characters is too long", "row 3, column name: 201 characters is too long"],
        ),
    ],
)
def test_import_members_refuses_a_bad_file_listing_every_problem(seeded, name, expected):
    before = snapshot()
    with translation.override("en"):
        err = run_failing_import(name)
    for message in expected:
        assert message in err
    assert snapshot() == before


def problems_of(text: str, language="en") -> list[str]:
    with translation.override(language):
        return [str(problem) for problem in import_members(text.encode(), filename="m.csv").errors]


def test_a_credit_code_twice_in_a_file_is_reported_in_its_column(seeded):
    text = "name,credit_code,industry\n甲公司,91440300MA5ABCDE0E,家电\n乙公司,91440300 ma5abcde0e,家电\n"
    assert problems_of(text) == ["Error: row 3, column credit_code: This organisation is already in row 2 of the file."]


def test_a_credit_code_excel_turned_into_a_number_says_so(seeded, tmp_path):
    csv_text = "name,credit_code,industry\n甲公司,9.14403E+17,家电\n"
    message = "is a number to Excel, which keeps only 15 of its digits: format the column as text"
    assert problems_of(csv_text) == [
        f"Error: row 2, column credit_code: 9.14403E+17 {message} and type the code again."
    ]
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "credit_code", "industry"])
    workbook.active.append(["乙公司", 914403001922038272.0, "家电"])  # as Excel stores 914403001922038216
    path = tmp_path / "m.xlsx"
    workbook.save(path)
    with translation.override("en"):
        problems = [str(problem) for problem in import_members(path.read_bytes(), filename="m.xlsx").errors]
    assert problems == [f"Error: row 2, column credit_code: 914403001922038272 {message} and type the code again."]


@pytest.mark.parametrize("value", ["#REF!", "#N/A", "#DIV/0!", "#VALUE!"])
def test_an_excel_error_value_in_a_cell_is_a_problem_not_data(seeded, value):
    before = snapshot()
    text = f"name,industry,city\n新公司,家电,{value}\n{value},家电,北京\n"
    message = f"The cell holds Excel's error {value}: correct its formula in Excel, then import again."
    assert problems_of(text) == [f"Error: row 2, column city: {message}", f"Error: row 3, column name: {message}"]
    assert snapshot() == before


@pytest.mark.parametrize("written", ["華為\x07", "華為\u200b", "\ufeff华为", "华\u00ad为"])
def test_a_name_with_an_invisible_character_updates_the_organisation_of_that_name(seeded, written):
    huawei = Organisation.objects.get(slug="huawei")
    result = import_members(f"name,industry,city\n{written},电子信息,东莞\n".encode(), filename="m.csv")
    assert (result.errors, result.created, result.updated) == ([], 0, 1)
    huawei.refresh_from_db()
    assert huawei.city == "东莞"


def test_midnight_as_excel_writes_a_date_time_to_csv_is_read_as_the_date(seeded):
    result = import_members("name,industry,status,joined_on\n新公司,家电,active,2017/7/22 0:00\n".encode())
    assert result.errors == []
    assert Membership.objects.get(organisation__name="新公司").since == datetime.date(2017, 7, 22)


def test_an_xlsx_sheet_that_states_too_small_a_size_is_read_whole(seeded, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "industry", "status", "city"])
    workbook.active.append(["新公司", "家电", "active", "佛山"])
    path = tmp_path / "m.xlsx"
    workbook.save(path)
    # As some programs write it: the sheet's stated size covers only its first two columns.
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:B2"', sheet).encode()
    with zipfile.ZipFile(path, "w") as stale:
        for name, content in parts.items():
            stale.writestr(name, content)

    result = import_members(path.read_bytes(), filename="m.xlsx")

    assert result.errors == []
    organisation = Organisation.objects.get(name="新公司")
    assert organisation.city == "佛山" and organisation.memberships.get().status == "active"


def test_a_missing_column_is_named_as_a_chinese_header_would_name_it(seeded):
    with translation.override("zh-hant"):
        err = run_failing_import("bad-missing-columns.csv")
    assert "第 1 行, 列 行業: 缺少必填列 industry（行業）" in err


def test_import_members_reports_problems_in_the_users_language(seeded):
    before = snapshot()
    with translation.override("zh-hans"):
        err = run_failing_import("bad-industry.csv")
    assert "第 2 行" in err
    assert "没有行业" in err
    assert snapshot() == before


def test_import_members_shows_progress_for_a_large_file(seeded, tmp_path):
    path = tmp_path / "large.csv"
    rows = "".join(f"測試會員單位第{n:05d}號有限公司,電子信息,北京市海淀區中關村大街{n}號\n" for n in range(6000))
    path.write_text("name,industry,city\n" + rows, encoding="utf-8")
    err = io.StringIO()
    with translation.override("en"):
        call_command("import_members", str(path), stdout=io.StringIO(), stderr=err)
    assert "5000 rows checked…" in err.getvalue()
    assert "6000 rows written…" in err.getvalue()
    assert Organisation.objects.filter(name__startswith="測試會員單位").count() == 6000


def test_a_large_import_derives_names_in_worker_processes_as_save_would(seeded, tmp_path, monkeypatch):
    monkeypatch.setattr(NamesAhead, "WORTH_IT_BYTES", 0)
    monkeypatch.setattr(NamesAhead, "CHUNK", 3)  # Several chunks, so their order matters.
    names = [
        "重慶銀行股份有限公司",
        "长沙银行",
        "中國人民大學",
        "北京功成行",
        "Acme 綠色科技",
        "華為技術有限公司",
        "曾國藩",
    ]
    path = tmp_path / "members.csv"
    rows = "".join(f"{name},電子信息,{n}\n" for n, name in enumerate(names))
    path.write_text("name,industry,city\n" + rows, encoding="utf-8")
    call_command("import_members", str(path), stdout=io.StringIO())

    for n, name in enumerate(names):
        imported = Organisation.objects.get(name=name)
        assert imported.city == str(n)
        saved = Organisation(name=name)
        saved.derive_names()
        assert (imported.name_hans, imported.name_hant, imported.pinyin, imported.initials, imported.name_key) == (
            saved.name_hans,
            saved.name_hant,
            saved.pinyin,
            saved.initials,
            saved.name_key,
        )
    assert Organisation.objects.get(name="重慶銀行股份有限公司").pinyin == "chongqingyinhanggufenyouxiangongsi"


def test_import_members_numbers_ids_and_slugs_in_the_files_order(seeded, tmp_path):
    # On PostgreSQL the rows are copied in pinyin order (members.bulk): 汪 and 王 read alike.
    names = ["乙方科技", "王力公司", "甲方科技", "汪力公司"]
    path = tmp_path / "members.csv"
    path.write_text("name,industry\n" + "".join(f"{name},電子信息\n" for name in names), encoding="utf-8")
    call_command("import_members", str(path), stdout=io.StringIO())

    imported = list(Organisation.objects.filter(name__in=names).order_by("pk"))
    assert [o.name for o in imported] == names
    assert [o.slug for o in imported][1::2] == ["wangligongsi", "wangligongsi-2"]
    assert Organisation.history.filter(name__in=names, history_type="+").count() == 4


def test_import_members_warns_of_unknown_columns_and_imports(seeded):
    with translation.override("en"):
        out, err = run_import("unknown-column.csv")
    assert "Warning: row 1, column 备注: Unknown column, ignored." in err
    assert Organisation.objects.filter(name="比亚迪").exists()


def test_import_members_refuses_an_unreadable_file(seeded, tmp_path):
    path = tmp_path / "m.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", str(path), stdout=io.StringIO(), stderr=err)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "This is an Excel 97–2003 workbook (.xls)"),
        ("name,industry\n华为,电子信息\n".encode("utf-16"), "This is UTF-16 text (Excel's Unicode text)"),
        (
            "name,industry\n华为,电子信息\n".encode() + b"\x80\x80\xff,\xfe\xfe\n",
            "Line 3 is not text in an encoding the import reads (UTF-8, GB18030/GBK or Big5)",
        ),
    ],
)
def test_a_file_the_import_cannot_read_says_what_it_is_and_what_to_do(seeded, data, expected):
    before = snapshot()
    with translation.override("en"):
        problems = [str(problem) for problem in import_members(data, filename="members.csv").errors]
    assert len(problems) == 1 and expected in problems[0]
    assert snapshot() == before


def test_a_csv_file_named_xlsx_is_read_as_csv(seeded):
    result = import_members("name,industry,city\n新公司,家电,佛山\n".encode(), filename="members.xlsx")
    assert (result.errors, result.created) == ([], 1)


def export(tmp_path, *args, name="out.csv"):
    path = tmp_path / name
    call_command("export_members", "-o", str(path), *args, stdout=io.StringIO())
    return path


def test_export_members_writes_utf8_with_bom_and_only_active_members(seeded, tmp_path):
    run_import("members-utf8.csv")
    data = export(tmp_path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["名称", "英文名称"]
    exported = {row[0] for row in rows[1:]}
    assert "比亚迪股份有限公司" in exported
    assert "浙江吉利控股集团" not in exported  # applied, not active
    assert "工業和信息化部" not in exported  # not a member
    everyone = {
        row[0]
        for row in csv.reader(io.StringIO(export(tmp_path, "--all").read_bytes().decode("utf-8-sig"), newline=""))
    }
    assert {"浙江吉利控股集团", "工業和信息化部"} <= everyone


def test_export_members_then_import_changes_nothing(seeded, tmp_path):
    run_import("members-utf8.csv")
    run_import("formula.csv")
    for name in ("all.csv", "all.xlsx"):
        path = export(tmp_path, "--all", name=name)
        before = snapshot()
        with translation.override("en"):
            out, _ = run_import(str(path))
        assert "created 0, updated 0" in out, name
        assert snapshot() == before, name


def test_export_members_neutralises_formula_cells(seeded, tmp_path):
    run_import("formula.csv")
    assert Organisation.objects.filter(name='=HYPERLINK("http://x")').exists()
    rows = list(csv.reader(io.StringIO(export(tmp_path, "--all").read_bytes().decode("utf-8-sig"), newline="")))
    book = openpyxl.load_workbook(export(tmp_path, "--all", name="all.xlsx"))
    for cells in (rows, list(book.active.iter_rows(values_only=True))):
        for row in cells:
            for cell in row:
                assert not str(cell or "").startswith(("=", "+", "-", "@", "\t", "\r"))
    flat = {cell for row in rows for cell in row}
    assert {'\'=HYPERLINK("http://x")', "'+86", "'-1 吨", "'@SUM(A1)", "'\tTAB", "'\rCR"} <= flat


def test_export_members_xlsx_opens_with_headers_and_rows(seeded, tmp_path):
    run_import("members.xlsx")
    book = openpyxl.load_workbook(export(tmp_path, name="members.xlsx"))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "名称"
    assert any(row[0] == "比亚迪股份有限公司" for row in rows[1:])


IMPORT_URL = "/admin/members/organisation/import/"
PROCESS_URL = "/admin/members/organisation/process_import/"


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


def confirm_data(preview) -> dict:
    confirm = preview.context["confirm_form"]
    return {name: confirm[name].value() for name in confirm.fields}


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


def test_admin_import_shows_unchanged_rows_as_skipped(seeded, admin_client):
    run_import("members-utf8.csv")
    response = admin_import(admin_client, "members-gbk.csv")
    assert [row.import_type for row in response.context["result"].rows] == ["skip", "skip", "skip"]


def test_admin_import_refuses_a_bad_file_and_writes_nothing(seeded, admin_client):
    before = snapshot()
    response = admin_import(admin_client, "bad-industry.csv")
    result = response.context["result"]
    assert result.has_validation_errors()
    assert "There is no industry 新能源." in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert snapshot() == before


def test_admin_export_applies_the_changelist_filters(seeded, admin_client):
    run_import("members-utf8.csv")
    # status=all: the list shows active members only unless asked, and the ministry is not a member.
    url = "/admin/members/organisation/export/?kind__exact=government&status=all"
    response = admin_client.get(url)
    form = response.context["form"]
    data = {"format": 0, "resource": 0}
    data.update({name: "on" for name, field in form.fields.items() if name.startswith("organisationresource_")})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    exported = {row[0] for row in rows[1:]}
    assert "工業和信息化部" in exported
    assert "比亚迪股份有限公司" not in exported


@pytest.mark.parametrize(("export_format", "name"), [(0, "members.csv"), (1, "members.xlsx")])
def test_an_admin_export_imports_again_unchanged_with_its_line_breaks_and_chinese_headers(
    seeded, admin_client, export_format, name
):
    # A description typed in the admin arrives with CRLF; a cell may start with a CR, which export neutralises.
    Organisation.objects.filter(slug="lenovo-group").update(description="第一行\r\n第二行")
    Organisation.objects.filter(slug="huawei").update(description="\r回车开头")
    url = "/admin/members/organisation/export/?status=all"
    form = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").context["form"]
    data = {"format": export_format, "resource": 0}
    data.update({field: "on" for field in form.fields if field.startswith("organisationresource_")})
    exported = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-CN").content
    rows = list(transfer.read_rows(exported, filename=name))
    assert rows[0][:3] == ["名称", "英文名称", "简称"]
    before = snapshot()

    file = SimpleUploadedFile(name, exported)
    preview = admin_client.post(IMPORT_URL, {"resource": 0, "format": export_format, "import_file": file})

    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 0, len(rows) - 1)
    assert snapshot() == before


def test_import_members_compares_a_large_file_in_one_pass(seeded, tmp_path, monkeypatch):
    # With batches of one, the seeded members are "many": the single pass over both tables is used.
    monkeypatch.setattr("members.transfer.BATCH_SIZE", 1)
    run_import("members-utf8.csv")
    path = export(tmp_path, "--all")
    before = snapshot()
    with translation.override("en"):
        out, _ = run_import(str(path))
    assert "created 0, updated 0" in out
    assert snapshot() == before
    changed = tmp_path / "changed.csv"
    changed.write_text(path.read_text("utf-8-sig").replace("深圳", "惠州"), encoding="utf-8")
    with translation.override("en"):
        out, _ = run_import(str(changed))
    assert "created 0, updated 1," in out
    assert Organisation.objects.get(credit_code=BYD_CODE).city == "惠州"
    assert Membership.objects.count() == len(before[1])


def test_admin_import_reads_an_xlsx_file(seeded, admin_client):
    response = admin_import(admin_client, "members.xlsx")
    assert [row.import_type for row in response.context["result"].rows] == ["new", "new", "update"]


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


def test_every_import_is_logged_with_file_rows_and_result(seeded, caplog):
    with caplog.at_level("INFO", logger="registry.imports"):
        run_import("members-utf8.csv")
        run_failing_import("bad-industry.csv")
    written, refused = [r for r in caplog.records if r.name == "registry.imports"]
    assert (written.file, written.problems, written.dry_run) == ("members-utf8.csv", 0, False)
    assert written.rows_created + written.rows_updated + written.rows_unchanged == written.rows > 0
    assert written.user
    assert (refused.file, refused.rows_created, refused.problems > 0) == ("bad-industry.csv", 0, True)
    assert refused.getMessage().endswith("refused")


def test_an_import_shows_up_on_the_cached_public_directory(seeded, client):
    assert "比亚迪股份有限公司" not in client.get("/zh-hans/members/").content.decode()  # now cached
    run_import("members-utf8.csv")
    assert "比亚迪股份有限公司" in client.get("/zh-hans/members/").content.decode()
