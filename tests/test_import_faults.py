"""Faults during an import: a killed import writes nothing; two at once make no duplicate organisations."""

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import connection

from tests.conftest import ROOT, manage

TABLES = [
    "members_organisation",
    "members_membership",
    "members_historicalorganisation",
    "members_historicalmembership",
]
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def start_import(database_url, path):
    env = os.environ | {"DATABASE_URL": database_url}
    command = [sys.executable, "manage.py", "import_members", str(path)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def member_file(path, numbers, industry):
    """A member file of one new organisation per number, big enough for the command's progress lines."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "industry", "status", "province", "description"])
    for n in numbers:
        writer.writerow([f"故障测试{n:06d}节能科技有限公司", industry, "active", "江苏", "用于测试中断导入的组织"])
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


@pytest.fixture
def scratch_database(db, tmp_path, request):
    """A migrated, seeded database of its own, outside the test's transaction, that subprocesses can use."""
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    else:
        url = request.getfixturevalue("new_postgres_database")("faults")
    manage(url, "migrate", "-v0")
    manage(url, "seed")
    return url


def query(url, statement):
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(statement).fetchall()
    with psycopg.connect(url) as db:
        return db.execute(statement).fetchall()


def some_industry(url):
    return query(url, "SELECT slug FROM members_industry ORDER BY slug")[0][0]


def counts(url):
    return {table: query(url, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def wait_for_writing(process, timeout=120):
    """Read stderr until the command reports rows written (progress lines end in CR), and return it."""
    seen, deadline = b"", time.monotonic() + timeout
    os.set_blocking(process.stderr.fileno(), False)
    while time.monotonic() < deadline:
        chunk = process.stderr.read()
        if chunk:
            seen += chunk
            if "已写入".encode() in seen:
                return seen.decode()
        elif process.poll() is not None:
            break
        time.sleep(0.01)
    pytest.fail(f"the import never reported writing: {seen.decode(errors='replace')}")


def test_import_killed_while_writing_writes_nothing(scratch_database, tmp_path):
    before = counts(scratch_database)
    # About 0.9 MB: progress is reported every 5,000 rows written, so the kill lands mid-write.
    path = member_file(tmp_path / "members.csv", range(12000), some_industry(scratch_database))

    process = start_import(scratch_database, path)
    try:
        progress = wait_for_writing(process)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    assert "已写入 5000 行" in progress
    assert process.returncode == -signal.SIGKILL
    assert counts(scratch_database) == before


@on_postgresql
def test_overlapping_imports_at_once_make_no_duplicate_organisations(scratch_database, tmp_path):
    industry = some_industry(scratch_database)
    first = member_file(tmp_path / "first.csv", range(0, 3000), industry)
    second = member_file(tmp_path / "second.csv", range(1500, 4500), industry)
    before = counts(scratch_database)["members_organisation"]

    processes = [start_import(scratch_database, first), start_import(scratch_database, second)]
    outcomes = [(p, *p.communicate(timeout=300)) for p in processes]

    for process, _stdout, stderr in outcomes:
        assert b"Traceback" not in stderr
        if process.returncode != 0:
            # The loser is told why in one line and wrote nothing; the winner's rows are all there.
            assert "数据库拒绝了导入" in stderr.decode()
            assert "未导入任何数据" in stderr.decode()
    succeeded = [p.returncode == 0 for p, *_ in outcomes]
    assert any(succeeded)
    duplicates = query(
        scratch_database, "SELECT name_key FROM members_organisation GROUP BY name_key HAVING count(*) > 1"
    )
    assert duplicates == []
    organisations = counts(scratch_database)["members_organisation"]
    if all(succeeded):
        assert organisations == before + 4500
    else:
        assert organisations == before + 3000
        # Run again, the refused file goes in: its overlap is now unchanged rows.
        refused = first if not succeeded[0] else second
        manage(scratch_database, "import_members", str(refused))
        assert counts(scratch_database)["members_organisation"] == before + 4500
