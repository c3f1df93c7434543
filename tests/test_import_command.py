"""`manage.py import_members`: its summary, dry run, problems in the user's language, progress and log."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from members.models import Organisation
from tests.conftest import run_failing_import, run_import, snapshot


def test_import_members_summary_counts_created_updated_unchanged(seeded):
    with translation.override("en"):
        out, _ = run_import("members-utf8.csv")
        assert "created 2, updated 1, unchanged 0, errors 0" in out
        out, _ = run_import("members-gbk.csv")
        assert "created 0, updated 0, unchanged 3, errors 0" in out


def test_import_members_dry_run_writes_nothing(seeded):
    before = snapshot()
    with translation.override("en"):
        out, _ = run_import("members-utf8.csv", "--dry-run")
    assert "created 2, updated 1" in out
    assert snapshot() == before


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
