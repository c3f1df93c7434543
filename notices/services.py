"""Sending notices: queue a delivery per recipient, then deliver them from the worker, each at most once."""

import contextlib
import datetime
import logging
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact
from contacts.services import contact_bounced
from notices.models import Delivery, Notice, NoticeText
from notices.rendering import message_for

logger = logging.getLogger("registry.notices")

MAX_ATTEMPTS = 5
UNCERTAIN_REPLY = "The worker stopped while sending this copy: it may have arrived. Resend it on purpose if not."
FIRST_RETRY = datetime.timedelta(minutes=1)  # then 2, 4 and 8 minutes: a server's greylisting passes within them


class NothingToSend(ValidationError):
    """A notice without text, or with no one left to send it to."""


def notice_from_kind(*, kind: str, by: AbstractBaseUser | None, **audience) -> Notice:
    """A draft notice from the text staff keep for ``kind`` (a fee notice, an application result…)."""
    text = NoticeText.objects.filter(kind=kind).first()
    notice = Notice(kind=kind, created_by=by, **audience)
    if text is not None:
        for field in ("subject_zh_hans", "body_zh_hans", "subject_zh_hant", "body_zh_hant", "subject_en", "body_en"):
            setattr(notice, field, getattr(text, field))
    notice.save()
    return notice


def notice_send(*, notice: Notice, by: AbstractBaseUser | None, contacts=None, resend: bool = False) -> int:
    """Queue the notice for its audience (or ``contacts``) and hand it to a worker; the number queued.

    A contact it was sent to already is left out, unless ``resend``: staff sending it again on purpose.
    Contacts whose address bounced are left out until staff correct it.
    """
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if not notice.written_in():
            raise NothingToSend(_("Write the notice's subject and body in at least one language first."))
        recipients = (notice.audience() if contacts is None else Contact.objects.filter(pk__in=contacts)).filter(
            email_bounced_at=None
        )
        if not resend:
            recipients = recipients.exclude(pk__in=notice.deliveries.filter(resend=False).values("contact"))
        deliveries = [
            Delivery(notice=notice, contact=contact, email=contact.email, language=contact.language, resend=resend)
            for contact in recipients.exclude(email="").order_by("pk")
        ]
        if not deliveries:
            raise NothingToSend(_("Everyone this notice is for has been sent it already, or has no working address."))
        Delivery.objects.bulk_create(deliveries, batch_size=500)
        Notice.objects.filter(pk=notice.pk).update(status=Notice.Status.SENDING)
        # The task's row is written in this transaction, with the deliveries: both are there, or neither.
        _enqueue(notice.pk)
    logger.info("notice %s queued for %s recipients by %s", notice.pk, len(deliveries), by)
    return len(deliveries)


def _enqueue(notice_id: int, run_after: datetime.datetime | None = None) -> None:
    from notices.tasks import send_notice

    task = send_notice.using(run_after=run_after) if run_after else send_notice
    result = task.enqueue(notice_id=notice_id)
    Notice.objects.filter(pk=notice_id).update(task_id=str(result.id))


def notices_resume(*, stalled_after: datetime.timedelta | None = None) -> int:
    """Hand to a worker again every notice with mail due, as after a worker died sending it; the number handed.

    A copy a dead worker was sending (claimed longer ago than any send can take) is marked of unknown
    outcome: it may have arrived, so it is not sent again unless staff resend it on purpose. Safe to run
    any number of times, beside running workers: two workers on one notice share its deliveries.
    """
    stalled_after = stalled_after or datetime.timedelta(seconds=2 * settings.EMAIL_TIMEOUT + 10)
    stalled = Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=timezone.now() - stalled_after)
    for notice_id in set(stalled.values_list("notice", flat=True)):
        stalled.filter(notice=notice_id).update(status=Delivery.Status.UNCERTAIN, reply=UNCERTAIN_REPLY)
        _finish(notice_id)
    due = Delivery.objects.filter(status=Delivery.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    )
    notices = list(
        Notice.objects.filter(status=Notice.Status.SENDING, pk__in=due.values("notice")).values_list("pk", flat=True)
    )
    for notice_id in notices:
        _enqueue(notice_id)
    return len(notices)


def _ready(notice_id: int):
    now = timezone.now()
    pending = Delivery.objects.filter(notice_id=notice_id, status=Delivery.Status.QUEUED)
    return pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def deliver(*, notice_id: int) -> int:
    """Send the notice's deliveries that are due, one at a time; the number sent.

    Each copy is claimed first (marked being sent, in a transaction of its own that skips rows other
    workers hold), then sent, then marked with the outcome. A worker that dies mid-send leaves that one
    copy "being sent": it is never sent again by itself, since it may have arrived, and notices_resume()
    marks it of unknown outcome for staff to resend on purpose. Every other copy is sent once.
    """
    notice = Notice.objects.get(pk=notice_id)
    sent = 0
    connection = get_connection(fail_silently=False)
    connection.open()  # one connection for them all: a backend that opens its own closes it after each message
    try:
        while (delivery := _claim(notice_id)) is not None:
            sent += _attempt(delivery, notice, connection)
    finally:
        connection.close()
    _finish(notice_id)
    return sent


def _claim(notice_id: int) -> Delivery | None:
    with transaction.atomic():
        delivery = _ready(notice_id).select_for_update(skip_locked=True).order_by("pk").first()
        if delivery is None:
            return None
        delivery.status, delivery.claimed_at = Delivery.Status.SENDING, timezone.now()
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
    return Delivery.objects.select_related("contact__organisation").get(pk=delivery.pk)


def _attempt(delivery: Delivery, notice: Notice, connection) -> int:
    try:
        _message(delivery, notice, connection).send()
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        return _refused(delivery, code, reply)
    except smtplib.SMTPResponseException as error:
        return _refused(delivery, error.smtp_code, error.smtp_error)
    except (OSError, smtplib.SMTPException) as error:  # a connection refused, reset or dropped
        connection.close()
        _reopen(connection)
        return _retry(delivery, str(error) or error.__class__.__name__)
    delivery.status, delivery.sent_at, delivery.reply = Delivery.Status.SENT, timezone.now(), ""
    delivery.save(update_fields=["status", "sent_at", "reply"])
    return 1


def _reopen(connection) -> None:
    with contextlib.suppress(OSError):  # the next message tries again, and is retried later if it fails too
        connection.open()


def _refused(delivery: Delivery, code: int, reply) -> int:
    reply = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    if 400 <= code < 500:
        return _retry(delivery, reply)
    delivery.status, delivery.reply = Delivery.Status.FAILED, reply[:500]
    delivery.save(update_fields=["status", "reply"])
    contact_bounced(contact_id=delivery.contact_id, reply=reply)
    logger.warning("notice %s to %s refused: %s", delivery.notice_id, delivery.email, reply)
    return 0


def _retry(delivery: Delivery, reply: str) -> int:
    delivery.reply = reply[:500]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
    else:
        delivery.status = Delivery.Status.QUEUED
        delivery.next_attempt_at = timezone.now() + FIRST_RETRY * 2 ** (delivery.attempts - 1)
    delivery.save(update_fields=["status", "reply", "next_attempt_at"])
    return 0


def _message(delivery: Delivery, notice: Notice, connection) -> EmailMultiAlternatives:
    message = message_for(notice, delivery.contact)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or None
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[delivery.email],
        connection=connection,
        headers={
            "Message-ID": make_msgid(f"notice-{notice.pk}-{delivery.pk}", domain=domain),
            "Content-Language": message.language,
        },
    )
    email.attach_alternative(message.html, "text/html")
    return email


def _finish(notice_id: int) -> None:
    """Mark the notice sent once no copy waits or is being sent; else come back when the next retry is due."""
    pending = Delivery.objects.filter(notice_id=notice_id, status=Delivery.Status.QUEUED)
    if pending.exists():
        due = pending.aggregate(due=Min("next_attempt_at"))["due"]
        if due is None or due <= timezone.now():
            return  # another worker holds them
        _enqueue(notice_id, run_after=due)
        return
    if Delivery.objects.filter(notice_id=notice_id, status=Delivery.Status.SENDING).exists():
        return  # another worker is sending one, or one was lost with its worker (notices_resume() tells)
    Notice.objects.filter(pk=notice_id, status=Notice.Status.SENDING).update(
        status=Notice.Status.SENT, sent_at=timezone.now()
    )
