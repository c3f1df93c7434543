"""A backup restores into an empty database with every row in it."""

import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.conftest import manage, manage_process

TABLES = ["members_organisation", "members_membership", "governance_term", "alliance_alliance", "alliance_platform"]


def written_backups(output: str) -> list[Path]:
    return [Path(line.split(": ", 1)[1].rsplit(" (", 1)[0]) for line in output.splitlines() if "Backup written" in line]


@pytest.fixture
def scratch_postgres(new_postgres_database):
    """Two empty databases on the test server, dropped afterwards."""
    return [new_postgres_database("backup") for _ in range(2)]


def postgres_counts(url):
    with psycopg.connect(url) as db:
        return {
            table: db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in TABLES
        }


def sqlite_counts(path):
    with sqlite3.connect(path) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL; the SQLite test is below")
def test_postgresql_backup_restores_every_row_into_an_empty_database(db, scratch_postgres, tmp_path):
    live, empty = scratch_postgres
    manage(live, "migrate", "-v0")
    manage(live, "seed")
    [dump] = written_backups(manage(live, "backup", "-o", str(tmp_path)))

    manage(empty, "restore", str(dump))

    assert postgres_counts(empty) == postgres_counts(live)
    assert postgres_counts(empty)["members_organisation"] == 21


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs in the SQLite leg of the suite")
def test_sqlite_backup_restores_every_row_into_an_empty_database(tmp_path):
    live, empty = tmp_path / "live.sqlite3", tmp_path / "empty.sqlite3"
    manage(f"sqlite:///{live}", "migrate", "-v0")
    manage(f"sqlite:///{live}", "seed")
    copy, dump = written_backups(manage(f"sqlite:///{live}", "backup", "-o", str(tmp_path / "backups")))
    assert dump.suffix == ".json" and dump.stat().st_size > 0

    manage(f"sqlite:///{empty}", "restore", str(copy))

    assert sqlite_counts(empty) == sqlite_counts(live)
    assert sqlite_counts(empty)["members_organisation"] == 21


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = manage_process("restore", str(bogus), env=env)
    assert result.returncode == 1
    assert "is not a sqlite backup" in result.stderr
