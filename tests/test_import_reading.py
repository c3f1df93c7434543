"""Reading a member file: its encoding, its headers in either script or English, and what Excel does to cells."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from members.models import Membership, Organisation
from members.transfer import detect_encoding, import_members
from tests.conftest import BYD_CODE, DATA, problems_of, run_failing_import, run_import, snapshot


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


def test_a_missing_column_is_named_as_a_chinese_header_would_name_it(seeded):
    with translation.override("zh-hant"):
        err = run_failing_import("bad-missing-columns.csv")
    assert "第 1 行, 列 行業: 缺少必填列 industry（行業）" in err


def test_import_members_warns_of_unknown_columns_and_imports(seeded):
    with translation.override("en"):
        out, err = run_import("unknown-column.csv")
    assert "Warning: row 1, column 备注: Unknown column, ignored." in err
    assert Organisation.objects.filter(name="比亚迪").exists()


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
