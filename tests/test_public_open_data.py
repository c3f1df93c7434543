import csv
import io
import json
import re

import pytest
from django.urls import reverse

from governance.models import Position
from members.models import Membership, Organisation
from records.sitemaps import PublicSitemap
from tests.conftest import add_membership, form_data


def read_csv(client):
    response = client.get("/open-data/members.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.getvalue()
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_open_data_csv_lists_the_public_directory(client, seeded):
    rows = read_csv(client)
    assert len(rows) == 16
    lenovo = next(row for row in rows if row["slug"] == "lenovo-group")
    assert lenovo["name"] == "聯想集團"
    assert lenovo["name_hans"] == "联想集团"
    assert lenovo["name_en"] == "Lenovo Group"
    assert lenovo["industry"] == "電子信息"
    assert lenovo["sector_en"] == "Electronics and information"
    assert lenovo["since"] == "2017-07-22"
    assert lenovo["url"] == "http://testserver/zh-hans/members/lenovo-group/"
    assert "notes" not in lenovo


def test_open_data_csv_cells_cannot_start_a_formula(client, industry):
    for n, name in enumerate(["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tTab"]):
        organisation = Organisation.objects.create(name=f"公司{n}", name_en=name, industry=industry, slug=f"o{n}")
        add_membership(organisation=organisation, status=Membership.Status.ACTIVE)
    rows = read_csv(client)
    assert {row["name_en"] for row in rows} == {"'+1", "'-2", "'=HYPERLINK(1)", "'@SUM(A1)", "'\tTab"}


def test_open_data_json_lists_the_public_directory(client, seeded):
    response = client.get("/open-data/members.json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.getvalue())
    assert len(data["members"]) == 16
    huawei = next(row for row in data["members"] if row["name_en"] == "Huawei")
    assert huawei["name_hant"] == "華為"
    assert huawei["is_founding"] is True
    assert huawei["industry_en"] == "Electronics and information"


def test_open_data_leaves_out_members_who_are_not_active(client, active_member):
    for status in ("applied", "suspended", "withdrawn"):
        organisation = Organisation.objects.create(name=f"{status}公司", name_en=f"{status} company")
        add_membership(organisation=organisation, status=status)
    assert [row["slug"] for row in read_csv(client)] == [active_member.slug]
    members = json.loads(client.get("/open-data/members.json").getvalue())["members"]
    assert [row["slug"] for row in members] == [active_member.slug]


def sitemap_locations(client, pattern: str) -> list[str]:
    """The addresses every sitemap the index lists gives, with the part of each sitemap given by ``pattern``."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    found = []
    for sitemap in re.findall(r"<loc>http://testserver(/[^<]*)</loc>", index.content.decode()):
        response = client.get(sitemap.replace("&amp;", "&"))
        assert response.status_code == 200, sitemap
        found += re.findall(pattern, response.content.decode())
    return found


def test_sitemap_lists_every_public_page_in_every_language(client, seeded):
    locations = set(sitemap_locations(client, r"<loc>http://testserver(/[^<]*)</loc>"))
    for language in ("zh-hans", "zh-hant", "en"):
        for path in ["/", "/members/", "/governance/", "/members/lenovo-group/", "/members/industries/e-commerce/"]:
            assert f"/{language}{path}" in locations
    ministry = Organisation.objects.get(name="工業和信息化部")
    assert f"/en/members/{ministry.slug}/" not in locations
    alternates = sitemap_locations(client, r'hreflang="zh-hant" href="http://testserver(/[^"]*)"')
    assert "/zh-hant/members/lenovo-group/" in alternates
    chairman = Position.objects.get(name="理事長")
    assert f"/zh-hant/governance/positions/{chairman.pk}/" in locations
    # 3 pages, 7 industries, 16 members and 6 positions, each in three languages.
    assert len(locations) == (3 + 7 + 16 + 6) * 3


def test_a_large_sitemap_is_split_into_pages_the_index_lists(client, seeded, monkeypatch):
    monkeypatch.setattr(PublicSitemap, "limit", 10)
    members = sitemap_locations(client, r"<loc>http://testserver/\w[\w-]*/members/([\w-]+)/</loc>")
    slugs = set(Organisation.objects.members().values_list("slug", flat=True))
    assert len(members) == len(slugs) * 3  # each member once in each language, none on two pages
    assert set(members) == slugs
    assert "/sitemap-members.xml?p=5" in client.get("/sitemap.xml").content.decode()  # 48 addresses, 10 a page


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.parametrize("address", ["/open-data/members.csv", "/open-data/members.json"])
def test_open_data_is_sent_as_it_is_read_and_not_again_until_the_data_changes(editor_client, active_member, address):
    client = editor_client
    response = client.get(address)
    assert response.streaming  # not held whole in memory: at 100,000 members the files are tens of megabytes
    etag = response["ETag"]
    assert client.get(address, HTTP_IF_NONE_MATCH=etag).status_code == 304
    change = reverse("admin:members_organisation_change", args=[active_member.pk])
    assert client.post(change, form_data(client.get(change)) | {"name_en": "Lenovo Renamed"}).status_code == 302
    changed = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Lenovo Renamed" in changed.getvalue().decode("utf-8-sig")
