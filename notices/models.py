"""Notices (通知) the secretariat sends to members' contacts, and the log of every delivery."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, ContactRole
from members.models import Industry, Membership, Organisation

LANGUAGES = ["zh-hans", "zh-hant", "en"]


class Kind(models.TextChoices):
    """What a notice is about; each kind has a default text staff can change (NoticeText)."""

    GENERAL = "general", _("notice")
    MEETING = "meeting", _("meeting notice")
    APPLICATION_RESULT = "application_result", _("application result")
    FEE_NOTICE = "fee_notice", _("fee notice")
    REMINDER = "reminder", _("dues reminder")
    CERTIFICATE = "certificate", _("membership certificate")


class Texts(models.Model):
    """A subject and a body in each of the three languages; a language left empty is made from another."""

    subject_zh_hans = models.CharField(_("subject (Simplified Chinese)"), max_length=200, blank=True)
    body_zh_hans = models.TextField(_("body (Simplified Chinese)"), blank=True)
    subject_zh_hant = models.CharField(_("subject (Traditional Chinese)"), max_length=200, blank=True)
    body_zh_hant = models.TextField(_("body (Traditional Chinese)"), blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)

    class Meta:
        abstract = True

    def text(self, part: str, language: str) -> str:
        return getattr(self, f"{part}_{language.replace('-', '_')}")

    def written_in(self) -> list[str]:
        return [language for language in LANGUAGES if self.text("subject", language) and self.text("body", language)]


class NoticeText(Texts):
    """The text a kind of notice starts from, which staff edit: the fee notice, the application result…"""

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notice text")
        verbose_name_plural = _("notice texts")
        ordering = ["kind"]

    def __str__(self):
        return str(self.get_kind_display())


class NoticeQuerySet(models.QuerySet):
    def with_delivery_counts(self):
        return self.annotate(
            queued=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.QUEUED)),
            sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            uncertain=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.UNCERTAIN)),
        )


class Notice(Texts):
    """A message to an audience of contacts, each receiving it in their own language and script."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.GENERAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    # The audience: members by these (any of a list; an empty list does not narrow), their contacts in these roles.
    member_statuses = models.JSONField(_("membership statuses"), default=list, blank=True)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    industries = models.ManyToManyField(Industry, verbose_name=_("industries"), blank=True, related_name="+")
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    organisation_kinds = models.JSONField(_("kinds of organisation"), default=list, blank=True)
    roles = models.JSONField(_("contact roles"), default=list, blank=True)
    addresses = models.TextField(
        _("uploaded list"),
        blank=True,
        help_text=_("E-mail addresses of contacts, one a line, as uploaded: then the list is the audience."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, verbose_name=_("written by"), null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    task_id = models.CharField(_("task result id"), max_length=64, blank=True, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        permissions = [("send_notice", _("Can send notices"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "sending", "sent"]),
                name="notices_notice_status_valid",
                violation_error_message=_("Unknown notice status."),
            ),
        ]

    def __str__(self):
        return self.subject_zh_hans or self.subject_zh_hant or self.subject_en or str(self.get_kind_display())

    def audience(self):
        """The current contacts this notice is for, with an address, whether or not it was sent to them."""
        contacts = Contact.objects.current().exclude(email="").select_related("organisation")
        if self.addresses.strip():
            keys = {line.strip().lower() for line in self.addresses.splitlines() if line.strip()}
            return contacts.filter(email_key__in=keys)
        organisations = Organisation.objects.all()
        organisations = organisations.filter(membership_status__in=self.member_statuses or [Membership.Status.ACTIVE])
        if self.tiers:
            organisations = organisations.filter(
                pk__in=Membership.objects.open().filter(tier__in=self.tiers).values("organisation")
            )
        if self.pk and self.industries.exists():
            organisations = organisations.filter(industry__in=self.industries.all())
        if self.provinces:
            organisations = organisations.filter(province__in=self.provinces)
        if self.organisation_kinds:
            organisations = organisations.filter(kind__in=self.organisation_kinds)
        roles = self.roles or [ContactRole.Role.PRIMARY]
        return contacts.filter(organisation__in=organisations).holding(*roles)


class Delivery(models.Model):
    """One recipient's copy of a notice: the record of what the alliance sent to whom, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNCERTAIN = "uncertain", _("outcome unknown")

    notice = models.ForeignKey(Notice, models.PROTECT, verbose_name=_("notice"), related_name="deliveries")
    contact = models.ForeignKey(Contact, models.PROTECT, verbose_name=_("contact"), related_name="deliveries")
    email = models.CharField(_("e-mail"), max_length=254, help_text=_("The address it went to, as it was then."))
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    resend = models.BooleanField(_("sent again"), default=False, help_text=_("Sent again on purpose by staff."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    reply = models.CharField(_("server reply"), max_length=500, blank=True, help_text=_("The mail server's answer."))
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["notice", "id"]
        indexes = [models.Index(fields=["notice", "status", "next_attempt_at"], name="notices_delivery_pending")]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "contact"],
                condition=Q(resend=False),
                name="notices_delivery_once_per_contact",
                violation_error_message=_("This notice was sent to this contact already; resend it on purpose."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed", "uncertain"]),
                name="notices_delivery_status_valid",
                violation_error_message=_("Unknown delivery status."),
            ),
        ]

    def __str__(self):
        return f"{self.notice} → {self.email}"
