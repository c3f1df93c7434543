"""Property-based tests: whatever arrives, the answer is a clear message, never a crash."""

import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg

from members.models import Organisation
from members.validators import CREDIT_CODE_CHARACTERS, credit_code_check_character, validate_credit_code
from records import names

code_bodies = st.tuples(
    st.sampled_from("0123456789ANY"), st.text(alphabet=CREDIT_CODE_CHARACTERS, min_size=16, max_size=16)
).map("".join)


@given(code_bodies)
def test_credit_code_with_its_check_character_is_valid(body):
    validate_credit_code(body + credit_code_check_character(body))


@given(code_bodies, st.integers(0, 17), st.sampled_from(CREDIT_CODE_CHARACTERS))
def test_credit_code_with_any_single_character_changed_is_refused(body, position, replacement):
    code = body + credit_code_check_character(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        with pytest.raises(ValidationError):
            validate_credit_code(changed)


@given(st.text(max_size=40))
@example("\x00" * 18)
@example("９１１１００００６０００３７３４１Ｌ")
def test_credit_code_validator_answers_any_text_with_a_validation_error_or_acceptance(text):
    try:
        validate_credit_code(text)
    except ValidationError as error:
        assert error.messages


@given(st.text(max_size=200))
def test_name_derivation_never_fails(text):
    simplified, traditional = names.scripts(text)
    key = names.match_key(text)
    sort_key, initials = names.pinyin(text)
    assert isinstance(simplified, str) and isinstance(traditional, str) and isinstance(key, str)
    assert sort_key.isascii() and len(initials) <= len(sort_key)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
@example("%_\\'\"; DROP TABLE members_organisation; --")
def test_organisation_search_accepts_any_query(query):
    list(Organisation.objects.search(query)[:5])


def pypinyin_reading(name: str) -> str:
    """What pypinyin's own segmentation and reading make of a name, as a sort key."""
    text = names.to_simplified(unicodedata.normalize("NFKC", name))
    syllables = (re.sub("[^0-9a-z]", "", s.lower()) for word in seg(text) for s in lazy_pinyin(word))
    return "".join(syllables)


# Words of company names, characters that start longer dictionary phrases (中 of 中国人), and others.
NAME_ALPHABET = "北京重庆长沙银行行长中国人民大学生命科学研究院" + "会计师事务所有限公司股份集团绿色智能节能ab1 -·（）"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=NAME_ALPHABET, min_size=1, max_size=16))
@example("重庆银行股份有限公司")
@example("中国人民银行")
@example("北京功成行")  # 功成行 starts a phrase but is none: pypinyin reads it by character (xing, not hang).
def test_pinyin_reads_a_name_as_pypinyin_segments_and_reads_it(name):
    assert names.pinyin(name)[0] == pypinyin_reading(name)
