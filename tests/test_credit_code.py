import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.validators import CREDIT_CODE_CHARACTERS, validate_credit_code

PUBLISHED_CODES = ["91110000600037341L", "9144030071526726XG"]


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_credit_code_accepts_published_codes(code):
    validate_credit_code(code)


@pytest.mark.parametrize("code", PUBLISHED_CODES)
@pytest.mark.parametrize("position", range(18))
def test_credit_code_refuses_one_wrong_character_in_any_position(code, position):
    for replacement in CREDIT_CODE_CHARACTERS:
        if replacement == code[position]:
            continue
        wrong = code[:position] + replacement + code[position + 1 :]
        with pytest.raises(ValidationError):
            validate_credit_code(wrong)


def test_credit_code_accepts_lower_case_full_width_and_spaces():
    validate_credit_code(" 91110000600037341l ")
    validate_credit_code("９１１１００００６０００３７３４１Ｌ")


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("9111000060003734", "18 characters"),
        ("91110000600037341LX", "18 characters"),
        ("9111000060003734IL", "I"),
        ("B1110000600037341L", "registration authority"),
        ("91110000600037341A", "should be L"),
    ],
)
def test_credit_code_error_says_what_is_wrong(code, says):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            validate_credit_code(code)
        assert says in error.value.messages[0]
