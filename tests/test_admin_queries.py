"""Every changelist costs the same number of queries for 50 rows as for 5: no column queries per row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Body, Person, Position, Term
from members.models import Industry, Membership, Organisation, Sector
from registry.models import Alliance, Event, Platform, PolicyDocument, Source, Speaker

DAY = datetime.date(2017, 7, 22)
DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(n))


def make_rows(start: int, stop: int):
    """One row of every registry model per number, linked the way real data is."""
    for i in range(start, stop):
        c = chinese(i)
        source = Source.objects.create(title=f"來源{c}")
        sector = Sector.objects.create(name=f"領域{c}", slug=f"sector-{i}", source=source)
        industry = Industry.objects.create(name=f"行業{c}", slug=f"industry-{i}", sector=sector)
        organisation = Organisation.objects.create(name=f"機構{c}", industry=industry, source=source)
        Membership.objects.create(organisation=organisation, status="active", tier="council", since=DAY)
        body = Body.objects.create(name=f"委員會{c}", slug=f"body-{i}")
        position = Position.objects.create(body=body, name="主任")
        person = Person.objects.create(name=f"人物{c}")
        Term.objects.create(position=position, person=person, affiliation=organisation, started_on=DAY)
        Term.objects.create(position=position, organisation=organisation, started_on=DAY, ended_on=DAY)
        alliance = Alliance.objects.create(name=f"聯盟{c}", guided_by=organisation)
        Platform.objects.create(alliance=alliance, number=1, name=f"平臺{c}")
        event = Event.objects.create(alliance=alliance, name=f"大會{c}", held_on=DAY)
        Speaker.objects.create(event=event, person=person)
        PolicyDocument.objects.create(alliance=alliance, title=f"文件{c}", issued_by="國務院", issuer=organisation)


CHANGELISTS = [
    "members:organisation",
    "members:membership",
    "members:sector",
    "members:industry",
    "governance:body",
    "governance:position",
    "governance:person",
    "governance:term",
    "registry:source",
    "registry:alliance",
    "registry:platform",
    "registry:event",
    "registry:speaker",
    "registry:policydocument",
]


def test_every_changelist_is_covered():
    from django.contrib import admin

    ours = {"registry", "members", "governance"}  # users, groups and login attempts are Django's and axes'
    registered = {
        f"{m._meta.app_label}:{m._meta.model_name}" for m in admin.site._registry if m._meta.app_label in ours
    }
    assert registered == set(CHANGELISTS)


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(editor_client, changelist, django_assert_num_queries):
    app, model = changelist.split(":")
    url = reverse(f"admin:{app}_{model}_changelist")
    make_rows(0, 5)
    with CaptureQueriesContext(connection) as five:
        response = editor_client.get(url)
    assert len(response.context["cl"].result_list) >= 5
    make_rows(5, 50)
    with django_assert_num_queries(len(five)):
        response = editor_client.get(url)
    assert len(response.context["cl"].result_list) >= 50
