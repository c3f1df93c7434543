"""Property-based tests: whatever arrives, the answer is a clear message, never a crash."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from members.models import Organisation
from members.validators import CREDIT_CODE_CHARACTERS, credit_code_check_character, validate_credit_code
from registry import names

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
