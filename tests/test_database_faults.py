"""A database that hangs or goes away, behind a real TCP forwarder in front of PostgreSQL, under a real gunicorn."""

import subprocess
import sys

import pytest
from django.db import connection

from tests.servers import ROOT, Forwarder, fetch, gunicorn, manage, production_env

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the forwarder stands in front of PostgreSQL"),
    # The gunicorn servers' tests, on one worker of a parallel run.
    pytest.mark.xdist_group("serving"),
]


@pytest.fixture
def served_through_forwarder(db, tmp_path):
    """gunicorn on the test database, reaching PostgreSQL only through a forwarder the test controls."""
    db = connection.settings_dict
    forwarder = Forwarder((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))).start()
    env = production_env(
        tmp_path,
        DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{forwarder.port}/{db['NAME']}",
        PUBLIC_CACHE="0",  # every page asks the database
        WEB_CONCURRENCY="1",
    )
    manage(env, "collectstatic", "--no-input", "-v0")
    with gunicorn(env) as (base, _server):
        yield base, forwarder
    forwarder.stop()


def test_a_hung_database_gives_the_503_page_within_seconds_and_the_site_recovers(served_through_forwarder):
    base, forwarder = served_through_forwarder
    assert fetch(f"{base}/en/governance/")[0] == 200

    forwarder.paused.set()  # connections are taken, and nothing answers
    status, headers, body, seconds = fetch(f"{base}/en/governance/")
    assert (status, headers["Retry-After"]) == (503, "30")
    assert seconds < 8  # the kept connection's health check, then a new connection: 2 s each
    assert "Service unavailable" in body.decode() and "Traceback" not in body.decode()
    status, _, body, seconds = fetch(f"{base}/healthz")
    assert (status, body) == (503, b"database unavailable\n") and seconds < 8
    status, _, body, _ = fetch(f"{base}/zh-hant/governance/")
    assert status == 503 and "暫時無法服務" in body.decode()

    forwarder.paused.clear()
    assert fetch(f"{base}/en/governance/")[0] == 200
    assert fetch(f"{base}/healthz")[:3:2] == (200, b"ok\n")


def test_a_database_that_refuses_connections_gives_the_503_page_at_once_and_the_site_recovers(
    served_through_forwarder,
):
    base, forwarder = served_through_forwarder
    assert fetch(f"{base}/zh-hans/governance/")[0] == 200

    forwarder.stop()  # the port is closed, and every connection through it dropped
    status, _, body, seconds = fetch(f"{base}/zh-hans/governance/")
    assert status == 503 and "暂时无法服务" in body.decode() and seconds < 3
    assert fetch(f"{base}/healthz")[0] == 503

    forwarder.start()
    assert fetch(f"{base}/zh-hans/governance/")[0] == 200
    assert fetch(f"{base}/healthz")[0] == 200


def shell(script: str, **env) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    environment = {k: v for k, v in __import__("os").environ.items() if k != "DATABASE_STATEMENT_TIMEOUT"}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "registry.settings"} | env,
        capture_output=True,
        text=True,
    )


SHOW = "import django; django.setup(); from django.db import connection; c = connection.cursor(); "


def test_web_requests_get_a_short_statement_timeout_and_commands_and_the_worker_a_long_one(db):
    web = shell(
        "exec(open('registry/gunicorn.conf.py').read()); "
        + SHOW
        + "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    )
    assert web.stdout.strip() == "5s", web.stderr
    command = shell(SHOW + "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])")
    assert command.stdout.strip() == "5min", command.stderr


def test_a_statement_running_past_the_timeout_is_ended(db):
    result = shell(SHOW + "c.execute('SELECT pg_sleep(10)')", DATABASE_STATEMENT_TIMEOUT="2")
    assert result.returncode != 0
    assert "canceling statement due to statement timeout" in result.stderr
