"""Exports of the member list, by command and from the admin: what they hold, formula cells made safe, round trips."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from members import transfer
from members.models import Organisation
from tests.conftest import IMPORT_URL, export_members, run_import, snapshot
from tests.test_admin_jobs import admin_export


def test_export_members_writes_utf8_with_bom_and_only_active_members(seeded, tmp_path):
    run_import("members-utf8.csv")
    data = export_members(tmp_path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["名称", "英文名称"]
    exported = {row[0] for row in rows[1:]}
    assert "比亚迪股份有限公司" in exported
    assert "浙江吉利控股集团" not in exported  # applied, not active
    assert "工業和信息化部" not in exported  # not a member
    everyone = {
        row[0]
        for row in csv.reader(
            io.StringIO(export_members(tmp_path, "--all").read_bytes().decode("utf-8-sig"), newline="")
        )
    }
    assert {"浙江吉利控股集团", "工業和信息化部"} <= everyone


def test_export_members_xlsx_opens_with_headers_and_rows(seeded, tmp_path):
    run_import("members.xlsx")
    book = openpyxl.load_workbook(export_members(tmp_path, name="members.xlsx"))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "名称"
    assert any(row[0] == "比亚迪股份有限公司" for row in rows[1:])


def test_export_members_neutralises_formula_cells(seeded, tmp_path):
    run_import("formula.csv")
    assert Organisation.objects.filter(name='=HYPERLINK("http://x")').exists()
    rows = list(csv.reader(io.StringIO(export_members(tmp_path, "--all").read_bytes().decode("utf-8-sig"), newline="")))
    book = openpyxl.load_workbook(export_members(tmp_path, "--all", name="all.xlsx"))
    for cells in (rows, list(book.active.iter_rows(values_only=True))):
        for row in cells:
            for cell in row:
                assert not str(cell or "").startswith(("=", "+", "-", "@", "\t", "\r"))
    flat = {cell for row in rows for cell in row}
    assert {'\'=HYPERLINK("http://x")', "'+86", "'-1 吨", "'@SUM(A1)", "'\tTAB", "'\rCR"} <= flat


def test_export_members_then_import_changes_nothing(seeded, tmp_path):
    run_import("members-utf8.csv")
    run_import("formula.csv")
    for name in ("all.csv", "all.xlsx"):
        path = export_members(tmp_path, "--all", name=name)
        before = snapshot()
        with translation.override("en"):
            out, _ = run_import(str(path))
        assert "created 0, updated 0" in out, name
        assert snapshot() == before, name


def test_admin_export_applies_the_changelist_filters(seeded, admin_client, run_worker):
    run_import("members-utf8.csv")
    # status=all: the list shows active members only unless asked, and the ministry is not a member.
    url = "/admin/members/organisation/export/?kind__exact=government&status=all"
    # The export is written by the task worker; its page then offers the file (tests/test_admin_jobs.py).
    content = admin_export(admin_client, run_worker, url)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    exported = {row[0] for row in rows[1:]}
    assert "工業和信息化部" in exported
    assert "比亚迪股份有限公司" not in exported


@pytest.mark.parametrize(("export_format", "name"), [(0, "members.csv"), (1, "members.xlsx")])
def test_an_admin_export_imports_again_unchanged_with_its_line_breaks_and_chinese_headers(
    seeded, admin_client, run_worker, export_format, name
):
    # A description typed in the admin arrives with CRLF; a cell may start with a CR, which export neutralises.
    Organisation.objects.filter(slug="lenovo-group").update(description="第一行\r\n第二行")
    Organisation.objects.filter(slug="huawei").update(description="\r回车开头")
    url = "/admin/members/organisation/export/?status=all"
    exported = admin_export(admin_client, run_worker, url, file_format=export_format, HTTP_ACCEPT_LANGUAGE="zh-CN")
    rows = list(transfer.read_rows(exported, filename=name))
    assert rows[0][:3] == ["名称", "英文名称", "简称"]
    before = snapshot()

    file = SimpleUploadedFile(name, exported)
    preview = admin_client.post(IMPORT_URL, {"resource": 0, "format": export_format, "import_file": file})

    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 0, len(rows) - 1)
    assert snapshot() == before
