"""The benchmark's anchor for the admin's organisation list: Django's stock admin of the same list, beside ours."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

pytestmark = pytest.mark.urls("default_admin")


def listed(response) -> list[str]:
    return [str(obj) for obj in response.context["cl"].result_list]


def test_the_stock_admin_lists_and_finds_the_organisations_the_registrys_admin_does(seeded, editor_client):
    ours = editor_client.get("/admin/members/organisation/?status=all&q=联想")
    stock = editor_client.get("/default-admin/members/organisation/?q=联想")
    assert stock.status_code == ours.status_code == 200
    assert listed(stock) == listed(ours) != []
    assert "联想" in stock.content.decode()


def test_the_stock_admin_uses_djangos_own_paging_and_search(seeded, editor_client):
    changelist = editor_client.get("/default-admin/members/organisation/?q=lenovo").context["cl"]
    assert type(changelist.paginator).__module__ == "django.core.paginator"
    assert changelist.full_result_count is not None  # it counts every organisation, as Django does unless told
    assert changelist.result_count >= 1
