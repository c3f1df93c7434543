"""Reading and writing the member file (DESIGN.md, "Member file format") in bulk.

This module is our own, not django-import-export's: import-export checks and writes row by row
(about 600 rows/s here, 4,400 with its bulk settings; 40 for organisations through their models)
and decodes CSV as UTF-8 only. The ``import_members`` and ``export_members`` commands need 10,000
and 30,000 rows/s and GB18030 and Big5 files, and the admin's organisation import takes thousands
of rows within a request (its resource in members/resources.py hands the file to
``import_members``), so they come through here: every row is validated first, every problem is
collected, and only a clean file is written, in batches of ``bulk_create``/``bulk_update`` inside
one transaction, with simple-history's bulk helpers so the audit trail still records each row.
"""

import codecs
import contextlib
import csv
import datetime
import gc
import getpass
import io
import itertools
import logging
import multiprocessing
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from members import bulk, listing
from members.models import Industry, Membership, Organisation, industry_keys, unique_slug
from members.validators import normalise_credit_code, validate_credit_code
from records import history_strings, names
from records.caching import bump_public_version
from records.models import ChineseNamed

BATCH_SIZE = 2000
import_logger = logging.getLogger("registry.imports")
PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Traditional, as DESIGN.md writes it; the Simplified form is derived.
    required: bool = False


COLUMNS = [
    Column("name", "名稱", required=True),
    Column("name_en", "英文名稱"),
    Column("short_name", "簡稱"),
    Column("credit_code", "統一社會信用代碼"),
    Column("industry", "行業", required=True),
    Column("kind", "類型"),
    Column("tier", "會員級別"),
    Column("status", "狀態"),
    Column("joined_on", "入會日期"),
    Column("province", "省份"),
    Column("city", "城市"),
    Column("website", "網站"),
    Column("description", "簡介"),
]
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
ORGANISATION_FIELDS = ["name", "name_en", "short_name", "credit_code", "industry", "kind"] + [
    "province",
    "city",
    "website",
    "description",
]
MEMBERSHIP_FIELDS = {"tier": "tier", "status": "status", "joined_on": "since"}

# Chinese labels of choices, Traditional; Simplified forms are derived. Tiers are not in DESIGN.md:
# these are the words alliances use for member units.
CHOICE_LABELS = {
    "kind": {
        "enterprise": "企業",
        "government": "政府",
        "academia": "高校",
        "research": "科研院所",
        "finance": "金融機構",
        "association": "社會組織",
    },
    "tier": {"chair": "理事長單位", "vice_chair": "副理事長單位", "council": "理事單位", "member": "會員單位"},
    "status": {"applied": "申請中", "active": "正式會員", "suspended": "暫停", "withdrawn": "已退出"},
}
CHOICE_CLASSES = {"kind": Organisation.Kind, "tier": Membership.Tier, "status": Membership.Status}


def header_key(header: str) -> str:
    return names.match_key(str(header or ""))


HEADER_KEYS = {}
for _column in COLUMNS:
    HEADER_KEYS[header_key(_column.key)] = _column.key
    HEADER_KEYS[header_key(_column.label)] = _column.key
CHOICE_KEYS = {}
for _name, _labels in CHOICE_LABELS.items():
    _keys = CHOICE_KEYS[_name] = {}
    for _value, _label in CHOICE_CLASSES[_name].choices:
        _keys[header_key(_value)] = _value
        _keys[header_key(str(_label))] = _value
        _keys[header_key(_labels[_value])] = _value


# Column groups -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnGroup:
    """Columns an app above members adds to the member file, with their reading and writing (contacts' primary contact).

    Registered from that app's AppConfig.ready() with register_column_group(). A file without the group's
    columns never calls it; an export has them only when asked (``groups``), which the caller decides by
    ``permission``.
    """

    name: str  # Also export_members' flag: --contacts.
    columns: tuple[Column, ...]
    permission: str  # Needed to export the columns, as app_label.codename.
    import_permissions: tuple[str, ...]  # Needed to import them.
    # Organisation ids -> each one's cells in the columns' order; those without any may be left out. One query.
    values: Callable[[list[int]], dict[int, list[str]]]
    # The plans of the rows with a cell in the columns, each with its cells (by key) in plan.extra[name],
    # checked after the organisations are (plan.organisation_id is None for a new one): adds a Problem for
    # each bad cell, and leaves in plan.extra[name] None when the row changes nothing, else a pair: the
    # columns' cells as they will read once written (the admin's preview shows them), and what write needs.
    check: Callable[[list["RowPlan"], dict, list["Problem"]], None]
    # The checked plans that change something, written inside the import's transaction; new organisations have ids.
    write: Callable[..., None]  # (plans, *, user)
    help: str = ""


_COLUMN_GROUPS: dict[str, ColumnGroup] = {}
_GROUP_HEADERS: dict[str, tuple[ColumnGroup, str]] = {}  # header_key -> (group, column key)


def register_column_group(group: ColumnGroup) -> None:
    _COLUMN_GROUPS[group.name] = group
    for column in group.columns:
        COLUMNS_BY_KEY[column.key] = column
        for text in (column.key, column.label):
            _GROUP_HEADERS[header_key(text)] = (group, column.key)


def column_groups() -> list[ColumnGroup]:
    return list(_COLUMN_GROUPS.values())


def column_groups_for(user, *, importing: bool = False) -> list[ColumnGroup]:
    """The groups whose columns ``user`` may export (or import)."""
    if user is None:
        return []
    return [
        group
        for group in _COLUMN_GROUPS.values()
        if (user.has_perms(group.import_permissions) if importing else user.has_perm(group.permission))
    ]


# Encodings ---------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """Tell UTF-8, GB18030 (a superset of GBK and GB2312) and Big5 apart, the encodings Chinese Excel writes.

    UTF-8 is tried first and strictly: real GBK or Big5 text is almost never valid UTF-8. Between
    GB18030 and Big5 a byte-level guess is unreliable, because most Big5 bytes also decode as
    GB18030 (to rare characters); so both decodings are tried and the one with more characters that
    are common wins: GBK text read as Big5 (and the other way round) turns largely into rare
    characters. The common set is GB2312's level-1 characters and their Traditional forms, so it
    judges both decodings by the same measure whatever the file's script. Big5 is read as cp950,
    the Big5 that Windows writes. charset-normalizer guesses the same way with more code and was
    not worth a dependency for three encodings.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    scores = {}
    for encoding in ("gb18030", "cp950"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            # A sample cut mid-character fails only at its very end.
            try:
                text = sample[:-1].decode(encoding)
            except UnicodeDecodeError:
                continue
        scores[encoding] = _common_characters(text)
    if not scores:
        return "gb18030"
    return max(scores, key=lambda e: (scores[e], e == "gb18030"))


@lru_cache(maxsize=1)
def _common_characters_set() -> frozenset[str]:
    """GB2312's 3,755 level-1 characters, the most used in Simplified, with their Traditional forms."""
    common = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                common.add(bytes([lead, trail]).decode("gb2312"))
    return frozenset(common | {names.to_traditional(c) for c in common})


def _common_characters(text: str) -> int:
    common = _common_characters_set()
    return sum(1 for c in text if c in common)


# Reading files -----------------------------------------------------------------------------------


def file_format(filename: str, data: bytes) -> str:
    """``xlsx`` for a zip (what Excel writes), else ``csv``, whatever the file's name says."""
    return "xlsx" if data[:4] == b"PK\x03\x04" else "csv"


# Files Excel writes that the import does not read, by their first bytes, with what to do instead.
_UTF16 = gettext_lazy(
    "This is UTF-16 text (Excel's Unicode text), which the import does not read: save it as CSV UTF-8."
)
_OTHER_FILES = {
    b"\xd0\xcf\x11\xe0": gettext_lazy(
        "This is an Excel 97–2003 workbook (.xls), which the import does not read: save it in Excel as .xlsx or as "
        "CSV UTF-8."
    ),
    b"\xff\xfe": _UTF16,
    b"\xfe\xff": _UTF16,
}


def read_rows(data: bytes, *, filename: str = "", encoding: str = "auto") -> Iterator[list]:
    """Yield the file's rows, the header first, as lists of cells (str, or date/number from XLSX)."""
    for start, message in _OTHER_FILES.items():
        if data.startswith(start):
            raise FileProblem(str(message))
    if file_format(filename, data) == "xlsx":
        import openpyxl
        from openpyxl.utils.escape import unescape

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the size the file states for the sheet, which some programs write too small:
        # the cells past it would be left out without a word.
        sheet.reset_dimensions()
        try:
            for row in sheet.iter_rows(values_only=True):
                # Excel writes a CR in a cell as _x000D_, which openpyxl leaves as it is.
                yield [unescape(c) if isinstance(c, str) and "_x" in c else c for c in row]
        finally:
            workbook.close()
        return
    if encoding in ("", "auto"):
        encoding = detect_encoding(data)
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"  # Drops a BOM, which Excel writes, if there is one.
    # Decoded as it is read, rather than whole: the text of a 100,000-row file is tens of megabytes.
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    try:
        yield from reader
    except csv.Error as error:
        if "field limit" not in str(error):
            raise
        raise FileProblem(
            _("Line %(line)d has a cell longer than %(limit)d characters, which no column admits.")
            % {"line": reader.line_num, "limit": csv.field_size_limit()}
        ) from None


class FileProblem(ValueError):
    """The file cannot be read for a reason the message explains to its author."""


def undecodable(data: bytes, encoding: str) -> str:
    """Why a CSV file cannot be read as text, naming the line that cannot: its author can find it."""
    detecting = encoding in ("", "auto")
    try:
        data.decode(detect_encoding(data) if detecting else encoding)
        line = 1
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
    if detecting:
        return _(
            "Line %(line)d is not text in an encoding the import reads (UTF-8, GB18030/GBK or Big5): save the file "
            "in Excel as CSV UTF-8."
        ) % {"line": line}
    return _("Line %(line)d cannot be read as %(encoding)s.") % {"line": line, "encoding": encoding}


# Problems ----------------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int | None  # As a spreadsheet numbers it: the header is row 1.
    column: str
    message: str
    warning: bool = False

    def __str__(self):
        where = []
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        prefix = _("Warning") if self.warning else _("Error")
        return f"{prefix}: {', '.join(where)}: {self.message}" if where else f"{prefix}: {self.message}"


@dataclass(frozen=True)
class ProblemRows:
    """One problem as a file's rows share it: the column, the message, and the rows it is in."""

    column: str
    message: str
    rows: tuple[int, ...]

    def __str__(self):
        return ngettext(
            "Column %(column)s: %(message)s Row %(rows)s.",
            "Column %(column)s: %(message)s %(counter)s rows: %(rows)s.",
            len(self.rows),
        ) % {"column": self.column, "message": self.message, "rows": self.row_ranges, "counter": len(self.rows)}

    @property
    def row_ranges(self) -> str:
        """The rows as a spreadsheet user reads them: 2–5, 9, 11–13."""
        ranges, start = [], self.rows[0]
        for previous, row in itertools.pairwise((*self.rows, None)):
            if row != previous + 1:
                ranges.append(str(start) if start == previous else f"{start}–{previous}")
                start = row
        return ", ".join(ranges)


def problem_summary(problems: Iterable[Problem]) -> list[ProblemRows]:
    """The problems of rows below the header, grouped by column and message, in the order of their first row."""
    rows: dict[tuple[str, str], list[int]] = {}
    for problem in problems:
        if problem.row and problem.row > 1:
            rows.setdefault((problem.column, str(problem.message)), []).append(problem.row)
    grouped = [ProblemRows(column, message, tuple(sorted(set(numbers)))) for (column, message), numbers in rows.items()]
    return sorted(grouped, key=lambda problem: problem.rows[0])


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    rows: list["RowPlan"] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]


@dataclass(slots=True)
class RowPlan:
    """What one row will do: create, update or leave unchanged an organisation and its membership."""

    row: int
    action: str = "unchanged"
    organisation_id: int | None = None
    values: dict = field(default_factory=dict)  # Organisation fields to set (all of them when creating).
    old: dict = field(default_factory=dict)  # Their old values, when updating.
    membership_id: int | None = None
    membership: dict = field(default_factory=dict)  # Membership fields to set.
    membership_old: dict = field(default_factory=dict)
    names: tuple | None = None  # The name's derived forms, when worked out ahead of writing (NamesAhead).
    extra: dict | None = None  # Column groups' cells by group name, then what they will write (ColumnGroup.check).


# Values ------------------------------------------------------------------------------------------


class IndustryResolver:
    """Find an industry by its name in either script with or without 行業/業, its label, English name or slug."""

    def __init__(self, industries: Iterable[Industry] | None = None):
        self.by_key = {}
        for industry in industries if industries is not None else Industry.objects.all():
            for text in (industry.name, industry.label):
                for key in industry_keys(names.match_key(text)):
                    self.by_key.setdefault(key, industry)
            for text in (industry.name_en, industry.slug):
                if text:
                    self.by_key.setdefault(header_key(text), industry)

    def resolve(self, value: str) -> Industry | None:
        key = names.match_key(value)
        for candidate in [key, *sorted(industry_keys(key) - {key})]:
            if candidate in self.by_key:
                return self.by_key[candidate]
        return None


# A date, and midnight as Excel writes a date-time cell to CSV (2017/7/22 0:00) or Python does (00:00:00).
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0?0:00(?::00)?)?$")


def parse_date(value) -> datetime.date:
    """2017-07-22, 2017/7/22, 2017.7.22, 2017年7月22日 or an Excel date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE.match(unicodedata.normalize("NFKC", str(value)).strip())
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise ValueError(value)


def cell_text(value) -> str:
    """A cell as text: XLSX numbers lose their .0, dates become ISO dates."""
    if type(value) is str:  # Every CSV cell: the common case first.
        # Only spaces are trimmed: a leading tab or CR is content, and export neutralises it.
        return unicodedata.normalize("NFC", value).strip(" \u3000")
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip(" \u3000")


def is_blank(cells: list) -> bool:
    """A row of empty cells; spaces count as empty."""
    return not any(c.strip(" \u3000") if type(c) is str else cell_text(c) for c in cells)


_validate_url = URLValidator()

# An all-digit credit code as Excel shows a number too long for its column, and writes it to CSV: 9.14403E+17.
_EXCEL_NUMBER = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)
# What Excel shows in a cell whose formula failed, and writes to CSV (and caches in XLSX) as the value.
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


_MAX_LENGTHS = {c.key: Organisation._meta.get_field(c.key).max_length for c in COLUMNS if c.key in ORGANISATION_FIELDS}
# Cells whose values repeat down a file (industry, choices, dates) are read once per distinct text.
_MEMOISED = {"industry", "joined_on", *CHOICE_KEYS}
_UNREAD = object()


class RowParser:
    """Turn one row's cells into field values, adding a Problem for each cell that cannot be read."""

    def __init__(self, industries: IndustryResolver):
        self.industries = industries
        self.memo = {}
        # The same, by the cell as read (None for an empty one), which spares a repeated cell even cell_text().
        self.read = {}

    def parse(self, cells: list, row: int, positions: dict, headers: dict, problems: list[Problem]) -> dict:
        """``positions`` maps column keys to indexes in ``cells``, ``headers`` to the headers as written."""
        values = {}
        width = len(cells)
        memo, read = self.memo, self.read
        for key, index in positions.items():
            raw = cells[index] if index < width else None
            # Only text cells: an XLSX True and 1 would be one key.
            memoised = key in _MEMOISED and type(raw) is str
            if memoised:
                value = read.get((key, raw), _UNREAD)
                if value is not _UNREAD:
                    if value is not None:
                        values[key] = value
                    continue
            text = cell_text(raw)
            if text[:1] == "'":
                text = _unneutralise(text)
            elif text[:1] == "#" and text in EXCEL_ERRORS:
                message = _("The cell holds Excel's error %(value)s: correct its formula in Excel, then import again.")
                problems.append(Problem(row, headers[key], message % {"value": text}))
                continue
            if text == "":
                if key == "name":
                    problems.append(Problem(row, headers[key], _("This column is required and the cell is empty.")))
                elif memoised:
                    read[key, raw] = None
                continue
            try:
                if key in _MEMOISED:
                    if (key, text) not in memo:
                        memo[key, text] = self.value(key, raw, text)
                    values[key] = memo[key, text]
                    if memoised:
                        read[key, raw] = values[key]
                else:
                    values[key] = self.value(key, raw, text)
            except ValidationError as error:
                problems.extend(Problem(row, headers[key], message) for message in error.messages)
        return values

    def value(self, key: str, raw, text: str):
        if key == "industry":
            industry = self.industries.resolve(text)
            if industry is None:
                raise ValidationError(_("There is no industry %(value)s.") % {"value": text})
            return industry.pk
        if key in CHOICE_KEYS:
            choice = CHOICE_KEYS[key].get(header_key(text))
            if choice is None:
                allowed = "、".join(f"{value} {_label(label)}" for value, label in CHOICE_LABELS[key].items())
                raise ValidationError(
                    _("%(value)s is not a valid %(column)s; use one of: %(allowed)s.")
                    % {"value": text, "column": column_name(key), "allowed": allowed}
                )
            return choice
        if key == "joined_on":
            try:
                return parse_date(raw if isinstance(raw, datetime.date) else text)
            except ValueError:
                raise ValidationError(
                    _("%(value)s is not a date; write it as 2017-07-22 or 2017/7/22.") % {"value": text}
                ) from None
        if key == "credit_code":
            try:
                validate_credit_code(text)
            except ValidationError:
                if isinstance(raw, str) and not _EXCEL_NUMBER.match(text):
                    raise
                # A number cell, or its text in a CSV: the wrong digits are Excel's, not the author's.
                raise ValidationError(
                    _(
                        "%(value)s is a number to Excel, which keeps only 15 of its digits: format the column as "
                        "text and type the code again."
                    )
                    % {"value": text}
                ) from None
            return normalise_credit_code(text)
        if key == "website" and "://" not in text:
            text = f"https://{text}"
        limit = _MAX_LENGTHS[key]
        if limit and len(text) > limit:
            raise ValidationError(
                _("%(length)d characters is too long; at most %(limit)d are allowed.")
                % {"length": len(text), "limit": limit}
            )
        if key == "website":
            _validate_url(text)
        return text


def _simplified() -> bool:
    return (translation.get_language() or "zh-hans") != "zh-hant"


def _label(label: str) -> str:
    """A Traditional label in the active language's script."""
    return names.to_simplified(label) if _simplified() else label


# Planning ----------------------------------------------------------------------------------------


def plan_import(
    rows: Iterable[list],
    *,
    progress: Callable[[str, int], None] | None = None,
    names_ahead: "NamesAhead | None" = None,
    groups: Iterable[ColumnGroup] | None = None,
) -> ImportResult:
    """Read and check every row against the database, writing nothing; collect every problem.

    With ``names_ahead``, each new organisation's name is handed to it to derive while the rest of the
    file is checked (and written, until write_plans needs the names). ``groups`` are the column groups
    the importer may write (every registered one by default): another group's column is a problem.
    """
    result = ImportResult()
    problems = result.problems
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        problems.append(Problem(None, "", _("The file is empty.")))
        return result

    positions = {}  # key -> column index
    headers = {}  # key -> the header as written
    allowed = {g.name for g in (column_groups() if groups is None else groups)}
    group_positions: dict[str, dict[str, int]] = {}  # group name -> its columns' keys -> indexes
    for index, raw in enumerate(header):
        title = cell_text(raw)
        key = HEADER_KEYS.get(header_key(title))
        if key is None and (found := _GROUP_HEADERS.get(header_key(title))):
            group, key = found
            if group.name not in allowed:
                problems.append(Problem(1, title, _("You do not have permission to import this column.")))
            elif key in headers:
                problems.append(Problem(1, title, _("This column appears twice.")))
            else:
                group_positions.setdefault(group.name, {})[key] = index
                headers[key] = title
            continue
        if key is None:
            if title:
                problems.append(Problem(1, title, _("Unknown column, ignored."), warning=True))
            continue
        if key in positions:
            problems.append(Problem(1, title, _("This column appears twice.")))
            continue
        positions[key], headers[key] = index, title
    for column in COLUMNS:
        if column.required and column.key not in positions:
            problems.append(
                Problem(
                    1,
                    column_name(column.key),
                    _("The required column %(key)s (%(label)s) is missing.")
                    % {
                        "key": column.key,
                        "label": names.to_simplified(column.label) if _simplified() else column.label,
                    },
                )
            )
    if result.errors:
        return result

    existing = Organisation.objects.values_list("pk", "credit_code", "name_key")
    by_code, by_key = {}, {}
    for pk, code, key in existing.iterator(chunk_size=10000):
        if code:
            by_code[code] = pk
        by_key[key] = pk

    parser = RowParser(IndustryResolver())
    seen_codes, seen_keys, seen_ids = {}, {}, {}
    plans = result.rows
    for number, cells in enumerate(rows, start=2):
        if is_blank(cells):
            continue
        if progress and (number - 1) % PROGRESS_EVERY == 0:
            progress("checked", number - 1)
        values = parser.parse(cells, number, positions, headers, problems)
        if "name" not in values:
            continue
        plan = RowPlan(number)
        name_key = names.match_key(values["name"])
        code = values.get("credit_code")
        same_code = seen_codes.get(code) if code else None
        duplicate = same_code or seen_keys.get(name_key)
        if duplicate:
            problems.append(
                Problem(
                    number,
                    headers["credit_code" if same_code else "name"],
                    _("This organisation is already in row %(row)d of the file.") % {"row": duplicate},
                )
            )
            continue
        if code:
            seen_codes[code] = number
        seen_keys[name_key] = number

        pk = by_code.get(code) if code else None
        if pk is None and name_key in by_key:
            pk = by_key[name_key]
        if pk is not None and pk in seen_ids:
            problems.append(
                Problem(
                    number,
                    headers["name"],
                    _("This organisation is already in row %(row)d of the file.") % {"row": seen_ids[pk]},
                )
            )
            continue
        if pk is not None:
            seen_ids[pk] = number
            other = by_key.get(name_key)
            if other is not None and other != pk:
                problems.append(
                    Problem(
                        number,
                        headers["name"],
                        _("Another organisation already has this name, with a different credit code."),
                    )
                )
                continue
        if (
            pk is None
            and "industry" not in values
            and not cell_text(cells[positions["industry"]] if positions["industry"] < len(cells) else None)
        ):
            problems.append(Problem(number, headers["industry"], _("A new organisation needs an industry.")))
            continue
        plan.organisation_id = pk
        if names_ahead is not None and pk is None:
            names_ahead.add(values["name"])
        plan.values = {k: v for k, v in values.items() if k not in MEMBERSHIP_FIELDS}
        plan.membership = {MEMBERSHIP_FIELDS[k]: v for k, v in values.items() if k in MEMBERSHIP_FIELDS}
        if group_positions:
            plan.extra = _group_cells(cells, number, group_positions, headers, problems)
        plans.append(plan)

    if result.errors:
        return result
    _compare_with_database(plans, problems, headers)
    for name in group_positions:
        _check_group(_COLUMN_GROUPS[name], plans, headers, problems)
    for plan in plans:
        if plan.action == "create":
            result.created += 1
        elif plan.action == "update":
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _group_cells(cells: list, row: int, group_positions: dict, headers: dict, problems: list[Problem]) -> dict | None:
    """A row's non-empty cells in the column groups' columns, by group name and key; None for none."""
    extra = {}
    width = len(cells)
    for name, positions in group_positions.items():
        for key, index in positions.items():
            text = cell_text(cells[index] if index < width else None)
            if text[:1] == "'":
                text = _unneutralise(text)
            elif text in EXCEL_ERRORS:
                message = _("The cell holds Excel's error %(value)s: correct its formula in Excel, then import again.")
                problems.append(Problem(row, headers[key], message % {"value": text}))
                continue
            if text:
                extra.setdefault(name, {})[key] = text
    return extra or None


def _check_group(group: ColumnGroup, plans: list[RowPlan], headers: dict, problems: list[Problem]) -> None:
    mine = [plan for plan in plans if plan.extra and group.name in plan.extra]
    group.check(mine, headers, problems)
    for plan in mine:
        if plan.extra[group.name] is not None and plan.action == "unchanged":
            plan.action = "update"


def _open_membership(memberships: list[dict]) -> dict | None:
    """The membership a row speaks of: the open one, else the latest."""
    if not memberships:
        return None
    open_ = [m for m in memberships if m["status"] != Membership.Status.WITHDRAWN]
    if open_:
        return open_[0]
    return max(memberships, key=lambda m: (m["since"] or datetime.date.min, m["pk"]))


def _compare_with_database(plans: list[RowPlan], problems: list[Problem], headers: dict) -> None:
    """Mark each plan create, update or unchanged, keeping only the cells that change."""
    today = timezone.localdate()
    updates = {p.organisation_id: p for p in plans if p.organisation_id is not None}
    for old, memberships in _current_rows(list(updates)):
        plan = updates[old["pk"]]
        changes = {}
        for key, value in plan.values.items():
            # Matched by name, the same name in another script or width is not a change.
            if key == "name" and names.match_key(value) == old["name_key"]:
                continue
            if old[key] != value:
                changes[key] = value
                plan.old[key] = old[key]
        plan.values = changes
        _plan_membership(plan, _open_membership(memberships), problems, headers, today)
        plan.action = "update" if (plan.values or plan.membership) else "unchanged"
    for plan in plans:
        if plan.organisation_id is None:
            plan.action = "create"
            _plan_membership(plan, None, problems, headers, today)


def _current_rows(ids: list[int]) -> Iterator[tuple[dict, list[dict]]]:
    """The organisations ``ids`` with their memberships, as values.

    Many ids are read by one pass over both tables in id order, not by queries listing thousands of ids.
    """
    fields = ["pk", "name_key", "industry", "credit_code", "kind", "name", "name_en", "short_name"]
    fields += ["province", "city", "website", "description"]
    membership_fields = ["pk", "organisation", "tier", "status", "since", "until"]
    if len(ids) <= 5 * BATCH_SIZE:
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            memberships = {}
            for m in Membership.objects.filter(organisation__in=batch).values(*membership_fields):
                memberships.setdefault(m["organisation"], []).append(m)
            for old in Organisation.objects.filter(pk__in=batch).values(*fields):
                yield old, memberships.get(old["pk"], [])
        return
    wanted = set(ids)
    organisations = Organisation.objects.order_by("pk").values(*fields).iterator(chunk_size=10000)
    memberships = Membership.objects.order_by("organisation", "pk").values(*membership_fields)
    memberships = iter(memberships.iterator(chunk_size=10000))
    pending = next(memberships, None)
    for old in organisations:
        own = []
        while pending is not None and pending["organisation"] <= old["pk"]:
            if pending["organisation"] == old["pk"]:
                own.append(pending)
            pending = next(memberships, None)
        if old["pk"] in wanted:
            yield old, own


def _plan_membership(plan: RowPlan, membership: dict | None, problems, headers, today) -> None:
    wanted = plan.membership
    if not wanted:
        return
    status = wanted.get("status")
    rejoining = (
        membership is not None
        and membership["status"] == Membership.Status.WITHDRAWN
        and status is not None
        and status != Membership.Status.WITHDRAWN
    )
    if membership is None or rejoining:
        new = {"tier": Membership.Tier.MEMBER, "status": Membership.Status.APPLIED, "since": None, **wanted}
        if new["status"] == Membership.Status.ACTIVE and not new["since"]:
            new["since"] = today
        plan.membership = new
        plan.membership_id = None
        return
    changes = {k: v for k, v in wanted.items() if membership[k] != v}
    if changes.get("since") and membership["until"] and changes["since"] > membership["until"]:
        problems.append(
            Problem(
                plan.row,
                headers.get("joined_on", "joined_on"),
                _("The membership ended on %(until)s, before this date.") % {"until": membership["until"]},
            )
        )
    plan.membership_id = membership["pk"]
    plan.membership = changes
    plan.membership_old = {k: membership[k] for k in changes}


# Writing -----------------------------------------------------------------------------------------


def import_members(
    data: bytes,
    *,
    filename: str = "",
    encoding: str = "auto",
    dry_run: bool = False,
    user=None,
    progress: Callable[[str, int], None] | None = None,
    parallel: bool = True,
    max_rows: int | None = None,
    groups: Iterable[ColumnGroup] | None = None,
) -> ImportResult:
    """Import a member file: every row is checked first; on any error nothing is written.

    Every import is logged as one structured record: who, which file, how many rows, what came of it.
    ``parallel=False`` keeps the work in this process (no NamesAhead): for a web request, whose worker
    should not fork. ``max_rows`` refuses a file of more rows (blank ones aside), read no further than
    the row past it: the admin's cap (IMPORT_MAX_ROWS), which keeps a request inside its timeout.
    ``groups``: the column groups the importer may write (plan_import).
    """
    with _cyclic_gc_paused():
        result = _check_and_write(data, filename, encoding, dry_run, user, progress, parallel, max_rows, groups)
    import_logger.info(
        "import of %s: %s",
        filename,
        "refused" if result.errors else ("checked" if dry_run else "written"),
        extra={
            "user": user.get_username() if user is not None else getpass.getuser(),
            "file": filename,
            "bytes": len(data),
            "rows": len(result.rows),
            "dry_run": dry_run,
            # LogRecord has a "created" of its own.
            "rows_created": result.created,
            "rows_updated": result.updated,
            "rows_unchanged": result.unchanged,
            "problems": len(result.errors),
        },
    )
    return result


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # The plans of 100,000 rows are millions of objects that live until they are written, and the
    # cyclic collector went through all of them again and again: about 1 s of the import, to free
    # nothing, since the import makes no reference cycles to speak of. Its workers inherit the pause.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_and_write(data, filename, encoding, dry_run, user, progress, parallel, max_rows, groups) -> ImportResult:
    names_ahead = NamesAhead() if parallel and not dry_run and NamesAhead.worth_it(len(data)) else None
    try:
        return _check_and_write_deriving(
            data, filename, encoding, dry_run, user, progress, names_ahead, max_rows, groups
        )
    finally:
        if names_ahead is not None:
            names_ahead.close()


def _check_and_write_deriving(
    data, filename, encoding, dry_run, user, progress, names_ahead, max_rows, groups
) -> ImportResult:
    try:
        rows = read_rows(data, filename=filename, encoding=encoding)
        if max_rows is not None:
            rows = _at_most(rows, max_rows)
        result = plan_import(rows, progress=progress, names_ahead=names_ahead, groups=groups)
    except UnicodeDecodeError:
        result = ImportResult()
        result.problems.append(Problem(None, "", undecodable(data, encoding)))
        return result
    except LookupError:
        result = ImportResult()
        result.problems.append(Problem(None, "", _("There is no encoding %(encoding)s.") % {"encoding": encoding}))
        return result
    except FileProblem as error:
        result = ImportResult()
        result.problems.append(Problem(None, "", str(error)))
        return result
    except Exception as error:  # A corrupt XLSX or CSV raises from deep inside its reader.
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        result = ImportResult()
        result.problems.append(Problem(None, "", _("The file cannot be read: %(error)s") % {"error": error}))
        return result
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            write_plans(result.rows, user=user, progress=progress, names_ahead=names_ahead)
    except IntegrityError as error:
        result.problems.append(Problem(None, "", _("The database refused the import: %(error)s") % {"error": error}))
        result.created = result.updated = 0
    return result


def _at_most(rows: Iterator[list], limit: int) -> Iterator[list]:
    """The header and the rows below it, refused with a FileProblem at the first row past ``limit``.

    Blank rows are not counted. A small XLSX file can unpack to millions of rows: none past the limit is read.
    """
    header = next(rows, None)
    if header is None:
        return
    yield header
    counted = 0
    for cells in rows:
        if not is_blank(cells):
            counted += 1
            if counted > limit:
                raise FileProblem(
                    _(
                        "This file has more than %(limit)d rows, the most the admin imports at a time. "
                        "Split it, or import it with manage.py import_members, which takes any number."
                    )
                    % {"limit": limit}
                )
        yield cells


def write_plans(plans: list[RowPlan], *, user=None, progress=None, names_ahead: "NamesAhead | None" = None) -> None:
    with transaction.atomic():
        _write_plans(plans, user=user, progress=progress, names_ahead=names_ahead)
        _write_groups(plans, user=user)
        # Each industry counted once, at the end, rather than after each batch: an import writes
        # thousands of members. The statuses of the memberships it moved were stored batch by batch.
        listing.count_members(Industry.objects.all())
        bump_public_version()


def _write_groups(plans: list[RowPlan], *, user) -> None:
    with_extra = [plan for plan in plans if plan.extra]
    for name, group in _COLUMN_GROUPS.items() if with_extra else ():
        changing = [plan for plan in with_extra if plan.extra.get(name) is not None]
        if changing:
            group.write(changing, user=user)


def _write_plans(plans: list[RowPlan], *, user, progress, names_ahead: "NamesAhead | None") -> None:
    history = {"user": user, "reason": history_strings.IMPORT}
    creates = [p for p in plans if p.action == "create"]
    updates = [p for p in plans if p.action == "update"]
    if creates:
        # Read before the rows are streamed: no other query can run on the connection during COPY.
        slugs = set(Organisation.objects.values_list("slug", flat=True).iterator(chunk_size=10000))
        members = [plan for plan in creates if plan.membership]
        if bulk.uses_copy():
            # Memberships first (their key to the organisation is checked at commit), so that the
            # organisations' rows are made and sorted while the server copies the memberships' history.
            ids = bulk.next_ids(Organisation, len(creates))
            for plan, pk in zip(creates, ids, strict=True):
                plan.organisation_id = pk
            rows = ({"organisation_id": plan.organisation_id, **plan.membership} for plan in members)
            organisations = []

            def prepare_organisations():
                if names_ahead is not None:
                    names_ahead.assign(creates)
                # In pinyin order: that of most of the organisation's indexes (slug follows pinyin too).
                new = _new_organisations(creates, slugs, progress)
                organisations.append(bulk.prepare(Organisation, new, ids=ids, copy_order="pinyin"))

            bulk.create(Membership, rows, count=len(members), meanwhile=prepare_organisations, **history)
            bulk.create(Organisation, organisations[0], count=len(creates), **history)
        else:
            if names_ahead is not None:
                names_ahead.assign(creates)
            rows = _new_organisations(creates, slugs, progress)
            ids = bulk.create(Organisation, rows, count=len(creates), **history)
            for plan, pk in zip(creates, ids, strict=True):
                plan.organisation_id = pk
            rows = ({"organisation_id": plan.organisation_id, **plan.membership} for plan in members)
            bulk.create(Membership, rows, count=len(members), **history)
    done = len(creates)
    now = timezone.now()
    for batch in _batched(updates, BATCH_SIZE):
        rows = []
        for plan in batch:
            if not plan.values:
                continue
            row = {"id": plan.organisation_id, "updated_at": now, **_organisation_kwargs(plan.values)}
            if "name" in row:
                row.update(derive_names(row["name"]))
            rows.append(row)
        bulk.update(Organisation, rows, **history)
        rows = [
            {"id": p.membership_id, "updated_at": now, **p.membership}
            for p in batch
            if p.membership and p.membership_id
        ]
        bulk.update(Membership, rows, **history)
        new = [
            {"organisation_id": p.organisation_id, **p.membership}
            for p in batch
            if p.membership and not p.membership_id
        ]
        bulk.create(Membership, new, count=len(new), **history)
        moved = [p.organisation_id for p in batch if "status" in p.membership]
        listing.store_status(Organisation.objects.filter(pk__in=moved))
        done += len(batch)
        if progress:
            progress("written", done)


def _new_organisations(plans: list[RowPlan], slugs: set, progress) -> Iterator[dict]:
    """The rows of new organisations, with the names derived as save() would and a slug not in ``slugs``."""
    for done, plan in enumerate(plans, start=1):
        row = _organisation_kwargs(plan.values)
        if plan.names:
            row.update((k, row["name"] if v is None else v) for k, v in zip(DERIVED_NAMES, plan.names, strict=True))
        else:
            row.update(derive_names(row["name"]))
        # As Organisation.save() makes it, against the set of slugs taken rather than a query per row.
        row["slug"] = unique_slug(row.get("name_en", ""), row["pinyin"], slugs.__contains__)
        slugs.add(row["slug"])
        # Its only membership is the one in the file.
        row["membership_status"] = plan.membership.get("status", "")
        yield row
        if progress and (done % PROGRESS_EVERY == 0 or done == len(plans)):
            progress("written", done)


def derive_names(name: str) -> dict:
    """The forms save() derives from a name (bulk writes skip save()); a hand-written pinyin override is kept."""
    derived = SimpleNamespace(name=name, pinyin_override="")
    ChineseNamed.derive_names(derived)
    del derived.pinyin_override
    return vars(derived)


DERIVED_NAMES = ("name", "name_hans", "name_hant", "pinyin", "initials", "name_key")


def _derive_all(names: list[str]) -> list[tuple]:
    # Tuples, and None for a form equal to the name as given: 100,000 of them are kept until written.
    return [tuple(None if v == name else v for v in map(derive_names(name).get, DERIVED_NAMES)) for name in names]


class NamesAhead:
    """Derives names in two other processes while the rest of the file is checked.

    Deriving (both scripts, pinyin, the match key) is a third of an import's Python time and needs
    nothing from the database, so on a machine with a spare core it need not wait for the checking
    to end. It takes a little longer than the checking: with one worker the checking process waited
    1.3-2.1 s for it at the end of 100,000 rows, with two the three processes share the cores to the
    end (0.2-0.4 s). The workers are forked, and never touch the parent's database connection.
    """

    WORTH_IT_BYTES = 1_000_000  # About 8,000 rows: below this the workers cost more than they save.
    CHUNK = 5000

    def __init__(self):
        self.pending: list[str] = []
        self.futures = []
        self.pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))

    @classmethod
    def worth_it(cls, file_size: int) -> bool:
        return file_size > cls.WORTH_IT_BYTES and (os.cpu_count() or 1) > 1

    def add(self, name: str) -> None:
        self.pending.append(name)
        if len(self.pending) >= self.CHUNK:
            self._send()

    def _send(self) -> None:
        self.futures.append(self.pool.submit(_derive_all, self.pending))
        self.pending = []

    def results(self) -> Iterator[tuple]:
        """Each name's forms, in the order the names were added, as tuples of DERIVED_NAMES."""
        self._send()
        for future in self.futures:
            yield from future.result()

    def assign(self, plans: list[RowPlan]) -> None:
        """Give the new organisations' plans (in the order their names were added) their names' forms; stop."""
        for plan, derived in zip(plans, self.results(), strict=True):
            plan.names = derived
        self.close()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def _organisation_kwargs(values: dict) -> dict:
    return {("industry_id" if k == "industry" else k): v for k, v in values.items()}


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# Export ------------------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_CHARACTERS = frozenset(_FORMULA_STARTS)


def neutralise(value: str) -> str:
    """Prefix ' to a cell that Excel would read as a formula (=, +, -, @, tab or CR first)."""
    return f"'{value}" if value[:1] in _FORMULA_START_CHARACTERS else value


def _unneutralise(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


def export_headers(language: str | None = None, groups: Iterable[ColumnGroup] = ()) -> list[str]:
    return [column_name(c.key, language) for c in [*COLUMNS, *(c for g in groups for c in g.columns)]]


def column_name(key: str, language: str | None = None) -> str:
    """A column's header as an export writes it: its Chinese label in the language's script, its key in English."""
    language = language or translation.get_language() or "zh-hans"
    if language == "en":
        return key
    label = COLUMNS_BY_KEY[key].label
    return label if language == "zh-hant" else names.to_simplified(label)


def export_value(key: str, value: str, language: str | None = None) -> str:
    """A choice as exported: its Chinese label in the language's script, its key in English."""
    return _export_value(key, value, language or translation.get_language() or "zh-hans")


@lru_cache(maxsize=256)
def _export_value(key: str, value: str, language: str) -> str:
    if not value or language == "en":
        return value or ""
    text = CHOICE_LABELS[key][value]
    return text if language == "zh-hant" else names.to_simplified(text)


def export_rows(organisations, language: str | None = None, groups: Iterable[ColumnGroup] = ()) -> Iterator[list[str]]:
    """The header, then one row per organisation with its open (else latest) membership.

    ``groups``' columns follow, their values read batch by batch: one query per group and batch.
    """
    language = language or translation.get_language() or "zh-hans"
    groups = list(groups)
    yield export_headers(language, groups)
    industries = {i.pk: i.display_name(language) for i in Industry.objects.all()}
    labels = {key: {value: export_value(key, value, language) for value in CHOICE_LABELS[key]} for key in CHOICE_LABELS}
    kinds, tiers, statuses = labels["kind"], labels["tier"], labels["status"]
    # All the memberships in one pass, rather than a query per batch of organisations listing their ids.
    # (Fetched whole: through a server-side cursor PostgreSQL plans this join for the first rows, slowly.)
    memberships = {}
    rows = Membership.objects.filter(organisation__in=organisations.values("pk"))
    for m in rows.values("pk", "organisation", "tier", "status", "since", "until"):
        memberships.setdefault(m["organisation"], []).append(m)
    current = {pk: _open_membership(ms) for pk, ms in memberships.items()}
    del memberships
    fields = ["pk", "name", "name_en", "short_name", "credit_code", "industry", "kind"]
    fields += ["province", "city", "website", "description"]
    queryset = organisations.order_by("pinyin", "name", "pk").values_list(*fields)
    no_membership = {"tier": "", "status": "", "since": None}
    rows = _with_group_values(queryset, groups) if groups else ((cells, ()) for cells in queryset)
    for (pk, name, name_en, short_name, code, industry, kind, province, city, website, description), extra in rows:
        m = current.get(pk) or no_membership
        since = m["since"]
        row = [
            name,
            name_en,
            short_name,
            code or "",
            industries.get(industry, ""),
            kinds.get(kind, ""),
            tiers.get(m["tier"], ""),
            statuses.get(m["status"], ""),
            since.isoformat() if since else "",
            province,
            city,
            website,
            description,
            *extra,
        ]
        yield [neutralise(v) for v in row]


def _with_group_values(rows: Iterable[tuple], groups: list[ColumnGroup]) -> Iterator[tuple[tuple, list[str]]]:
    """Each row (its organisation's id first) with the groups' cells, read for a batch of rows at a time."""
    blanks = [[""] * len(group.columns) for group in groups]
    for batch in _batched(rows, BATCH_SIZE):
        values = [group.values([cells[0] for cells in batch]) for group in groups]
        for cells in batch:
            pk = cells[0]
            yield cells, [cell for found, blank in zip(values, blanks, strict=True) for cell in found.get(pk, blank)]


def write_csv(rows: Iterable[list[str]], out) -> None:
    """UTF-8 with a BOM, so Excel opens it in the right encoding. ``out`` is a binary file."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    for batch in _batched(rows, 1000):
        writer.writerows(batch)
    text.flush()
    text.detach()


def write_xlsx(rows: Iterable[list[str]], out) -> None:
    import openpyxl
    from openpyxl.utils.escape import escape

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        # XML reads a raw CR back as LF; Excel escapes it (and only then is the file read back the same).
        sheet.append([escape(c.replace("_x", "_x005F_x")) if "\r" in c or "_x" in c else c for c in row])
    workbook.save(out)


def export_members(
    organisations, out, *, file_format: str = "csv", language: str | None = None, groups: Iterable[ColumnGroup] = ()
) -> None:
    rows = export_rows(organisations, language, groups)
    (write_xlsx if file_format == "xlsx" else write_csv)(rows, out)
