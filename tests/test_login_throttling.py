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


def test_password_spraying_from_one_address_locks_it_for_every_account(client, editor, settings, caplog):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    for n in range(19):
        assert attempt(client, "wrong", username=f"guess-{n}").status_code == 200
    with caplog.at_level("WARNING", logger="registry.logins"):
        assert attempt(client, "wrong", username="guess-19").status_code == 429
    # Every account is closed to that address now, the right password included; another address is not.
    assert attempt(client, "correct horse battery").status_code == 429
    assert attempt(client, "correct horse battery", address="10.0.0.2").status_code == 302
    locked = [(r.username, r.remote_addr) for r in caplog.records if getattr(r, "event", None) == "login_locked_out"]
    assert locked == [("guess-19", "10.0.0.1"), ("editor", "10.0.0.1")]


def test_a_failed_login_below_the_limit_is_logged_with_its_account_and_address(client, editor, caplog):
    with caplog.at_level("INFO", logger="registry.logins"):
        attempt(client, "wrong", address="203.0.113.7")
        attempt(client, "correct horse battery", address="203.0.113.7")
    records = [r for r in caplog.records if r.name == "registry.logins"]
    assert [(r.event, r.username, r.remote_addr) for r in records] == [
        ("login_failed", "editor", "203.0.113.7"),
        ("login_succeeded", "editor", "203.0.113.7"),
    ]
    assert records[0].failures == 1


def test_a_sign_in_is_turned_away_unchecked_while_every_password_check_slot_is_busy(client, editor, caplog):
    from axes.models import AccessAttempt

    from registry.logins import password_check_slot

    with password_check_slot() as slot, caplog.at_level("WARNING", logger="registry.logins"):
        assert slot == 0
        busy = attempt(client, "correct horse battery")
    assert busy.status_code == 429
    assert busy["Retry-After"] == "5"
    assert "此刻登录的人过多" in busy.content.decode()  # "too many people are signing in at this moment"
    assert [r.event for r in caplog.records if r.name == "registry.logins"] == ["login_throttled"]
    assert not AccessAttempt.objects.exists()  # not counted against the account: it was never checked
    assert attempt(client, "correct horse battery").status_code == 302  # the slot is free again


def test_a_superuser_sees_an_address_lockout_and_lifts_it(client, admin_client, editor):
    from axes.models import AccessAttempt

    for n in range(20):
        attempt(client, "wrong", username=f"guess-{n}")
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin_client.get(changelist, {"locked_out": "yes"}, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert page.count("地址已锁定") == 20  # "address locked out", on each of its accounts' rows

    one = AccessAttempt.objects.filter(ip_address="10.0.0.1").first()
    admin_client.post(changelist, {"action": "unlock_addresses", "_selected_action": [one.pk]})
    assert not AccessAttempt.objects.filter(ip_address="10.0.0.1").exists()
    assert attempt(client, "correct horse battery").status_code == 302


def test_only_a_superuser_may_see_or_lift_lockouts(client, editor):
    from django.contrib.auth.models import Permission

    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="axes"))
    client.force_login(editor)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_passwords_are_hashed_as_django_hashes_them_at_a_low_cpu_priority(monkeypatch):
    import os

    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from registry.logins import YieldingPBKDF2PasswordHasher

    niceness = []
    real = PBKDF2PasswordHasher.encode
    monkeypatch.setattr(PBKDF2PasswordHasher, "iterations", 1000)
    monkeypatch.setattr(
        PBKDF2PasswordHasher,
        "encode",
        lambda self, *a: niceness.append(os.getpriority(os.PRIO_PROCESS, 0)) or real(self, *a),
    )
    encoded = YieldingPBKDF2PasswordHasher().encode("correct horse", "salt1234")
    assert niceness == [10] and os.getpriority(os.PRIO_PROCESS, 0) < 10  # the hashing thread's, not the worker's
    assert PBKDF2PasswordHasher().verify("correct horse", encoded)
