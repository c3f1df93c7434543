"""The seed holds every row of ENTITIES.md, says where each came from, and is idempotent."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from alliance.models import Alliance
from governance.models import Person, Term
from members.models import Industry, Membership, Organisation, Sector
from records.models import Source, Sourced
from tests.conftest import FOUNDING_DAY, seed_alliance

SEED_FILE = settings.SEED_DIR / "china-green-manufacturing-alliance.toml"

SECTORS = ["鋼鐵", "有色", "石化", "化工", "建材", "能源", "機械", "輕工", "紡織", "電子信息", "節能環保", "經濟金融"]

INDUSTRY_MEMBERS = {
    "電子信息": ("電子信息", ["聯想集團", "華為", "中國電科集團", "小米"]),
    "家電": ("輕工", ["格力", "海信", "海爾"]),
    "裝備制造": ("機械", ["中國船舶工業集團", "中車集團"]),
    "重工": (None, ["寶武鋼鐵", "中國鋁業"]),
    "汽車零部件": (None, ["福耀玻璃"]),
    "石油化工": ("石化", ["中石油", "中石化", "中海油"]),
    "電商": (None, ["阿里巴巴"]),
}

OFFICES = [
    # (person or organisation, position, body or None for the alliance itself, title held as)
    ("辛國斌", "主任", "指導委員會", "工信部副部長"),
    ("李毅中", "名譽理事長", None, "全國政協經濟委員會副主任"),
    ("周濟", "主任", "戰略咨詢委員會", "中國工程院院長、院士"),
    ("錢旭紅", "主任", "專家委員會", "中國工程院院士"),
    ("楊元慶", "理事長", "理事會", "聯想集團董事長兼CEO"),
]


@pytest.fixture
def seeded(db):
    """The seed command itself, run for each test: elsewhere the suite loads the rows it wrote once (conftest)."""
    seed_alliance()


def test_seed_holds_the_alliance_profile(seeded):
    alliance = Alliance.objects.get()
    assert alliance.name == "中國綠色制造聯盟"
    assert alliance.name_en == "China Green Manufacturing Alliance"
    assert alliance.standing == "首個國家級綠色制造聯盟"
    assert alliance.mission == "貫徹綠色發展理念、推進工業生態文明建設"
    assert alliance.stakeholders == "政產學研用"
    assert alliance.launched_by == "綠色制造領域領軍企業"
    assert (alliance.founded_on, alliance.founded_in) == (FOUNDING_DAY, "北京")
    assert alliance.guided_by.name == "工業和信息化部"
    assert alliance.guided_by.short_name == "工信部"
    assert [o.name for o in alliance.supported_by.all()] == ["中國工程院"]


def test_seed_holds_the_five_platforms_in_order(seeded):
    platforms = Alliance.objects.get().platforms.values_list("number", "name")
    assert list(platforms) == [
        (1, "綠色制造理念傳播平臺"),
        (2, "綠色制造診斷服務平臺"),
        (3, "綠色制造金融對接平臺"),
        (4, "綠色制造+互聯網平臺"),
        (5, "綠色制造國際合作平臺"),
    ]


def test_seed_holds_the_twelve_sectors_in_the_articles_order(seeded):
    assert list(Sector.objects.values_list("name", flat=True)) == SECTORS


@pytest.mark.parametrize("industry_name", INDUSTRY_MEMBERS)
def test_seed_files_each_member_under_its_industry(seeded, industry_name):
    sector, members = INDUSTRY_MEMBERS[industry_name]
    industry = Industry.objects.get(name=industry_name)
    assert (industry.sector.name if industry.sector else None) == sector
    assert sorted(industry.organisations.members().values_list("name", flat=True)) == sorted(members)
    for organisation in industry.organisations.all():
        membership = organisation.memberships.get()
        assert membership.status == Membership.Status.ACTIVE
        assert membership.is_founding
        assert membership.since == FOUNDING_DAY


def test_seed_keeps_each_industry_label_as_the_article_writes_it(seeded):
    labels = set(Industry.objects.values_list("label", flat=True))
    assert labels == {"電子信息行業", "家電行業", "裝備制造業", "重工行業", "汽車零部件行業", "石油化工行業", "電商"}


def test_seed_holds_the_organisations_that_are_not_members(seeded):
    for name in ["工業和信息化部", "中國工程院", "工業和信息化部電子第五研究所", "全國政協經濟委員會", "國務院"]:
        organisation = Organisation.objects.get(name=name)
        assert not organisation.memberships.exists()
    assert Organisation.objects.count() == 16 + 5


@pytest.mark.parametrize(("holder", "position", "body", "title"), OFFICES)
def test_seed_gives_each_leader_their_office(seeded, holder, position, body, title):
    term = Term.objects.current(on=FOUNDING_DAY).get(person__name=holder)
    assert term.position.name == position
    assert (term.position.body.name if term.position.body else None) == body
    assert term.title == title
    assert term.started_on == FOUNDING_DAY and term.ended_on is None


def test_seed_hosts_the_secretariat_at_the_fifth_institute(seeded):
    term = Term.objects.current(on=FOUNDING_DAY).get(position__body__name="秘書處")
    assert term.person is None
    assert term.organisation.name == "工業和信息化部電子第五研究所"


def test_seed_holds_the_founding_assembly_and_its_speakers(seeded):
    assembly = Alliance.objects.get().events.get(kind="founding_assembly")
    assert (assembly.held_on, assembly.place) == (FOUNDING_DAY, "北京")
    speakers = [(s.person.name, s.topic) for s in assembly.speakers.select_related("person")]
    assert speakers == [("李毅中", ""), ("辛國斌", ""), ("楊元慶", "聯想集團的綠色制造實踐探索")]


def test_seed_holds_the_cited_policies(seeded):
    policies = Alliance.objects.get().policy_documents.values_list("title", "issued_by", "year")
    assert list(policies) == [
        ("五大發展理念", "黨的十八屆五中全會", 2015),
        ("中國制造2025", "國務院", 2015),
        ("工業綠色發展規劃(2016-2020年)", "工業和信息化部", 2016),
        ("綠色制造工程實施指南(2016-2020年)", "工業和信息化部", 2016),
    ]
    five = Alliance.objects.get().policy_documents.get(title="五大發展理念")
    assert five.summary == "創新、協調、綠色、開放、共享"


def test_seed_records_say_they_came_from_the_article(seeded):
    article = Source.objects.get()
    assert "中國綠色制造聯盟" in article.text
    sourced_models = [m for m in apps.get_models() if issubclass(m, Sourced)]
    assert len(sourced_models) == 13
    for model in sourced_models:
        rows = list(model.objects.all())
        assert rows, f"{model.__name__} has no seeded rows"
        for row in rows:
            assert row.source_id == article.pk, row
            assert row.source_quote and row.source_quote in article.text, row


def _snapshot():
    """Every row of the registry's tables, history included."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"records", "alliance", "members", "contacts", "governance"}:
            rows[model._meta.label] = sorted(model.objects.values_list(), key=repr)
    return rows


def test_seeding_twice_changes_nothing(seeded, capsys):
    before = _snapshot()
    call_command("seed", SEED_FILE)
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert _snapshot() == before


def test_seed_derives_simplified_names_and_pinyin(seeded):
    lenovo = Organisation.objects.get(name="聯想集團")
    assert (lenovo.name_hans, lenovo.name_hant) == ("联想集团", "聯想集團")
    assert (lenovo.pinyin, lenovo.initials) == ("lianxiangjituan", "lxjt")
    assert Person.objects.get(name="楊元慶").name_hans == "杨元庆"
