import ipaddress

import pytest
from django.urls import reverse

LOGIN = reverse("admin:login")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="correct horse battery", is_staff=True)


def attempt(client, password, address="10.0.0.1", username="editor"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def test_five_failed_logins_lock_that_account_from_that_address(client, editor, caplog):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    with caplog.at_level("WARNING", logger="axes"):
        locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()  # "too many failed logins", in the admin's language
    [lockout] = [r.getMessage() for r in caplog.records if "locking out" in r.getMessage().lower()]
    assert "editor" in lockout and "10.0.0.1" in lockout

    assert attempt(client, "correct horse battery").status_code == 429  # even the right password, for now


def test_lockout_leaves_the_same_account_free_from_another_address(client, editor):
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, "correct horse battery", address="10.0.0.2").status_code == 302


def test_a_successful_login_resets_the_failure_count(client, editor):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "correct horse battery").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200


def through_proxy(client, password, forwarded_for, proxy="10.0.0.9"):
    """A login passed on by a proxy at ``proxy``, which appends the address it saw to X-Forwarded-For."""
    return client.post(
        LOGIN,
        {"username": "editor", "password": password, "next": "/admin/"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_a_trusted_proxy_a_lockout_holds_only_the_client_that_failed(client, editor, settings, caplog):
    settings.FORWARDED_ALLOW_IPS = [ipaddress.ip_network("10.0.0.0/24")]
    for _ in range(4):
        through_proxy(client, "wrong", "203.0.113.5")
    with caplog.at_level("WARNING", logger="axes"):
        assert through_proxy(client, "wrong", "203.0.113.5").status_code == 429
    assert any("203.0.113.5" in r.getMessage() for r in caplog.records if "locking out" in r.getMessage().lower())
    # The same account is free for the secretariat at another address, behind the same proxy.
    assert through_proxy(client, "correct horse battery", "198.51.100.7").status_code == 302


def test_a_client_cannot_escape_a_lockout_by_forging_x_forwarded_for(client, editor, settings):
    settings.FORWARDED_ALLOW_IPS = [ipaddress.ip_network("10.0.0.0/24")]
    for n in range(5):
        # The client writes an address of its own; the proxy appends the one it really came from.
        through_proxy(client, "wrong", f"192.0.2.{n}, 203.0.113.5")
    assert through_proxy(client, "correct horse battery", "192.0.2.99, 203.0.113.5").status_code == 429


def test_x_forwarded_for_is_ignored_from_an_address_that_is_no_proxy(client, editor, settings):
    settings.FORWARDED_ALLOW_IPS = [ipaddress.ip_network("10.0.0.0/24")]
    for n in range(5):
        through_proxy(client, "wrong", f"192.0.2.{n}", proxy="203.0.113.5")
    assert through_proxy(client, "correct horse battery", "192.0.2.99", proxy="203.0.113.5").status_code == 429
