import datetime
import html
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from governance.models import Position, Term
from members import listing, views
from members.models import Industry, Membership, Organisation
from records.caching import bump_public_version
from tests.conftest import add_membership

LANGUAGES = ["zh-hans", "zh-hant", "en"]
SCRIPT = "<script>alert(1)</script>"


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def member(name, industry, status=Membership.Status.ACTIVE, **fields):
    organisation = Organisation.objects.create(name=name, industry=industry, **fields)
    add_membership(organisation=organisation, status=status, since=datetime.date(2020, 1, 1))
    return organisation


@pytest.fixture
def hidden_members(industry):
    """One member in each state the public must not see."""
    return [
        member("申請中公司", industry, Membership.Status.APPLIED, name_en="Applicant Co"),
        member("暫停公司", industry, Membership.Status.SUSPENDED, name_en="Suspended Co"),
        member("退出公司", industry, Membership.Status.WITHDRAWN, name_en="Withdrawn Co"),
    ]


def public_pages(slug_member="lenovo-group", slug_industry="electronics-information"):
    return [
        ("alliance:home", {}),
        ("members:directory", {}),
        ("members:industry", {"slug": slug_industry}),
        ("members:detail", {"slug": slug_member}),
        ("governance:index", {}),
    ]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("zh-TW,zh;q=0.9", "/zh-hant/"), ("en-GB,en;q=0.8", "/en/"), ("zh-CN", "/zh-hans/"), ("", "/zh-hans/")],
)
def test_root_redirects_by_accept_language(client, db, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_every_public_page_answers_in_every_language(client, seeded):
    tags = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}
    for name, kwargs in public_pages():
        for language in LANGUAGES:
            response = client.get(url(name, language, **kwargs))
            assert response.status_code == 200, (name, language)
            page = response.content.decode()
            assert f'<html lang="{tags[language]}">' in page
            assert 'href="#main"' in page and 'id="main"' in page
            for other in LANGUAGES:
                assert f'href="{url(name, other, **kwargs)}"' in page, f"no switch to {other}"


def headings(page: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[ >]", page)]


def test_public_page_headings_descend_in_order(client, seeded):
    for name, kwargs in public_pages():
        levels = headings(client.get(url(name, "en", **kwargs)).content.decode())
        assert levels[0] == 1 and levels.count(1) == 1, name
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (name, levels)


def test_home_shows_the_alliance_in_the_pages_script(client, seeded):
    hant = client.get("/zh-hant/").content.decode()
    for text in [
        "中國綠色制造聯盟",
        "工業和信息化部",
        "中國工程院",
        "綠色制造國際合作平臺",
        "楊元慶",
        "理事長",
        "中國制造2025",
        "聯盟各方領導和專家分享關於綠色制造的真知灼見",
    ]:
        assert text in hant
    hans = client.get("/zh-hans/").content.decode()
    for text in [
        "中国绿色制造联盟",
        "工业和信息化部",
        "杨元庆",
        "理事长",
        "成立大会",
        "中国制造2025",
        "联想集团的绿色制造实践探索",
        "联盟各方领导和专家分享关于绿色制造的真知灼见",
    ]:
        assert text in hans
    assert "楊元慶" not in hans


def test_home_shows_the_alliance_in_english(client, seeded):
    page = client.get("/en/").content.decode()
    for text in [
        "China Green Manufacturing Alliance",
        "Ministry of Industry and Information Technology",
        "Chinese Academy of Engineering",
        "Green manufacturing + Internet platform",
        "Yang Yuanqing",
        "Made in China 2025",
        "Founding Assembly of the China Green Manufacturing Alliance",
        "The alliance's founding ceremony, at which its leaders and experts share their insights",
    ]:
        assert html.escape(text) in page, text
    assert "真知灼見" not in page and "真知灼见" not in page  # the assembly's description, in English only


def test_home_counts_members_per_sector_with_an_other_group(client, seeded):
    page = client.get("/en/").content.decode()
    counts = dict(re.findall(r"<li><span>([^<]+)</span> <span class=\"count\">(\d+)</span></li>", page))
    assert counts["Electronics and information"] == "4"
    assert counts["Light industry"] == "3"
    assert counts["Steel"] == "0"
    # Heavy industry, auto parts and e-commerce fit no single sector: 2 + 1 + 1.
    assert counts["Other industries"] == "4"
    assert "16 active members" in page


def test_directory_lists_lenovo_under_electronics(client, seeded):
    page = client.get("/zh-hant/members/").content.decode()
    section = page[page.index("電子信息") :]
    section = section[: section.index("</section>")]
    for name in ["聯想集團", "華為", "中國電科集團", "小米"]:
        assert name in section
    assert url("members:industry", "zh-hant", slug="electronics-information") in section
    assert "格力" not in section


def test_industry_page_lists_its_members_in_pinyin_order_paginated(client, industry):
    for name in ["中國", "安徽", "北京", "長沙"] + [f"測試{n:02d}" for n in range(21)]:
        member(name, industry)
    first = client.get(url("members:industry", "en", slug=industry.slug)).content.decode()
    listed = re.findall(r'<li><a href="/en/members/[^/]+/">([^<]+)</a>', first)
    assert listed[:3] == ["安徽", "北京", "测试00"]
    assert len(listed) == 20
    assert "Page 1 of 2" in first
    second = client.get(url("members:industry", "en", slug=industry.slug) + "?page=2").content.decode()
    listed_second = re.findall(r'<li><a href="/en/members/[^/]+/">([^<]+)</a>', second)
    assert len(listed_second) == 5
    assert listed_second[-1] == "中国"


def test_directory_shows_at_most_ten_members_per_industry_and_links_to_the_rest_with_the_count(client, industry):
    for n in range(12):
        member(f"測試{n:02d}", industry)
    page = client.get(url("members:directory", "en")).content.decode()
    listed = re.findall(r'<li><a href="/en/members/[^/]+/">([^<]+)</a>', page)
    assert listed == [f"测试{n:02d}" for n in range(10)]
    link = url("members:industry", "en", slug=industry.slug)
    assert f'<a href="{link}">All 12 members</a>' in page


def test_directory_shows_no_link_to_the_rest_when_an_industry_is_listed_whole(client, industry):
    member("測試", industry)
    page = client.get(url("members:directory", "en")).content.decode()
    assert "All 1 member" not in page


def test_directory_counts_unclassified_members_and_shows_the_first_ten(client, db):
    for n in range(11):
        member(f"未分類{n:02d}", None)
    page = client.get(url("members:directory", "en")).content.decode()
    section = page[page.index('id="unclassified"') :]
    assert '<span class="count" title="Active members">11</span>' in section
    assert len(re.findall(r'<li><a href="/en/members/', section)) == 10
    assert "The first of 11 members" in section


def test_governance_past_terms_are_paginated_latest_first(client, seeded):
    position = Position.objects.create(name="顧問", name_en="Adviser", rank=9, seats=100)
    holder = Organisation.objects.get(name="華為")
    for n in range(55):
        start = datetime.date(1950 + n, 1, 1)
        Term.objects.create(position=position, organisation=holder, started_on=start, ended_on=start.replace(month=6))
    first = client.get(url("governance:index", "en")).content.decode()
    past = first[first.index('id="past-terms"') :]
    assert past.count('<tr><th scope="row">') == 50
    assert "2004-06-01" in past and "1954-06-01" not in past
    assert 'href="?page=2#past-terms"' in past
    second = client.get(url("governance:index", "en") + "?page=2").content.decode()
    assert "1950-06-01" in second[second.index('id="past-terms"') :]


def council(holders: int) -> Position:
    """A position with this many current holders, the latest first by their numbers, and one past holder."""
    position = Position.objects.create(name="理事", name_en="Council member", rank=9, seats=1000)
    for n in range(holders):
        holder = Organisation.objects.create(name=f"理事單位{n:03d}", name_en=f"Council unit {n:03d}")
        Term.objects.create(
            position=position, organisation=holder, started_on=datetime.date(2020, 1, 1) - datetime.timedelta(days=n)
        )
    former = Organisation.objects.create(name="前理事單位", name_en="Former council unit")
    Term.objects.create(
        position=position, organisation=former, started_on=datetime.date(2010, 1, 1), ended_on=datetime.date(2015, 1, 1)
    )
    return position


def test_governance_names_the_first_holders_of_a_large_position_and_links_to_the_rest(client, seeded):
    position = council(53)
    page = client.get(url("governance:index", "en")).content.decode()
    assert page.count("Council unit ") == 50
    assert "Council unit 049" in page and "Council unit 050" not in page
    assert f'<a href="{url("governance:position", "en", pk=position.pk)}">and 3 more holders</a>' in page


def test_governance_shows_a_position_without_a_holder_as_vacant(client, seeded):
    Position.objects.create(name="監事", name_en="Supervisor", rank=9)
    page = client.get(url("governance:index", "en")).content.decode()
    assert '<tr><th scope="row">Supervisor</th><td colspan="3" class="muted">Vacant</td></tr>' in page


def test_governance_escapes_what_the_secretariat_typed(client, seeded):
    position = Position.objects.create(name="監事", name_en="Supervisor <i>", rank=9)
    holder = Organisation.objects.create(name="<b>某公司</b>", name_en="<b>Some company</b>")
    Term.objects.create(position=position, organisation=holder, started_on=datetime.date(2020, 1, 1), title_en="A&B")
    Term.objects.create(
        position=position, organisation=holder, started_on=datetime.date(2010, 1, 1), ended_on=datetime.date(2015, 1, 1)
    )
    page = client.get(url("governance:index", "en")).content.decode()
    assert "<b>" not in page and "<i>" not in page
    assert page.count("&lt;b&gt;Some company&lt;/b&gt;") == 2
    assert "<td>A&amp;B</td>" in page


def test_a_positions_page_lists_every_current_holder_in_pages_latest_first(client, seeded):
    position = council(53)
    first = client.get(url("governance:position", "en", pk=position.pk)).content.decode()
    assert "<h1>Council member</h1>" in first
    assert "53 current holders, latest first." in first
    assert first.count("Council unit") == 50
    assert first.index("Council unit 000") < first.index("Council unit 049")
    assert 'href="?page=2"' in first
    second = client.get(url("governance:position", "en", pk=position.pk) + "?page=2").content.decode()
    assert [f"Council unit {n:03d}" in second for n in (49, 50, 51, 52)] == [False, True, True, True]
    assert "Former council unit" not in first + second


def test_a_vacant_positions_page_says_so(client, seeded):
    position = Position.objects.create(name="監事", name_en="Supervisor", rank=9)
    page = client.get(url("governance:position", "zh-hans", pk=position.pk)).content.decode()
    assert "空缺" in page


def test_member_page_shows_its_record_and_its_peoples_offices(client, seeded):
    Membership.objects.filter(organisation__slug="lenovo-group").update(notes="Private: call Mr Wang on 138")
    Organisation.objects.filter(slug="lenovo-group").update(website="https://www.lenovo.com/", city="北京")
    bump_public_version()
    page = client.get("/zh-hans/members/lenovo-group/").content.decode()
    for text in [
        "联想集团",
        "聯想集團",
        "Lenovo Group",
        "联想",
        "电子信息",
        "企业",
        "2017-07-22",
        "https://www.lenovo.com/",
    ]:
        assert text in page, text
    assert "杨元庆" in page and "理事长" in page
    assert "Mr Wang" not in page
    english = client.get("/en/members/lenovo-group/").content.decode()
    assert "Yang Yuanqing" in english and "Chairman" in english and "enterprise" in english.lower()
    # Chinese on an English page says so, for screen readers and fonts.
    assert '<dd lang="zh-Hans">联想</dd>' in english
    assert '<dd lang="zh-Hant">聯想</dd>' in client.get("/zh-hant/members/lenovo-group/").content.decode()


def test_member_page_carries_json_ld(client, seeded):
    page = client.get("/en/members/lenovo-group/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
    data = json.loads(block)
    assert data["@type"] == "Organization"
    assert data["name"] == "Lenovo Group"
    assert "联想集团" in data["alternateName"]
    assert data["url"].endswith("/en/members/lenovo-group/")


def test_governance_shows_bodies_holders_titles_and_past_terms(client, seeded):
    chairman = Position.objects.get(body__slug="council", name="理事長")
    Term.objects.filter(position=chairman).update(started_on=datetime.date(2019, 1, 1))
    predecessor = Organisation.objects.get(name="華為")
    Term.objects.create(
        position=Position.objects.create(body=chairman.body, name="副理事長", name_en="Vice Chairman", rank=2),
        organisation=predecessor,
        started_on=datetime.date(2017, 7, 22),
        ended_on=datetime.date(2018, 12, 31),
    )
    page = client.get("/zh-hant/governance/").content.decode()
    council = page[page.index("<h2", page.index("理事會") - 60) :]
    assert "楊元慶" in council and "聯想集團董事長兼CEO" in council
    assert "名譽理事長" in page and "李毅中" in page
    assert "工業和信息化部電子第五研究所" in page
    past = page[page.index('id="past-terms"') :]
    assert "華為" in past and "2018-12-31" in past
    english = client.get("/en/governance/").content.decode()
    assert "Chairman and CEO of Lenovo Group" in english and "Honorary Chairman" in english


def test_hidden_members_are_absent_from_every_public_page(client, active_member, hidden_members):
    pages = [
        url("alliance:home", "en"),
        url("members:directory", "en"),
        url("members:directory", "en") + "?q=Co",
        url("members:industry", "en", slug=active_member.industry.slug),
        "/open-data/members.csv",
        "/open-data/members.json",
        "/sitemap.xml",
        "/sitemap-members.xml",
    ]
    for address in pages:
        content = client.get(address).getvalue().decode("utf-8-sig")
        for hidden in hidden_members:
            assert hidden.name_en not in content, address
            assert hidden.slug not in content, address
    for hidden in hidden_members:
        assert client.get(url("members:detail", "en", slug=hidden.slug)).status_code == 404
    assert "1 active member." in client.get(url("alliance:home", "en")).content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/en/members/no-such-member/",
        "/en/members/industries/no-such-industry/",
        "/en/governance/positions/999999/",
        "/zh-hant/no-such-page/",
    ],
)
def test_unknown_addresses_give_404(client, seeded, address):
    assert client.get(address).status_code == 404


def test_a_missing_member_page_says_so_in_the_pages_language(client, db):
    assert "Page not found" in client.get("/en/members/no-such-member/").content.decode()
    assert "找不到頁面" in client.get("/zh-hant/members/no-such-member/").content.decode()


def test_an_organisation_that_is_no_member_has_no_public_page(client, seeded):
    ministry = Organisation.objects.get(name="工業和信息化部")
    assert client.get(url("members:detail", "en", slug=ministry.slug)).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "page=99999",
        "page=1.5",
        "q=" + "联" * 10000,
        "q=%00",
        "q=a%00b&page=abc",
        "q=%FF",
    ],
)
def test_bad_page_and_query_values_never_fail(client, seeded, query):
    for address in [url("members:directory", "en"), url("members:industry", "en", slug="electronics-information")]:
        response = client.get(f"{address}?{query}")
        assert response.status_code == 200, address


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("联想", "Lenovo Group"),  # Simplified finds the Traditional 聯想集團.
        ("華為", "Huawei"),  # Traditional finds it whichever way it was entered.
        ("华为", "Huawei"),
        ("lenovo", "Lenovo Group"),
        ("中国电科", "China Electronics Technology Group"),  # short name, Simplified
        ("lianxiang", "Lenovo Group"),
        ("lxjt", "Lenovo Group"),
    ],
)
def test_search_finds_members_across_scripts_english_pinyin_and_initials(client, seeded, query, expected):
    page = client.get(url("members:directory", "en"), {"q": query}).content.decode()
    assert expected in page
    assert "Hisense" not in page


@pytest.mark.parametrize("query", ["联想 集团", "聯想　集團", "集团 联想"])
def test_a_search_of_several_words_finds_the_names_holding_each(client, seeded, query):
    page = client.get(url("members:directory", "en"), {"q": query}).content.decode()
    assert "1 member found" in page and "Lenovo Group" in page


@pytest.mark.parametrize("query", ["lvye", "luye", "zhongguo luye"])
def test_a_pinyin_search_takes_u_or_v_for_u_umlaut(client, industry, query):
    member("中國鋁業集團", industry, name_en="Chinalco")
    page = client.get(url("members:directory", "en"), {"q": query}).content.decode()
    assert "1 member found" in page and "Chinalco" in page


def test_search_shows_nothing_found_for_an_unknown_name(client, seeded):
    page = client.get(url("members:directory", "en"), {"q": "不存在的公司"}).content.decode()
    assert "0 members found" in page
    assert '<li class="muted">No members.</li>' in page


@pytest.mark.parametrize(
    ("language", "query", "shown"),
    [
        ("zh-hans", "家电", "家电"),
        ("zh-hans", "家電行業", "家电"),  # as the article writes it, in Traditional
        ("zh-hant", "家电行业", "家電"),
        ("en", "home appliances", "Home appliances"),
        ("en", "home-appliances", "Home appliances"),
    ],
)
def test_a_search_for_an_industry_leads_to_its_page_with_its_count(client, seeded, language, query, shown):
    page = client.get(url("members:directory", language), {"q": query}).content.decode()
    address = url("members:industry", language, slug="home-appliances")
    count = Industry.objects.get(slug="home-appliances").member_count
    assert f'<a href="{address}">{shown}</a> <span class="count"' in page
    assert f">{count}</span></p>" in page and count == 3


def test_a_search_for_part_of_an_industry_name_names_no_industry(client, seeded):
    page = client.get(url("members:directory", "zh-hans"), {"q": "家"}).content.decode()
    assert "industry-match" not in page


@pytest.mark.parametrize("query", ["\x01", "\x7f\x02", " \x00 "])
def test_a_search_of_control_characters_alone_shows_the_directory_not_every_member_as_found(client, seeded, query):
    page = client.get(url("members:directory", "en"), {"q": query}).content.decode()
    assert "members found" not in page
    assert '<section class="sector"' in page


def test_a_search_matching_more_members_than_it_counts_says_so_and_pages_without_a_total(client, industry, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 25)
    make_members(industry, 0, 30)
    first = client.get(url("members:directory", "en"), {"q": "Member"}).content.decode()
    assert "More than 25 members found" in first
    assert "Page 1<" in first and "Page 1 of" not in first
    last = client.get(url("members:directory", "en"), {"q": "Member", "page": 9}).content.decode()
    assert re.findall(r"Member \d{4}", last) == [
        "Member 0020",
        "Member 0021",
        "Member 0022",
        "Member 0023",
        "Member 0024",
    ]
    # Each word is looked for: Member 0002 and 0020–0029.
    counted = client.get(url("members:directory", "en"), {"q": "Member 002"}).content.decode()
    assert "11 members found" in counted and "More than" not in counted


def test_a_member_named_like_a_script_is_escaped_everywhere(client, industry):
    hostile = member(SCRIPT, industry, name_en=SCRIPT, short_name=SCRIPT, description=SCRIPT, slug="hostile")
    pages = [
        url("alliance:home", "en"),
        url("members:directory", "en"),
        url("members:directory", "zh-hant") + "?q=alert",
        url("members:industry", "zh-hans", slug=industry.slug),
        url("members:detail", "en", slug=hostile.slug),
        url("members:detail", "zh-hant", slug=hostile.slug),
    ]
    for address in pages:
        page = client.get(address).content.decode()
        assert "<script>alert" not in page, address
    searched = client.get(url("members:directory", "en"), {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert" not in searched and '"><' not in searched
    assert "1 member found" in searched
    detail = client.get(url("members:detail", "en", slug=hostile.slug)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E" in detail


def make_members(industry, start, stop):
    organisations = []
    for n in range(start, stop):
        # Written in bulk, with the membership status Membership.save() would store.
        organisation = Organisation(
            name=f"成員{n:04d}",
            name_en=f"Member {n:04d}",
            industry=industry,
            slug=f"m{n:04d}",
            membership_status="active",
        )
        organisation.derive_names()
        organisations.append(organisation)
    created = Organisation.objects.bulk_create(organisations)
    Membership.objects.bulk_create(
        Membership(organisation=o, status=Membership.Status.ACTIVE, since=datetime.date(2020, 1, 1)) for o in created
    )
    listing.count_members(Industry.objects.filter(pk=industry.pk))
    bump_public_version()
    return created


# The most queries each page may make, cache reads and writes included, whatever the membership's size.
PAGES_FOR_COUNTS = [
    ("alliance:home", {}, "", 19),
    ("members:directory", {}, "", 11),
    ("members:directory", {}, "?q=Member", 10),
    ("members:industry", {"slug": "electronics-information"}, "", 10),
    ("members:industry", {"slug": "electronics-information"}, "?page=2", 10),
    ("members:detail", {"slug": "lenovo-group"}, "", 9),
    ("governance:index", {}, "", 11),
    ("governance:index", {}, "?page=2", 11),
    ("sitemap", {}, "", 12),
    ("sitemap-section", {"section": "members"}, "", 10),
    ("open-data-csv", {}, "", 10),
    ("open-data-json", {}, "", 10),
]


def test_a_positions_page_makes_as_many_queries_for_200_holders_as_for_10(
    client, industry, django_assert_max_num_queries
):
    position = Position.objects.create(name="理事", name_en="Council member", rank=9, seats=1000)
    counts = []
    for start, stop in ((0, 10), (10, 200)):
        holders = make_members(industry, start, stop)
        Term.objects.bulk_create(
            # Written in bulk, with the flag Term.save() would set for a position of many seats.
            Term(position=position, organisation=holder, started_on=datetime.date(2020, 1, 1), exclusive=False)
            for holder in holders
        )
        bump_public_version()
        with django_assert_max_num_queries(10) as queries:
            assert client.get(url("governance:position", "en", pk=position.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(("name", "kwargs", "query", "bound"), PAGES_FOR_COUNTS)
def test_public_page_queries_do_not_grow_with_the_membership(
    client, seeded, django_assert_max_num_queries, name, kwargs, query, bound
):
    industry = Industry.objects.get(slug="electronics-information")
    address = url(name, "en", **kwargs) + query
    counts = []
    for start, stop in ((0, 10), (10, 200)):
        make_members(industry, start, stop)
        with django_assert_max_num_queries(bound) as queries:
            response = client.get(address)
            assert response.status_code == 200
            response.getvalue()  # a streamed file reads the database as it is sent
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_counts_are_grouped_on_english_pages_and_page_links_are_not(client, industry):
    make_members(industry, 0, 3)
    Industry.objects.filter(pk=industry.pk).update(member_count=123_456)  # 6,173 pages of 20
    english = client.get(url("members:industry", "en", slug=industry.slug), {"page": 1001}).content.decode()
    assert "123,456 active members" in english and "Page 1,001 of 6,173" in english
    assert 'href="?page=1000"' in english and 'href="?page=1002"' in english
    chinese = client.get(url("members:industry", "zh-hans", slug=industry.slug), {"page": 1001}).content.decode()
    assert "123456" in chinese and "123,456" not in chinese


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_lists_link_each_member_to_the_address_of_its_page(client, industry, language):
    # Lists build members' addresses from the directory's (views.member_address), not one reverse() each.
    listed = member("鏈接測試公司", industry, slug="link-test")
    with translation.override(language):
        directory = reverse("members:directory")
        assert views.member_address(directory, listed.slug) == reverse("members:detail", kwargs={"slug": "link-test"})
    page = client.get(url("members:industry", language, slug=industry.slug)).content.decode()
    assert f'href="{url("members:detail", language, slug="link-test")}"' in page


@pytest.mark.parametrize(
    ("language", "home_lines", "member_line"),
    [
        ("zh-hans", ["2017-07-22，北京", "国务院，2015", "杨元庆：联想集团"], "杨元庆</strong>：理事会 理事长"),
        ("zh-hant", ["2017-07-22，北京", "國務院，2015", "楊元慶：聯想集團"], "楊元慶</strong>：理事會 理事長"),
        ("en", ["2017-07-22, Beijing", "State Council, 2015", "Yang Yuanqing: Lenovo"], "Yuanqing</strong>: Council"),
    ],
)
def test_chinese_pages_punctuate_in_full_width_and_english_pages_in_half(
    client, seeded, language, home_lines, member_line
):
    home = re.sub(r"<[^>]+>", "", client.get(url("alliance:home", language)).content.decode())
    assert all(line in home for line in home_lines)
    page = client.get(url("members:detail", language, slug="lenovo-group")).content.decode()
    assert member_line in page
    title = "（联想集团董事长兼CEO）" if language == "zh-hans" else "（聯想集團董事長兼CEO）"
    assert (title in page) == (language != "en")


def test_a_members_description_is_headed_as_its_own_not_as_the_alliances_profile(client, seeded):
    Organisation.objects.filter(slug="lenovo-group").update(description="全球领先的科技公司。")
    for language, heading in [("zh-hans", "简介"), ("zh-hant", "簡介"), ("en", "About")]:
        page = client.get(url("members:detail", language, slug="lenovo-group")).content.decode()
        assert f"<h2>{heading}</h2>" in page, language


def test_english_member_pages_capitalise_kind_and_tier(client, seeded):
    page = client.get(url("members:detail", "en", slug="lenovo-group")).content.decode()
    assert "<dd>Enterprise</dd>" in page and "<dd>Member · founding member</dd>" in page


def test_the_home_page_counts_members_of_no_industry_as_the_directory_lists_them(client, seeded):
    member("未分类公司", None, name_en="Unclassified Co")
    total = Organisation.objects.members().count()
    page = client.get(url("alliance:home", "en")).content.decode()
    assert f"{total} active members." in page


def test_governance_dates_carry_their_columns_name_for_phones_which_hide_the_header(client, seeded):
    page = client.get(url("governance:index", "zh-hant")).content.decode()
    since = re.findall(r'<td data-label="([^"]+)">\d{4}-\d\d-\d\d</td>', page)
    assert since and set(since) == {"起始"}
