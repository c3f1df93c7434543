"""Production settings come from the environment, and bad values fail loudly."""

import os

import pytest
from django.db import connection

from tests.conftest import manage_process


def manage_with(*args, **env):
    """``manage.py`` in a clean, production-like environment: the suite's less DEBUG and SECRET_KEY, plus ``env``."""
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return manage_process(*args, env={k: v for k, v in os.environ.items() if k not in unset} | env)


def test_production_refuses_to_start_without_a_secret_key():
    result = manage_with("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = manage_with(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "a-long-random-secret-for-tests-0123456789",
        ALLOWED_HOSTS="registry.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_setting_that_is_not_a_boolean_is_refused():
    result = manage_with("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_a_proxy_address_that_is_not_an_address_is_refused():
    result = manage_with("check", FORWARDED_ALLOW_IPS="10.0.0.1, proxy.internal")
    assert result.returncode != 0
    assert "FORWARDED_ALLOW_IPS: 'proxy.internal' does not appear to be an IPv4 or IPv6 network" in result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.parametrize("setting, prepared", [("1", True), ("", False)])
def test_postgresql_plans_a_query_used_again_once_when_turned_on(setting, prepared):
    db = connection.settings_dict
    script = (
        "from django.db import connection\n"
        "for _ in range(6): connection.cursor().execute('SELECT id FROM members_sector WHERE id = %s', [1])\n"
        "cursor = connection.cursor()\n"
        "cursor.execute('SELECT count(*) FROM pg_prepared_statements')\n"
        "print(cursor.fetchone()[0])"
    )
    address = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    result = manage_with(
        "shell", "--no-imports", "-c", script, DATABASE_URL=address, DATABASE_PREPARED_STATEMENTS=setting
    )
    assert result.returncode == 0, result.stderr
    assert (int(result.stdout) > 0) is prepared
