"""Whatever a file holds, the import parser answers with problems to read, never an exception, and writes nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members import transfer
from members.models import Industry, Membership, Organisation
from members.transfer import COLUMNS, ImportResult, import_members

fuzz = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ENCODINGS = ["utf-8", "gb18030", "big5", "utf-16"]
HEADERS = [c.key for c in COLUMNS] + [c.label for c in COLUMNS]


def check(data: bytes, filename: str = "members.csv") -> ImportResult:
    before = Organisation.objects.count(), Membership.objects.count()
    result = import_members(data, filename=filename, dry_run=True)
    assert isinstance(result, ImportResult)
    for problem in result.problems:
        assert str(problem).strip()
    assert (Organisation.objects.count(), Membership.objects.count()) == before
    return result


def csv_bytes(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


@fuzz
@given(data=st.binary(max_size=4096), filename=st.sampled_from(["members.csv", "members.xlsx", "members", "x.txt"]))
def test_import_random_bytes_give_problems_not_exceptions(seeded, data, filename):
    check(data, filename)


@fuzz
@given(text=st.text(max_size=2000), encoding=st.sampled_from(ENCODINGS))
def test_import_random_text_in_any_encoding_gives_problems_not_exceptions(seeded, text, encoding):
    check(text.encode(encoding, errors="replace"))


@fuzz
@given(
    headers=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=20)), max_size=20),
    rows=st.lists(st.lists(st.text(max_size=40), max_size=20), max_size=10),
    encoding=st.sampled_from(ENCODINGS),
)
def test_import_random_headers_and_cells_give_problems_not_exceptions(seeded, headers, rows, encoding):
    check(csv_bytes([headers, *rows], encoding))


@pytest.mark.parametrize("column", ["name", "description", "industry", "credit_code", "website"])
def test_import_a_huge_cell_is_refused_with_a_message(seeded, column):
    row = {"name": "巨大单元格测试有限公司", "industry": Industry.objects.first().name, column: "绿" * 1_000_000}
    result = check(csv_bytes([list(row), list(row.values())]))

    assert result.errors
    [problem] = result.errors
    assert "131072" in str(problem)


def test_import_a_hundred_thousand_columns_are_reported_not_crashed_on(seeded):
    headers = ["name", "industry"] + [f"extra{i}" for i in range(100_000)]
    industry = Industry.objects.first().name
    result = check(csv_bytes([headers, ["十万列测试有限公司", industry] + [""] * 100_000]))

    assert not result.errors
    assert len(result.warnings) == 100_000


def test_import_a_twenty_megabyte_file_is_checked_row_by_row(seeded):
    rows = [["name", "industry", "description"]]
    rows += [[f"大文件测试{n:07d}有限公司", "没有这个行业", "简介" * 40] for n in range(80_000)]
    data = csv_bytes(rows)
    assert len(data) > 20_000_000

    result = check(data)

    assert len(result.errors) == 80_000


def admin_upload(client, upload):
    """The admin's import form posted with ``upload``, in English."""
    with translation.override("en"):  # The request activates English; leave the thread as it was.
        return client.post(
            "/admin/members/organisation/import/",
            {"resource": 0, "format": 0, "import_file": upload},
            HTTP_ACCEPT_LANGUAGE="en",
        )


def member_rows(count: int, *, trailing: str = "") -> SimpleUploadedFile:
    rows = "".join(f"超多行測試{n}有限公司,電子信息\n" for n in range(count))
    return SimpleUploadedFile("rows.csv", ("name,industry\n" + rows + trailing).encode(), "text/csv")


def test_admin_import_refuses_an_oversize_file_with_a_message(seeded, admin_client, settings):
    settings.IMPORT_MAX_UPLOAD_SIZE = 1024 * 1024
    header = b"name,industry\n"
    upload = SimpleUploadedFile("big.csv", header + "超大文件测试有限公司,钢铁\n".encode() * 40_000, "text/csv")
    before = Organisation.objects.count()

    response = admin_upload(admin_client, upload)

    assert response.status_code == 200
    assert "the admin imports files of at most 1.0\xa0MB" in response.content.decode()
    assert "manage.py import_members" in response.content.decode()
    assert Organisation.objects.count() == before


def test_admin_import_refuses_a_file_of_more_rows_than_it_checks_in_time(seeded, admin_client, settings):
    settings.IMPORT_MAX_ROWS = 3
    before = Organisation.objects.count()

    response = admin_upload(admin_client, member_rows(4, trailing="\n,\n"))  # blank rows are not counted

    assert "This file has more than 3 rows, the most the admin imports at a time" in response.content.decode()
    assert "manage.py import_members" in response.content.decode()
    assert Organisation.objects.count() == before


def test_admin_import_counts_a_file_no_further_than_one_row_past_the_cap(seeded, admin_client, settings, monkeypatch):
    settings.IMPORT_MAX_ROWS = 3

    def rows_of_a_huge_file(data, **kwargs):
        yield ["name", "industry"]
        for n in range(4):
            yield [f"超多行測試{n}有限公司", "電子信息"]
        raise AssertionError("read past the cap")  # as a small XLSX file unpacking to millions of rows

    monkeypatch.setattr(transfer, "read_rows", rows_of_a_huge_file)

    response = admin_upload(admin_client, member_rows(10))

    assert "This file has more than 3 rows" in response.content.decode()


def test_admin_import_takes_a_file_of_as_many_rows_as_it_checks_in_time(seeded, admin_client, settings):
    settings.IMPORT_MAX_ROWS = 3
    response = admin_upload(admin_client, member_rows(3))
    assert [row.import_type for row in response.context["result"].rows] == ["new", "new", "new"]
