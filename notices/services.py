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


def notices_resume() -> int:
    """Hand to a worker again every notice with mail due: after a worker died sending it, say. The number handed.

    Safe to run any number of times, beside running workers: two workers on one notice share its deliveries.
    """
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

    Each is sent inside a transaction that holds its row locked and marks it sent before it commits: a
    worker that dies mid-send leaves its row queued and unlocked for the next, and two workers never take
    the same row. The one gap left is a worker dying after the server accepted a message and before the
    commit, a few milliseconds; that message would go out twice.
    """
    notice = Notice.objects.get(pk=notice_id)
    sent = 0
    connection = get_connection(fail_silently=False)
    connection.open()  # one connection for them all: a backend that opens its own closes it after each message
    try:
        while True:
            with transaction.atomic():
                delivery = _ready(notice_id).select_for_update(skip_locked=True).select_related("contact__organisation")
                delivery = delivery.order_by("pk").first()
                if delivery is None:
                    break
                sent += _attempt(delivery, notice, connection)
    finally:
        connection.close()
    _finish(notice_id)
    return sent


def _attempt(delivery: Delivery, notice: Notice, connection) -> int:
    delivery.attempts += 1
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
    delivery.save(update_fields=["status", "sent_at", "reply", "attempts"])
    return 1


def _reopen(connection) -> None:
    with contextlib.suppress(OSError):  # the next message tries again, and is retried later if it fails too
        connection.open()


def _refused(delivery: Delivery, code: int, reply) -> int:
    reply = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    if 400 <= code < 500:
        return _retry(delivery, reply)
    delivery.status, delivery.reply = Delivery.Status.FAILED, reply[:500]
    delivery.save(update_fields=["status", "reply", "attempts"])
    contact_bounced(contact_id=delivery.contact_id, reply=reply)
    logger.warning("notice %s to %s refused: %s", delivery.notice_id, delivery.email, reply)
    return 0


def _retry(delivery: Delivery, reply: str) -> int:
    delivery.reply = reply[:500]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
    else:
        delivery.next_attempt_at = timezone.now() + FIRST_RETRY * 2 ** (delivery.attempts - 1)
    delivery.save(update_fields=["status", "reply", "attempts", "next_attempt_at"])
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
    """Mark the notice sent once nothing is queued; else come back when the next retry is due."""
    pending = Delivery.objects.filter(notice_id=notice_id, status=Delivery.Status.QUEUED)
    if pending.exists():
        due = pending.aggregate(due=Min("next_attempt_at"))["due"]
        if due is None or due <= timezone.now():
            return  # another worker holds them
        _enqueue(notice_id, run_after=due)
        return
    Notice.objects.filter(pk=notice_id, status=Notice.Status.SENDING).update(
        status=Notice.Status.SENT, sent_at=timezone.now()
    )
