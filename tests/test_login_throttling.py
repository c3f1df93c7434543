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
