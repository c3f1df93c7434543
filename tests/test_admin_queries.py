"""Every changelist costs the same number of queries for 200 rows as for 10: no column queries per row."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.models import Alliance, Event, Platform, PolicyDocument, Speaker
from contacts.models import Contact, ContactRole
from governance.models import Body, Person, Position, Term
from members.models import Industry, Membership, Organisation, Sector
from notices.models import Delivery, Notice
from records.models import Source

DAY = datetime.date(2017, 7, 22)
DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(n))


def named(model, **fields):
    """An unsaved ChineseNamed row with its derived names, as save() would make them."""
    row = model(**fields)
    row.derive_names()
    return row


def make_rows(start: int, stop: int):
    """One row of every registry model per number, linked the way real data is, written in bulk."""
    numbers = [(i, chinese(i)) for i in range(start, stop)]

    def bulk(model, rows):
        return model.objects.bulk_create(list(rows))

    sources = bulk(Source, (Source(title=f"來源{c}") for i, c in numbers))
    sectors = bulk(
        Sector,
        (
            named(Sector, name=f"領域{c}", slug=f"sector-{i}", source=s)
            for (i, c), s in zip(numbers, sources, strict=True)
        ),
    )
    industries = bulk(
        Industry,
        (
            named(Industry, name=f"行業{c}", slug=f"industry-{i}", sector=s)
            for (i, c), s in zip(numbers, sectors, strict=True)
        ),
    )
    organisations = bulk(
        Organisation,
        (
            # Bulk writers store the membership status that Membership.save() would.
            named(
                Organisation,
                name=f"機構{c}",
                slug=f"organisation-{i}",
                industry=industry,
                source=source,
                membership_status="active",
            )
            for (i, c), industry, source in zip(numbers, industries, sources, strict=True)
        ),
    )
    bulk(Membership, (Membership(organisation=o, status="active", tier="council", since=DAY) for o in organisations))
    bodies = bulk(Body, (Body(name=f"委員會{c}", slug=f"body-{i}") for i, c in numbers))
    positions = bulk(Position, (Position(body=body, name="主任") for body in bodies))
    people = bulk(Person, (named(Person, name=f"人物{c}") for i, c in numbers))
    bulk(
        Term,
        (
            term
            for position, person, organisation in zip(positions, people, organisations, strict=True)
            for term in [
                Term(position=position, person=person, affiliation=organisation, started_on=DAY),
                Term(position=position, organisation=organisation, started_on=DAY, ended_on=DAY),
            ]
        ),
    )
    alliances = bulk(
        Alliance, (Alliance(name=f"聯盟{c}", guided_by=o) for (i, c), o in zip(numbers, organisations, strict=True))
    )
    bulk(
        Platform,
        (Platform(alliance=a, number=1, name=f"平臺{c}") for (i, c), a in zip(numbers, alliances, strict=True)),
    )
    events = bulk(
        Event, (Event(alliance=a, name=f"大會{c}", held_on=DAY) for (i, c), a in zip(numbers, alliances, strict=True))
    )
    bulk(Speaker, (Speaker(event=event, person=person) for event, person in zip(events, people, strict=True)))
    bulk(
        PolicyDocument,
        (
            PolicyDocument(alliance=a, title=f"文件{c}", issued_by="國務院", issuer=o)
            for (i, c), a, o in zip(numbers, alliances, organisations, strict=True)
        ),
    )
    contacts = bulk(
        Contact,
        (
            named(Contact, organisation=o, name=f"聯絡人{c}", email=f"c{i}@example.cn", email_key=f"c{i}@example.cn")
            for (i, c), o in zip(numbers, organisations, strict=True)
        ),
    )
    bulk(ContactRole, (ContactRole(contact=c, organisation_id=c.organisation_id, role="primary") for c in contacts))
    notices = bulk(Notice, (Notice(subject_zh_hans=f"通知{c}", body_zh_hans="正文") for i, c in numbers))
    bulk(
        Delivery,
        (
            Delivery(notice=n, contact=c, email=c.email, language=c.language, status="sent")
            for n, c in zip(notices, contacts, strict=True)
        ),
    )


CHANGELISTS = [
    "members:organisation",
    "members:membership",
    "members:sector",
    "members:industry",
    "governance:body",
    "governance:position",
    "governance:person",
    "governance:term",
    "records:source",
    "alliance:alliance",
    "alliance:platform",
    "alliance:event",
    "alliance:speaker",
    "alliance:policydocument",
    "contacts:contact",
    "contacts:contactrole",
    "notices:notice",
    "notices:delivery",
]
# Lists whose rows cannot grow: one text a kind of notice.
FIXED_CHANGELISTS = ["notices:noticetext"]


def test_every_changelist_is_covered():
    from django.contrib import admin

    ours = {
        "records",
        "alliance",
        "members",
        "contacts",
        "notices",
        "governance",
    }  # users, groups and login attempts are Django's and axes'
    registered = {
        f"{m._meta.app_label}:{m._meta.model_name}" for m in admin.site._registry if m._meta.app_label in ours
    }
    assert registered == {*CHANGELISTS, *FIXED_CHANGELISTS}


def changelist_queries(client) -> dict[str, int]:
    counts = {}
    for changelist in CHANGELISTS:
        app, model = changelist.split(":")
        url = reverse(f"admin:{app}_{model}_changelist")
        client.get(
            url
        )  # Fills the shared cache (the province filter's choices), as the first view after a change does.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, changelist
        counts[changelist] = (len(queries), min(response.context["cl"].result_count, 100))
    return counts


def test_changelist_queries_do_not_grow_with_rows(editor_client):
    make_rows(0, 10)
    few = changelist_queries(editor_client)
    make_rows(10, 200)
    many = changelist_queries(editor_client)
    assert all(rows >= 10 for _, rows in few.values()), few
    assert all(rows == 100 for _, rows in many.values()), many  # a full page: 100 rows on the first of two
    assert {name: n for name, (n, _) in many.items()} == {name: n for name, (n, _) in few.items()}


def test_organisation_list_queries_do_not_depend_on_the_page_or_the_search(editor_client):
    url = reverse("admin:members_organisation_changelist")
    make_rows(0, 200)
    editor_client.get(url)
    counts = {}
    for query in ["", "?p=2", "?q=機構", "?q=jigou", "?q=不存在", "?status=all&p=2", "?status=withdrawn", "?o=5"]:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url + query).status_code == 200
        counts[query] = len(queries)
    assert set(counts.values()) == {counts[""]}, counts
