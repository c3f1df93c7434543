"""Matching a file's rows to the registry's organisations, and writing them with their history."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from members import bulk
from members.models import Membership, Organisation
from members.transfer import NamesAhead, import_members
from tests.conftest import BYD_CODE, DATA, export_members, problems_of, run_import, snapshot


def test_import_members_matches_by_credit_code_before_name(seeded):
    run_import("members-utf8.csv")
    byd = Organisation.objects.get(credit_code=BYD_CODE)
    path = DATA.parent / "data" / "members-utf8.csv"
    text = path.read_text(encoding="utf-8").replace("比亚迪股份有限公司", "比亚迪汽车")
    renamed = io.BytesIO(text.encode())
    result = import_members(renamed.getvalue(), filename="x.csv")
    assert not result.errors
    byd.refresh_from_db()
    assert byd.name == "比亚迪汽车"
    assert byd.name_hant == "比亞迪汽車"
    assert Organisation.objects.filter(credit_code=BYD_CODE).count() == 1


def test_import_members_full_width_and_spaces_match_the_same_name(seeded, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("name,industry,city\n  聯想集團　,電子信息,北京\n", encoding="utf-8")
    call_command("import_members", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Organisation.objects.filter(name_key="联想集团").get().city == "北京"


@pytest.mark.parametrize("written", ["華為\x07", "華為\u200b", "\ufeff华为", "华\u00ad为"])
def test_a_name_with_an_invisible_character_updates_the_organisation_of_that_name(seeded, written):
    huawei = Organisation.objects.get(slug="huawei")
    result = import_members(f"name,industry,city\n{written},电子信息,东莞\n".encode(), filename="m.csv")
    assert (result.errors, result.created, result.updated) == ([], 0, 1)
    huawei.refresh_from_db()
    assert huawei.city == "东莞"


def test_a_credit_code_twice_in_a_file_is_reported_in_its_column(seeded):
    text = "name,credit_code,industry\n甲公司,91440300MA5ABCDE0E,家电\n乙公司,91440300 ma5abcde0e,家电\n"
    assert problems_of(text) == ["Error: row 3, column credit_code: This organisation is already in row 2 of the file."]


def test_import_members_finds_an_industry_by_its_slug_or_its_name(seeded, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("名稱,行業\n甲公司,equipment-manufacturing\n乙公司,裝備制造業\n丙公司,装备制造\n", encoding="utf-8")
    call_command("import_members", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert set(
        Organisation.objects.filter(industry__slug="equipment-manufacturing").values_list("name", flat=True)
    ) >= {
        "甲公司",
        "乙公司",
        "丙公司",
    }


def test_import_members_compares_a_large_file_in_one_pass(seeded, tmp_path, monkeypatch):
    # With batches of one, the seeded members are "many": the single pass over both tables is used.
    monkeypatch.setattr("members.transfer.BATCH_SIZE", 1)
    run_import("members-utf8.csv")
    path = export_members(tmp_path, "--all")
    before = snapshot()
    with translation.override("en"):
        out, _ = run_import(str(path))
    assert "created 0, updated 0" in out
    assert snapshot() == before
    changed = tmp_path / "changed.csv"
    changed.write_text(path.read_text("utf-8-sig").replace("深圳", "惠州"), encoding="utf-8")
    with translation.override("en"):
        out, _ = run_import(str(changed))
    assert "created 0, updated 1," in out
    assert Organisation.objects.get(credit_code=BYD_CODE).city == "惠州"
    assert Membership.objects.count() == len(before[1])


def test_import_members_records_history(seeded):
    run_import("members-utf8.csv")

    byd = Organisation.objects.get(credit_code=BYD_CODE)
    assert byd.history.get().history_type == "+"
    assert byd.memberships.get().history.count() == 1
    lenovo = Organisation.objects.get(name_key="联想集团")
    assert lenovo.history.first().history_type == "~"


def test_bulk_update_records_history_only_for_the_rows_it_writes(seeded):
    first, middle, last = Organisation.objects.order_by("pk")[:3]
    before = middle.history.count()

    bulk.update(Organisation, [{"id": first.pk, "city": "深圳"}, {"id": last.pk, "city": "深圳"}], reason="import")

    assert middle.history.count() == before
    for organisation in (first, last):
        record = organisation.history.first()
        assert (record.history_type, record.city, record.history_change_reason) == ("~", "深圳", "import")


def test_a_large_import_derives_names_in_worker_processes_as_save_would(seeded, tmp_path, monkeypatch):
    monkeypatch.setattr(NamesAhead, "WORTH_IT_BYTES", 0)
    monkeypatch.setattr(NamesAhead, "CHUNK", 3)  # Several chunks, so their order matters.
    names = [
        "重慶銀行股份有限公司",
        "长沙银行",
        "中國人民大學",
        "北京功成行",
        "Acme 綠色科技",
        "華為技術有限公司",
        "曾國藩",
    ]
    path = tmp_path / "members.csv"
    rows = "".join(f"{name},電子信息,{n}\n" for n, name in enumerate(names))
    path.write_text("name,industry,city\n" + rows, encoding="utf-8")
    call_command("import_members", str(path), stdout=io.StringIO())

    for n, name in enumerate(names):
        imported = Organisation.objects.get(name=name)
        assert imported.city == str(n)
        saved = Organisation(name=name)
        saved.derive_names()
        assert (imported.name_hans, imported.name_hant, imported.pinyin, imported.initials, imported.name_key) == (
            saved.name_hans,
            saved.name_hant,
            saved.pinyin,
            saved.initials,
            saved.name_key,
        )
    assert Organisation.objects.get(name="重慶銀行股份有限公司").pinyin == "chongqingyinhanggufenyouxiangongsi"


def test_import_members_numbers_ids_and_slugs_in_the_files_order(seeded, tmp_path):
    # On PostgreSQL the rows are copied in pinyin order (members.bulk): 汪 and 王 read alike.
    names = ["乙方科技", "王力公司", "甲方科技", "汪力公司"]
    path = tmp_path / "members.csv"
    path.write_text("name,industry\n" + "".join(f"{name},電子信息\n" for name in names), encoding="utf-8")
    call_command("import_members", str(path), stdout=io.StringIO())

    imported = list(Organisation.objects.filter(name__in=names).order_by("pk"))
    assert [o.name for o in imported] == names
    assert [o.slug for o in imported][1::2] == ["wangligongsi", "wangligongsi-2"]
    assert Organisation.history.filter(name__in=names, history_type="+").count() == 4


def test_an_import_shows_up_on_the_cached_public_directory(seeded, client):
    assert "比亚迪股份有限公司" not in client.get("/zh-hans/members/").content.decode()  # now cached
    run_import("members-utf8.csv")
    assert "比亚迪股份有限公司" in client.get("/zh-hans/members/").content.decode()
