"""The public member directory, and the open data drawn from it."""

import csv
import json
from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import condition

from members.models import Industry, Membership, Organisation, Sector
from records import names
from records.caching import public_page, public_version
from records.pagination import SEARCH_COUNT_LIMIT, CappedPaginator, CountedPaginator

PAGE_SIZE = 20
# The directory names this many members of each industry and links to the industry page for the rest.
PREVIEW_SIZE = 10
QUERY_MAX_LENGTH = 100
# The columns a list of members shows (the member_list tag in records/templatetags/public.py), with the sort keys.
LISTED_FIELDS = ["slug", "name", "name_en", "name_hans", "name_hant", "pinyin", "industry"]
# The industry's name, which a search's list shows beside each member.
INDUSTRY_LISTED_FIELDS = ["name", "name_en", "name_hans", "name_hant"]
# What a member's page shows (members/organisation_detail.html and its JSON-LD), from its membership on:
# a third of the columns of the four tables, which Django compiles and reads one by one.
MEMBER_PAGE_FIELDS = [
    "tier",
    "since",
    "is_founding",
    *(
        f"organisation__{name}"
        for name in (
            *LISTED_FIELDS,
            *("short_name", "kind", "province", "city", "website", "description"),
        )
    ),
    *(f"organisation__industry__{name}" for name in ("slug", "sector", *INDUSTRY_LISTED_FIELDS)),
    *(f"organisation__industry__sector__{name}" for name in INDUSTRY_LISTED_FIELDS),
]


def member_previews(industries: list[Industry]) -> dict[int | None, list[Organisation]]:
    """The first PREVIEW_SIZE active members of each industry and of none, in pinyin order, in one query."""
    keys = [industry.pk for industry in industries] + [None]
    listed = listed_members()
    if connection.features.supports_slicing_ordering_in_compound:
        # Each part reads its first rows from the listing index: a few rows, whatever the registry's size.
        parts = [listed.filter(industry=key)[:PREVIEW_SIZE] for key in keys]
        previews = parts[0].union(*parts[1:], all=True)
    else:
        # SQLite cannot slice the parts of a UNION: rank every member instead.
        ranked = (
            Organisation.objects.members()
            .annotate(rank=Window(RowNumber(), partition_by=F("industry"), order_by=["pinyin", "name", "id"]))
            .filter(rank__lte=PREVIEW_SIZE)
        )
        previews = listed.filter(pk__in=ranked.values("pk"))
    grouped: dict[int | None, list[Organisation]] = {key: [] for key in keys}
    # A UNION's rows come in no promised order.
    for organisation in sorted(previews, key=lambda o: (o.pinyin, o.name, o.pk)):
        grouped[organisation.industry_id].append(organisation)
    return grouped


def clean_query(request) -> str:
    """The search text, bounded and without control characters (PostgreSQL rejects NUL).

    A text of nothing else is no search: the directory is shown, not every member as found.
    """
    query = names.clean_text(request.GET.get("q", ""))
    return " ".join(query.split())[:QUERY_MAX_LENGTH]


def listed_members(*, with_industry: bool = False):
    """Members in pinyin order with only what a list of their names shows: smaller to build and to read."""
    if with_industry:
        fields = [*LISTED_FIELDS, *(f"industry__{name}" for name in INDUSTRY_LISTED_FIELDS)]
        return Organisation.objects.members().select_related("industry").only(*fields).order_by("pinyin", "name", "id")
    return Organisation.objects.members().only(*LISTED_FIELDS).order_by("pinyin", "name", "id")


@public_page(search_length=QUERY_MAX_LENGTH)
def directory(request):
    query = clean_query(request)
    context = {"query": query, "nav": "members"}
    if query:
        found = CappedPaginator(listed_members(with_industry=True).search(query), PAGE_SIZE, limit=SEARCH_COUNT_LIMIT)
        context["page_obj"] = found.get_page(request.GET.get("page"))
        # A search for an industry (家电, 家電行業, Home appliances) leads to its page as well as to the names.
        context["industry_match"] = Industry.objects.named(query).first()
    else:
        groups = Sector.objects.groups()
        previews = member_previews([industry for group in groups for industry in group.industries])
        for group in groups:
            for industry in group.industries:
                industry.members = previews.get(industry.pk, [])
        context["groups"] = groups
        context["empty_sectors"] = [group for group in groups if not group.industries]
        context["unclassified"] = previews.get(None, [])
        context["unclassified_count"] = Organisation.objects.members().without_industry().count()
    return render(request, "members/directory.html", context)


@public_page
def industry_detail(request, slug):
    industry = get_object_or_404(Industry.objects.select_related("sector"), slug=slug)
    # Counted from the industry's stored count: counting its members is the page's costliest query.
    members = listed_members().filter(industry=industry)
    page = CountedPaginator(members, PAGE_SIZE, count=industry.member_count).get_page(request.GET.get("page"))
    return render(request, "members/industry_detail.html", {"industry": industry, "page_obj": page, "nav": "members"})


@public_page
def member_detail(request, slug):
    # A member is an organisation with an active membership (members() reads the status stored from it):
    # starting from the membership finds both in one query.
    memberships = Membership.objects.active().select_related("organisation__industry__sector").only(*MEMBER_PAGE_FIELDS)
    membership = get_object_or_404(memberships, organisation__slug=slug)
    organisation = membership.organisation
    context = {
        "organisation": organisation,
        "membership": membership,
        "json_ld": organisation_json_ld(request, organisation),
        "nav": "members",
    }
    return render(request, "members/organisation_detail.html", context)


def organisation_json_ld(request, organisation: Organisation) -> dict:
    """A schema.org Organization describing a member, for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": organisation.display_name(),
        "alternateName": sorted(
            {organisation.name_hans, organisation.name_hant, organisation.name_en, organisation.short_name}
            - {organisation.display_name(), ""}
        ),
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }
    if organisation.website:
        data["sameAs"] = organisation.website
    if organisation.description:
        data["description"] = organisation.description
    return data


def member_address(directory: str, slug: str) -> str:
    """A member's page: the directory's address (``directory``, reversed once for a whole list) and its slug.

    As members/urls.py has it. For lists of members, where reversing each member's address took most of
    the time.
    """
    return f"{directory}{slug}/"


# Open data: the public directory, the same in every language.

OPEN_DATA_FIELDS = [
    "name",
    "name_hans",
    "name_hant",
    "name_en",
    "short_name",
    "slug",
    "kind",
    "industry",
    "industry_en",
    "sector",
    "sector_en",
    "tier",
    "since",
    "is_founding",
    "province",
    "city",
    "website",
    "description",
    "url",
]

# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Where each open-data field is read, starting from the active membership.
OPEN_DATA_COLUMNS = {
    "name": "organisation__name",
    "name_hans": "organisation__name_hans",
    "name_hant": "organisation__name_hant",
    "name_en": "organisation__name_en",
    "short_name": "organisation__short_name",
    "slug": "organisation__slug",
    "kind": "organisation__kind",
    "industry": "organisation__industry__name",
    "industry_en": "organisation__industry__name_en",
    "sector": "organisation__industry__sector__name",
    "sector_en": "organisation__industry__sector__name_en",
    "tier": "tier",
    "since": "since",
    "is_founding": "is_founding",
    "province": "organisation__province",
    "city": "organisation__city",
    "website": "organisation__website",
    "description": "organisation__description",
}
# Rows read from the database, and written to the client, at a time.
OPEN_DATA_CHUNK = 1000


def open_data_rows(request) -> Iterator[dict]:
    """Every active member as a row of plain values, read a chunk at a time: the open data is the whole directory."""
    members = (
        Membership.objects.active()
        .order_by("organisation__pinyin", "organisation__name", "organisation_id")
        .values_list(*OPEN_DATA_COLUMNS.values())
    )
    with translation.override("zh-hans"):
        directory = request.build_absolute_uri(reverse("members:directory"))
    for values in members.iterator(chunk_size=OPEN_DATA_CHUNK):
        row = {key: "" if value is None else value for key, value in zip(OPEN_DATA_COLUMNS, values, strict=True)}
        row["since"] = row["since"].isoformat() if row["since"] else ""
        row["url"] = member_address(directory, row["slug"])
        yield row


def in_chunks(texts: Iterable[str], size: int = OPEN_DATA_CHUNK) -> Iterator[str]:
    """Texts joined a few hundred at a time: each piece of a streamed response is a write to the socket."""
    chunk = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def open_data_version(request) -> str:
    return str(public_version())


def spreadsheet_safe(value) -> str:
    text = str(value) if not isinstance(value, bool) else ("true" if value else "false")
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file that hands back what is written to it: csv.writer then formats one row at a time."""

    def write(self, text: str) -> str:
        return text


# Streamed, not kept in the page cache: at 100,000 members the files are tens of megabytes. A client that
# has them already is told so (304) until the data changes.


@condition(etag_func=open_data_version)
def members_csv(request):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(OPEN_DATA_FIELDS)  # The BOM makes Excel read the file as UTF-8.
        for row in open_data_rows(request):
            yield writer.writerow([spreadsheet_safe(row[key]) for key in OPEN_DATA_FIELDS])

    response = StreamingHttpResponse(in_chunks(lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="members.csv"'
    return response


@condition(etag_func=open_data_version)
def members_json(request):
    generated = json.dumps(timezone.now().isoformat(timespec="seconds"))

    def parts():
        yield f'{{\n "generated": {generated},\n "members": ['
        for n, row in enumerate(open_data_rows(request)):
            yield ("," if n else "") + "\n  " + json.dumps(row, ensure_ascii=False)
        yield "\n ]\n}\n"

    return StreamingHttpResponse(in_chunks(parts()), content_type="application/json")
