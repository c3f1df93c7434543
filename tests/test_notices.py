"""Notices to members' contacts, sent by the task worker through a real SMTP server on loopback."""

import datetime
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contacts.models import Contact, ContactRole
from contacts.services import contact_roles_set
from members.models import Industry, Membership, Organisation
from notices import services
from notices.models import Delivery, Kind, Notice, NoticeText
from tests.conftest import ROOT, add_membership, manage

Role = ContactRole.Role
TODAY = timezone.localdate()


def member_with_contact(name, *, language="zh-hans", tier="member", roles=(Role.PRIMARY,), industry=None, **fields):
    organisation = Organisation.objects.create(name=name, industry=industry, **fields)
    add_membership(organisation=organisation, status=Membership.Status.ACTIVE, tier=tier, since=TODAY)
    contact = Contact.objects.create(
        organisation=organisation,
        name=f"{name[:2]}聯絡人",
        name_en=f"Contact of {organisation.pk}",
        email=f"contact{organisation.pk}@member{organisation.pk}.example.cn",
        language=language,
    )
    contact_roles_set(contact=contact, roles=set(roles), on=TODAY, by=None)
    return contact


def notice(**fields) -> Notice:
    texts = {
        "subject_zh_hans": "关于{{ organisation }}年会的通知",
        "body_zh_hans": "{{ contact }}您好：\n请于十二月出席年会。",
    }
    return Notice.objects.create(**(texts | fields))


def test_each_contact_receives_the_notice_in_their_language_and_script(smtp_server, run_worker, industry):
    simplified = member_with_contact("联想集团", language="zh-hans", industry=industry)
    traditional = member_with_contact("華為技術有限公司", language="zh-hant", industry=industry)
    english = member_with_contact("海爾集團", language="en", industry=industry)
    sent = notice(subject_en="Annual meeting of {{ organisation }}", body_en="Dear {{ contact }},\nPlease come.")
    assert services.notice_send(notice=sent, by=None) == 3
    run_worker()

    received = {message["To"]: message for message in smtp_server.messages}
    assert set(received) == {simplified.email, traditional.email, english.email}
    hans, hant, en = received[simplified.email], received[traditional.email], received[english.email]
    # Django folds a long encoded subject onto the header's second line, which readers unfold to a space.
    assert hans["Subject"].strip() == "关于联想集团年会的通知"
    assert hant["Subject"].strip() == "關於華為技術有限公司年會的通知"  # made from the Simplified text
    assert en["Subject"].strip() == f"Annual meeting of {english.organisation.name_hans}"
    raw = smtp_server.raw[[m["To"] for m in smtp_server.messages].index(simplified.email)]
    assert b"\nSubject: =?utf-8?" in raw  # RFC 2047, as every mail reader decodes it
    assert (hans["Content-Language"], hant["Content-Language"], en["Content-Language"]) == ("zh-hans", "zh-hant", "en")
    text, html = (part.get_content() for part in hant.iter_parts())
    assert "華為聯絡人您好：" in text and "請於十二月出席年會。" in text
    assert "<p>華為聯絡人您好：<br>請於十二月出席年會。</p>" in html
    assert [part.get_content_type() for part in hant.iter_parts()] == ["text/plain", "text/html"]
    assert Notice.objects.get(pk=sent.pk).status == Notice.Status.SENT
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_notice_reaches_500_contacts_each_once_with_a_complete_log(smtp_server, run_worker, industry):
    organisations = [
        Organisation(name=f"會員單位{n:03d}", slug=f"member-{n}", industry=industry, membership_status="active")
        for n in range(500)
    ]
    for organisation in organisations:
        organisation.derive_names()
    organisations = Organisation.objects.bulk_create(organisations)
    Membership.objects.bulk_create(Membership(organisation=o, status="active", since=TODAY) for o in organisations)
    languages = ["zh-hans", "zh-hant", "en"]
    contacts = [
        Contact(organisation=o, name=f"聯絡人{n:03d}", email=f"c{n}@m{n}.example.cn", language=languages[n % 3])
        for n, o in enumerate(organisations)
    ]
    for contact in contacts:
        contact.derive_names()
        contact.email_key = contact.email
    contacts = Contact.objects.bulk_create(contacts)
    ContactRole.objects.bulk_create(
        ContactRole(contact=c, organisation_id=c.organisation_id, role=Role.PRIMARY, since=TODAY) for c in contacts
    )
    assert services.notice_send(notice=notice(), by=None) == 500
    run_worker()

    addresses = [message["To"] for message in smtp_server.messages]
    assert len(addresses) == 500 and len(set(addresses)) == 500
    by_address = {c.email: c for c in contacts}
    for message in smtp_server.messages:
        language = by_address[message["To"]].language
        # Written in Simplified only: Traditional readers get it converted, English readers the Chinese.
        assert message["Content-Language"] == ("zh-hans" if language == "en" else language)
    log = Delivery.objects.all()
    assert log.count() == 500 and set(log.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert not log.filter(sent_at=None).exists()


def test_a_notice_is_not_sent_twice_to_a_contact_unless_staff_resend_it(in_english, smtp_server, run_worker, industry):
    contact = member_with_contact("联想集团", industry=industry)
    sent = notice()
    services.notice_send(notice=sent, by=None)
    run_worker()
    with pytest.raises(services.NothingToSend, match="sent it already"):
        services.notice_send(notice=sent, by=None)
    later = member_with_contact("華為技術有限公司", industry=industry)
    assert services.notice_send(notice=sent, by=None) == 1  # only the member who joined since
    services.notice_send(notice=sent, by=None, contacts=[contact.pk], resend=True)
    run_worker()
    assert [m["To"] for m in smtp_server.messages] == [contact.email, later.email, contact.email]
    assert Delivery.objects.filter(contact=contact, resend=True).count() == 1


def test_a_temporary_refusal_is_tried_again_later_and_a_permanent_one_marks_the_address(
    smtp_server, run_worker, industry
):
    later = member_with_contact("联想集团", industry=industry)
    gone = member_with_contact("華為技術有限公司", industry=industry)
    smtp_server.refuse[later.email] = ["451 4.7.1 Greylisted, try again later"]
    smtp_server.refuse[gone.email] = ["550 5.1.1 No such user"] * 9
    sent = notice()
    services.notice_send(notice=sent, by=None)
    run_worker()
    retried = Delivery.objects.get(contact=later)
    assert (retried.status, retried.attempts, retried.reply) == ("queued", 1, "451 4.7.1 Greylisted, try again later")
    assert retried.next_attempt_at > timezone.now()
    failed = Delivery.objects.get(contact=gone)
    assert (failed.status, failed.reply) == ("failed", "550 5.1.1 No such user")
    assert Contact.objects.get(pk=gone.pk).email_bounced_at is not None
    assert Notice.objects.get(pk=sent.pk).status == Notice.Status.SENDING

    # As a minute later: the retry is due, and so is the task the worker left for it.
    Delivery.objects.filter(pk=retried.pk).update(next_attempt_at=timezone.now())
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    assert [m["To"] for m in smtp_server.messages] == [later.email]
    assert Delivery.objects.get(pk=retried.pk).status == "sent"
    assert Notice.objects.get(pk=sent.pk).status == Notice.Status.SENT
    with pytest.raises(services.NothingToSend):
        services.notice_send(notice=sent, by=None, contacts=[gone.pk], resend=True)  # until the address is fixed


def test_the_audience_narrows_by_status_tier_industry_province_kind_and_role(industry):
    other = Industry.objects.create(name="家電", slug="appliances")
    council = member_with_contact("联想集团", tier="council", industry=industry, province="北京")
    member = member_with_contact("華為技術有限公司", industry=other, province="廣東", roles=(Role.DUES,))
    academy = member_with_contact("中國工程院", industry=industry, kind=Organisation.Kind.ACADEMIA)
    left = member_with_contact("海爾集團", industry=industry)
    left.left_on = TODAY - datetime.timedelta(days=1)
    left.save()

    def audience(**fields):
        draft = notice(**{k: v for k, v in fields.items() if k != "industries"})
        draft.industries.set(fields.get("industries", []))
        return set(draft.audience())

    assert audience() == {council, academy}  # primary contacts of active members, still there
    assert audience(roles=[Role.DUES]) == {member}
    assert audience(tiers=["council"]) == {council}
    assert audience(industries=[industry], roles=[Role.PRIMARY, Role.DUES]) == {council, academy}
    assert audience(provinces=["廣東"], roles=[Role.DUES]) == {member}
    assert audience(organisation_kinds=["academia"]) == {academy}
    assert audience(member_statuses=["suspended"]) == set()
    assert audience(addresses=f"{member.email.upper()}\nnobody@example.cn") == {member}


def test_the_kinds_of_notice_start_from_texts_staff_can_edit(db):
    assert set(NoticeText.objects.values_list("kind", flat=True)) == set(Kind.values)
    NoticeText.objects.filter(kind=Kind.FEE_NOTICE).update(subject_zh_hans="2027年度会费缴纳通知")
    fee = services.notice_from_kind(kind=Kind.FEE_NOTICE, by=None)
    assert fee.subject_zh_hans == "2027年度会费缴纳通知" and "{{ tier }}" in fee.body_zh_hans
    assert fee.written_in() == ["zh-hans", "zh-hant", "en"]


def test_an_editor_writes_previews_and_sends_a_notice_and_follows_its_progress(
    editor_client, smtp_server, run_worker, industry
):
    contact = member_with_contact("联想集团", language="zh-hant", industry=industry, tier="council")
    add = reverse("admin:notices_notice_add")
    data = {
        "kind": "meeting",
        "subject_zh_hans": "理事会会议通知",
        "body_zh_hans": "{{ organisation }}（{{ tier }}）：",
    }
    data |= {"tiers": ["council"], "roles": [Role.PRIMARY]}
    assert editor_client.post(add, data).status_code == 302
    sent = Notice.objects.get()
    change = reverse("admin:notices_notice_change", args=[sent.pk])
    assert "The audience is 1 contact" in editor_client.get(change, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    preview = editor_client.get(reverse("admin:notices_notice_preview", args=[sent.pk])).content.decode()
    assert "理事會會議通知" in preview and "聯想集團（理事單位）：" in preview
    assert editor_client.post(reverse("admin:notices_notice_send", args=[sent.pk])).status_code == 302
    page = editor_client.get(change, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and "0 sent, 1 waiting, 0 failed." in page
    run_worker()
    page = editor_client.get(change, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 sent, 0 waiting, 0 failed." in page and 'http-equiv="refresh"' not in page
    assert [m["To"] for m in smtp_server.messages] == [contact.email]


def test_a_viewer_sees_no_notice_nor_its_log_and_may_send_nothing(viewer_client, industry):
    member_with_contact("联想集团", industry=industry)
    sent = notice()
    assert viewer_client.get(reverse("admin:notices_notice_changelist")).status_code == 403
    assert viewer_client.get(reverse("admin:notices_delivery_changelist")).status_code == 403
    assert viewer_client.post(reverse("admin:notices_notice_send", args=[sent.pk])).status_code == 403
    assert not Delivery.objects.exists()


QUEUE_300 = """
from django.utils import timezone
from contacts.models import Contact, ContactRole
from contacts.services import contact_roles_set
from members import listing
from members.models import Membership, Organisation
from notices.models import Notice
from notices.services import notice_send

today = timezone.localdate()
for n in range(300):
    organisation = Organisation.objects.create(name=f"會員單位{n:03d}")
    Membership.objects.create(organisation=organisation, status="active", since=today)
    contact = Contact.objects.create(organisation=organisation, name=f"聯絡人{n:03d}", email=f"c{n}@m{n}.example.cn")
    contact_roles_set(contact=contact, roles={"primary"}, on=today, by=None)
listing.refresh_all()
notice = Notice.objects.create(subject_zh_hans="年会通知", body_zh_hans="{{ contact }}您好")
print(notice_send(notice=notice, by=None))
"""


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes on one database: the PostgreSQL run")
def test_a_worker_killed_half_way_and_started_again_sends_the_rest_and_no_duplicate(new_postgres_database, smtp_server):
    url = new_postgres_database("notices")
    manage(url, "migrate", "--no-input", "-v0")
    assert manage(url, "shell", "--no-imports", "-c", QUEUE_300).strip() == "300"
    env = os.environ | {
        "DATABASE_URL": url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "EMAIL_USE_TLS": "0",
    }
    worker = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    first = subprocess.Popen(worker, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: len(smtp_server.messages) >= 100, 60)
        first.send_signal(signal.SIGKILL)  # no chance to finish the message in hand or mark anything
        first.wait(10)
    finally:
        first.kill()
    before = len(smtp_server.messages)
    assert before < 300, "the worker finished before it was killed"

    assert "1 notices handed" in manage(url, "send_notices")  # what `make worker` runs before a worker
    second = subprocess.run([*worker, "--batch"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr

    addresses = [message["To"] for message in smtp_server.messages]
    assert len(addresses) == len(set(addresses))  # no copy twice
    with psycopg.connect(url) as database:
        log = dict(database.execute("SELECT status, count(*) FROM notices_delivery GROUP BY status").fetchall())
        # The copy in the killed worker's hands may have arrived or not: it is not sent again by itself.
        assert log.get("sent", 0) >= 299 and log.get("sent", 0) + log.get("sending", 0) == 300, log
        sent = {row[0] for row in database.execute("SELECT email FROM notices_delivery WHERE status = 'sent'")}
        assert sent <= set(addresses) and len(set(addresses) - sent) <= 1
        database.execute("UPDATE notices_delivery SET claimed_at = claimed_at - interval '1 hour'")  # an hour later
    manage(url, "send_notices")
    with psycopg.connect(url) as database:
        log = dict(database.execute("SELECT status, count(*) FROM notices_delivery GROUP BY status").fetchall())
        notice = database.execute("SELECT status FROM notices_notice").fetchone()[0]
    assert log.get("sent", 0) + log.get("uncertain", 0) == 300 and log.get("uncertain", 0) <= 1, log
    assert notice == "sent"


def test_an_uploaded_list_in_gbk_becomes_the_notices_audience(editor_client, industry):
    listed = member_with_contact("联想集团", industry=industry)
    member_with_contact("華為技術有限公司", industry=industry)
    upload = SimpleUploadedFile("名单.csv", f"姓名,邮箱\n联络人,{listed.email.upper()}\n".encode("gbk"))
    data = {"kind": "general", "subject_zh_hans": "通知", "body_zh_hans": "正文", "address_file": upload}
    assert editor_client.post(reverse("admin:notices_notice_add"), data).status_code == 302
    notice = Notice.objects.get()
    assert notice.addresses == listed.email.lower()
    assert list(notice.audience()) == [listed]
