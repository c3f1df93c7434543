"""Data-quality checks on organisations, for the dashboard and the organisation list's filter."""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from members.models import Organisation
from members.validators import validate_credit_code
from records import names
from records.caching import versioned

PROBLEMS = [
    ("no_code", _("missing credit code")),
    ("bad_code", _("invalid credit code")),
    ("duplicate_code", _("duplicate credit code")),
    ("no_industry", _("no industry")),
    ("duplicate_name", _("likely duplicate name")),
]

# Legal-form and group suffixes that two entries of one organisation often differ by
# (聯想集團 / 联想集团有限公司), compared in Simplified, longest first.
NAME_SUFFIXES = sorted(
    ["股份有限公司", "有限责任公司", "集团有限公司", "集团公司", "有限公司", "集团", "公司", "总公司", "总部"],
    key=len,
    reverse=True,
)
_BRACKETED = re.compile(r"[(（][^)）]*[)）]")
_NOISE = re.compile(r"[\s()（）·.,，、\-]+")


def loose_key(name: str) -> str:
    """The match key without bracketed parts (（中国）), punctuation and trailing legal-form suffixes."""
    return _loosened(names.match_key(name))


def _loosened(match_key: str) -> str:
    key = _NOISE.sub("", _BRACKETED.sub("", match_key))
    stripped = True
    while stripped:
        stripped = False
        for suffix in NAME_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                stripped = True
    return key


def likely_duplicates() -> list[list[Organisation]]:
    """Groups of organisations whose names, or a name and a short name, match once suffixes are stripped.

    Exact clashes across scripts cannot exist (the match key is unique), so this looks for the looser kind.
    Kept until the data changes: finding them reads every organisation.
    """
    return versioned("quality:likely_duplicates", _likely_duplicates)


def _likely_duplicates() -> list[list[Organisation]]:
    groups = defaultdict(set)
    short_names = []
    # From the stored match keys: working each out again from the name took seconds at 100,000 names.
    rows = Organisation.objects.values_list("pk", "name_key", "short_name")
    for pk, name_key, short_name in rows.iterator(chunk_size=10000):
        groups[_loosened(name_key)].add(pk)
        if short_name:
            short_names.append((pk, short_name))
    for pk, short_name in short_names:
        short = loose_key(short_name)
        if short and short in groups and groups[short] != {pk}:
            groups[short].add(pk)
    found = [pks for pks in groups.values() if len(pks) > 1]
    named = Organisation.objects.only("name", "pinyin").in_bulk({pk for pks in found for pk in pks})
    return sorted(
        (sorted((named[pk] for pk in pks), key=lambda o: o.pinyin) for pks in found),
        key=lambda group: group[0].pinyin,
    )


def invalid_codes() -> list[int]:
    bad = []
    for pk, code in Organisation.objects.exclude(credit_code=None).values_list("pk", "credit_code"):
        try:
            validate_credit_code(code)
        except ValidationError:
            bad.append(pk)
    return bad


def problem_ids(problem: str) -> list[int] | object:
    """The ids (or a subquery) of organisations with ``problem``, one of PROBLEMS."""
    organisations = Organisation.objects.all()
    if problem == "no_code":
        return organisations.filter(credit_code=None).values("pk")
    if problem == "no_industry":
        return organisations.filter(industry=None).values("pk")
    if problem == "bad_code":
        # Worked out in Python, row by row: kept until the data changes, for the list's every page.
        return versioned("quality:bad_code", invalid_codes)
    if problem == "duplicate_code":
        # The unique constraint forbids these; the check stays for data loaded around it.
        codes = organisations.exclude(credit_code=None).values("credit_code").annotate(n=Count("pk")).filter(n__gt=1)
        return organisations.filter(credit_code__in=codes.values("credit_code")).values("pk")
    if problem == "duplicate_name":
        return [organisation.pk for group in likely_duplicates() for organisation in group]
    return organisations.none().values("pk")
