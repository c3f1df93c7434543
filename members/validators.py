"""The unified social credit code (统一社会信用代码) of GB 32100-2015."""

import operator
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {c: i for i, c in enumerate(CREDIT_CODE_CHARACTERS)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_REGISTRATION_AUTHORITIES = set("0123456789ANY")


def normalise_credit_code(value: str) -> str:
    """Upper-case half-width form without spaces, as staff paste it from anywhere."""
    return unicodedata.normalize("NFKC", value or "").replace(" ", "").upper()


def credit_code_check_character(first17: str) -> str:
    total = sum(map(operator.mul, map(_VALUES.__getitem__, first17), _WEIGHTS))
    return CREDIT_CODE_CHARACTERS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="length",
            params={"length": len(code)},
        )
    bad = sorted(set(code).difference(_VALUES))
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(characters)s (I, O, Z, S and V are never used)."),
            code="characters",
            params={"characters": "".join(bad)},
        )
    if code[0] not in _REGISTRATION_AUTHORITIES:
        raise ValidationError(
            _("%(character)s is not a registration authority; the code must start with a digit, A, N or Y."),
            code="authority",
            params={"character": code[0]},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character of %(code)s should be %(expected)s: the code has a typing error."),
            code="check_character",
            params={"code": code, "expected": expected},
        )
