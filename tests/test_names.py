import pytest

from governance.models import Person
from members.models import Organisation
from records import names


def test_name_entered_in_traditional_keeps_its_form_and_gains_simplified(db):
    organisation = Organisation.objects.create(name="中國綠色制造聯盟")
    assert organisation.name == "中國綠色制造聯盟"
    assert organisation.name_hans == "中国绿色制造联盟"
    assert organisation.name_hant == "中國綠色制造聯盟"


def test_name_entered_in_simplified_gains_taiwan_traditional(db):
    organisation = Organisation.objects.create(name="华为技术有限公司")
    assert organisation.name_hant == "華為技術有限公司"


def test_pinyin_override_corrects_a_surname_pypinyin_misreads(db):
    person = Person.objects.create(name="曾國藩")
    assert person.pinyin == "cengguofan"
    person.pinyin_override = "Zeng Guo Fan"
    person.save()
    assert (person.pinyin, person.initials) == ("zengguofan", "zgf")


def test_match_key_ignores_script_width_case_and_spaces():
    assert names.match_key("  聯想集團ＡＢＣ ") == names.match_key("联想集团abc")


@pytest.mark.parametrize("query", ["聯想", "联想", "lianxiang", "LianXiang", "lx", "Lenovo", "91110000600037341L"])
def test_organisation_search_finds_a_name_by_any_form(db, query):
    Organisation.objects.create(name="聯想集團", name_en="Lenovo Group", credit_code="91110000600037341L")
    Organisation.objects.create(name="华为", name_en="Huawei")
    assert [o.name for o in Organisation.objects.search(query)] == ["聯想集團"]


def test_organisation_search_finds_a_short_name_in_the_other_script(db):
    Organisation.objects.create(name="中國電子科技集團", short_name="中國電科")
    assert Organisation.objects.search("中国电科").count() == 1


def test_control_characters_are_dropped_from_names(db):
    organisation = Organisation.objects.create(name=" 聯想\x00集團\x07 ")
    assert organisation.name == "聯想集團"
