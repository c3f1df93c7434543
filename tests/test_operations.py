import contextlib
import json
import logging
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from psycopg import sql

import registry.urls
from members.models import Organisation
from registry.logs import JSONFormatter


@contextlib.contextmanager
def database_down():
    """Refuse new sessions on the test database and kill the open ones, as an outage does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), current_database()")
        own, name = cursor.fetchone()
    with psycopg.connect(**{**connection.get_connection_params(), "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name)))
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
            [name, own],
        )
        try:
            yield
        finally:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name)))


def get(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def count_organisations(request):
    return HttpResponse(str(Organisation.objects.count()))


urlpatterns = [path("count/", count_organisations), *registry.urls.urlpatterns]


@pytest.mark.urls(__name__)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="an SQLite file cannot go away under a live connection")
def test_database_going_away_gives_503_then_the_site_recovers(live_server):
    assert get(f"{live_server.url}/count/")[0] == 200

    with database_down():
        status, body, headers = get(f"{live_server.url}/count/")
        assert status == 503
        assert "暂时无法服务" in body  # "service unavailable", in the default language (the page has no prefix)
        assert headers["Retry-After"] == "30"
        assert get(f"{live_server.url}/healthz")[:2] == (503, "database unavailable\n")

    assert get(f"{live_server.url}/count/")[0] == 200
    assert get(f"{live_server.url}/healthz")[0] == 200


def test_responses_carry_a_same_origin_content_security_policy(client, db):
    response = client.get("/healthz")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_each_request_is_logged_as_one_structured_record(admin_client, caplog):
    with caplog.at_level("INFO", logger="registry.requests"):
        admin_client.get("/healthz")
    [record] = [r for r in caplog.records if r.name == "registry.requests"]
    assert (record.method, record.path, record.status, record.user) == ("GET", "/healthz", 200, "admin")
    assert record.duration_ms >= 0


def test_the_request_log_names_the_client_behind_the_local_proxy_not_the_proxy(client, db, caplog):
    with caplog.at_level("INFO", logger="registry.requests"):
        client.get("/healthz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
        client.get("/healthz", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
    logged = [r.remote_addr for r in caplog.records if r.name == "registry.requests"]
    assert logged == ["203.0.113.5", "198.51.100.7"]  # the second came from no proxy: its header is not believed


def test_json_formatter_writes_one_json_object_with_the_extra_fields():
    record = logging.makeLogRecord(
        {"name": "registry.requests", "msg": "GET / 200", "levelname": "INFO", "path": "/", "status": 200}
    )
    entry = json.loads(JSONFormatter().format(record))
    assert entry["message"] == "GET / 200"
    assert (entry["path"], entry["status"], entry["level"]) == ("/", 200, "INFO")
