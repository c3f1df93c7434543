import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse

REGISTRY_MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"records", "alliance", "members", "contacts", "governance"}
    and not model.__name__.startswith("Historical")
]


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_every_registry_model_is_in_the_admin():
    assert REGISTRY_MODELS
    missing = [model.__name__ for model in REGISTRY_MODELS if not admin.site.is_registered(model)]
    assert missing == []


# The article names no contact people: tests/test_contacts.py opens their pages.
SEEDED_MODELS = [model for model in REGISTRY_MODELS if model._meta.app_label != "contacts"]


@pytest.mark.parametrize("model", SEEDED_MODELS, ids=lambda m: m.__name__)
def test_admin_lists_and_opens_the_seeded_rows(admin_client, seeded, model):
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    first = model.objects.first()
    change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk])
    assert admin_client.get(change).status_code == 200


def test_admin_shows_the_seeded_alliance(admin_client, seeded):
    response = admin_client.get(reverse("admin:alliance_alliance_changelist"))
    assert "中國綠色制造聯盟" in response.content.decode()


def test_admin_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("admin:members_organisation_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_dev_admin_prints_a_login_that_works(client, db, capsys, settings):
    settings.DEBUG = True
    call_command("dev_admin")
    password = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    response = client.post(reverse("admin:login"), {"username": "admin", "password": password, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_dev_admin_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("dev_admin")
