import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Person, Position, Term
from members.models import Industry, Organisation, Sector
from members.quality import loose_key
from tests.conftest import FOUNDING_DAY, add_membership, form_data


def panels(client):
    return client.get(reverse("admin:index")).context["panels"]


def test_dashboard_counts_members_per_sector_and_status(editor_client, english, active_member):
    sector = Sector.objects.create(name="電子", slug="electronic")
    Industry.objects.filter(pk=active_member.industry_id).update(sector=sector)
    applicant = Organisation.objects.create(name="新申請公司")
    add_membership(organisation=applicant, status="applied")
    data = panels(editor_client)
    assert (sector, 1) in data["members_per_sector"]
    assert ("active", "active", 1) in [(v, str(label), n) for v, label, n in data["members_per_status"]]
    assert [m.organisation for m in data["applications"]] == [applicant]


def test_dashboard_counts_each_organisation_once_by_status_as_its_link_lists_them(editor_client, english, industry):
    rejoined = Organisation.objects.create(name="重新入會公司", industry=industry)
    add_membership(organisation=rejoined, status="withdrawn", since=FOUNDING_DAY, until=FOUNDING_DAY)
    add_membership(organisation=rejoined, status="active", since=FOUNDING_DAY)
    left = Organisation.objects.create(name="退出公司", industry=industry)
    add_membership(organisation=left, status="withdrawn", since=FOUNDING_DAY, until=FOUNDING_DAY)
    counts = {value: n for value, _label, n in panels(editor_client)["members_per_status"]}
    assert (counts["active"], counts["withdrawn"]) == (1, 1)
    listed = editor_client.get(reverse("admin:members_organisation_changelist"), {"status": "withdrawn"})
    assert listed.context["cl"].result_count == counts["withdrawn"]


def test_dashboard_lists_terms_ending_within_90_days(editor_client, chairman, person, organisation):
    today = timezone.localdate()
    soon = Term.objects.create(
        position=chairman, person=person, started_on=FOUNDING_DAY, ended_on=today + datetime.timedelta(days=30)
    )
    other = Position.objects.create(body=chairman.body, name="秘書長", rank=2)
    Term.objects.create(
        position=other, organisation=organisation, started_on=FOUNDING_DAY, ended_on=today + datetime.timedelta(days=91)
    )
    assert panels(editor_client)["terms_ending"] == [soon]


def test_dashboard_lists_vacant_single_seat_positions(editor_client, chairman, person):
    assert panels(editor_client)["vacant_positions"] == [chairman]
    add_term = reverse("admin:governance_term_add")
    added = form_data(editor_client.get(add_term))
    added |= {"position": chairman.pk, "person": person.pk, "started_on": FOUNDING_DAY.isoformat()}
    assert editor_client.post(add_term, added).status_code == 302
    assert Term.objects.filter(position=chairman).exists()
    assert panels(editor_client)["vacant_positions"] == []


def test_dashboard_data_quality(editor_client, english, organisation):
    Organisation.objects.create(name="聯想集團有限公司", credit_code="91110000600037341L")
    Organisation.objects.filter(name="聯想集團有限公司").update(credit_code="91110000600037341X")
    Organisation.objects.create(name="無行業機構")
    data = panels(editor_client)
    counts = {problem: n for problem, _label, n in data["quality"]}
    assert counts == {"no_code": 2, "bad_code": 1, "duplicate_code": 0, "no_industry": 2, "duplicate_name": 2}
    assert [{o.name for o in group} for group in data["likely_duplicates"]] == [{"聯想集團", "聯想集團有限公司"}]
    content = editor_client.get(reverse("admin:index")).content.decode()
    assert "likely duplicate name" in content and "聯想集團有限公司" in content


def test_dashboard_links_open_the_rows_to_fix(editor_client, organisation):
    Organisation.objects.create(name="另一機構", industry=organisation.industry, credit_code="91110000600037341L")
    url = reverse("admin:members_organisation_changelist")
    response = editor_client.get(url, {"status": "all", "quality": "no_code"})
    assert [o.name for o in response.context["cl"].result_list] == ["聯想集團"]


@pytest.mark.parametrize(
    ("a", "b"),
    [("聯想集團", "联想集团有限公司"), ("中国石化", "中國石化股份有限公司"), ("华为（中国）", "華為")],
)
def test_loose_key_matches_names_that_differ_by_legal_form(a, b):
    assert loose_key(a) == loose_key(b)


def test_loose_key_keeps_different_names_apart():
    assert loose_key("聯想集團") != loose_key("聯通集團")


def test_viewer_sees_the_dashboard(viewer_client, organisation):
    assert panels(viewer_client)["quality"][0][2] == 1


def test_staff_without_a_role_sees_no_dashboard(client, organisation):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("intern", is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["panels"] is None
    assert "缺少信用代码" not in response.content.decode()


def test_dashboard_lists_the_oldest_applications_and_counts_them_all(editor_client, english):
    for n in range(12):
        add_membership(organisation=Organisation.objects.create(name=f"申請機構{n:02d}"), status="applied")
    data = panels(editor_client)
    assert [m.organisation.name for m in data["applications"]] == [f"申請機構{n:02d}" for n in range(10)]
    assert data["applications_count"] == 12
    assert "Review all 12 applications" in editor_client.get(reverse("admin:index")).content.decode()


def test_dashboard_lists_the_first_terms_ending_and_links_to_them_all(editor_client, english, council):
    today = timezone.localdate()
    members = Position.objects.create(body=council, name="理事", rank=9, seats=20)
    for n in range(12):
        person = Person.objects.create(name=f"張{n:02d}")
        Term.objects.create(
            position=members, person=person, started_on=FOUNDING_DAY, ended_on=today + datetime.timedelta(days=n + 1)
        )
    data = panels(editor_client)
    assert [term.ended_on for term in data["terms_ending"]] == [
        today + datetime.timedelta(days=n + 1) for n in range(10)
    ]
    content = editor_client.get(reverse("admin:index")).content.decode()
    link = re.search(r'<a href="([^"]*)">All 12 terms</a>', content).group(1).replace("&amp;", "&")
    assert editor_client.get(link).context["cl"].result_count == 12
