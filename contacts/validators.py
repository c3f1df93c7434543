"""Telephone numbers and e-mail addresses as staff type them: validated, and normalised for matching."""

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# A number without a country code is read as a mainland number: +86 is what secretariats leave off.
DEFAULT_REGION = "CN"
MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    text = unicodedata.normalize("NFKC", value or "").strip()  # full-width digits and ＋ as half-width
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "%(value)s is not a telephone number. Write a mainland number as it is dialled (13812345678, "
                "010-12345678), and others with their country code (+852 9123 4567, +886 912 345 678)."
            ),
            code="telephone",
            params={"value": value},
        )
    return number


def validate_telephone(value: str) -> None:
    _parse(value)


def validate_mobile(value: str) -> None:
    number = _parse(value)
    if number is not None and phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValidationError(
            _("%(value)s is a fixed line, not a mobile number: enter it as the office telephone."),
            code="mobile",
            params={"value": value},
        )


def telephone_key(value: str) -> str:
    """The number in E.164 form (+8613812345678), which every way of writing it shares; "" for none or invalid."""
    try:
        number = _parse(value)
    except ValidationError:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else ""


def normalise_email(value: str) -> str:
    """Half-width, without surrounding spaces: ＠ and full-width letters typed with a Chinese keyboard."""
    return unicodedata.normalize("NFKC", value or "").strip()


def email_key(value: str) -> str:
    """The address compared without regard to case."""
    return normalise_email(value).lower()


def validate_contact_email(value: str) -> None:
    validate_email(normalise_email(value))
