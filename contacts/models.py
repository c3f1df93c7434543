"""The people at member organisations whom the secretariat writes to (联系人), and the roles they hold."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from contacts import validators
from records import names
from records.models import ChineseNamed


def _today() -> datetime.date:
    return timezone.localdate()


class ContactQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Contacts still at their organisation on a date (today by default)."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=on or _today()))

    def holding(self, *roles: str, on: datetime.date | None = None):
        """Current contacts holding any of ``roles`` on a date."""
        held = ContactRole.objects.current(on).filter(role__in=roles).values("contact")
        return self.current(on).filter(pk__in=held)

    def bouncing(self):
        """Contacts whose e-mail address a mail server refused for good."""
        return self.exclude(email_bounced_at=None)

    def search(self, text: str):
        """Names in either script, pinyin and initials, e-mail addresses and telephone numbers."""
        text = names.clean_text(text or "")
        if not text:
            return self
        condition = Q(name_hans__contains=names.to_simplified(text)) | Q(name_en__icontains=text)
        condition |= Q(email_key__contains=validators.email_key(text))
        letters = "".join(c for c in text.lower() if c.isascii() and c.isalnum())
        if letters and text.isascii():
            condition |= Q(pinyin__contains=letters) | Q(initials__startswith=letters)
        if number := validators.telephone_key(text):
            condition |= Q(mobile_key=number) | Q(telephone_key=number)
        digits = "".join(c for c in text if c.isdigit())
        if len(digits) >= 4:
            condition |= Q(mobile_key__contains=digits) | Q(telephone_key__contains=digits)
        return self.filter(condition)


class Contact(ChineseNamed):
    """A person at a member organisation whom the secretariat deals with. Never shown publicly."""

    class Language(models.TextChoices):
        SIMPLIFIED = "zh-hans", _("Simplified Chinese")
        TRADITIONAL = "zh-hant", _("Traditional Chinese")
        ENGLISH = "en", _("English")

    organisation = models.ForeignKey(
        "members.Organisation", models.PROTECT, verbose_name=_("organisation"), related_name="contacts"
    )
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("职务, such as 办公室主任."))
    department = models.CharField(_("department"), max_length=100, blank=True)
    mobile = models.CharField(
        _("mobile"),
        max_length=40,
        blank=True,
        validators=[validators.validate_mobile],
        help_text=_("As the person writes it; a number without a country code is a mainland one."),
    )
    telephone = models.CharField(
        _("office telephone"), max_length=40, blank=True, validators=[validators.validate_telephone]
    )
    email = models.CharField(_("e-mail"), max_length=254, blank=True, validators=[validators.validate_contact_email])
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=Language.choices,
        default=Language.SIMPLIFIED,
        help_text=_("The language and script of the mail the person receives."),
    )
    left_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        help_text=_("The day the person left the organisation: kept as history, and sent nothing from then on."),
    )
    email_bounced_at = models.DateTimeField(_("e-mail bounced"), null=True, blank=True, editable=False)
    email_bounce = models.CharField(
        _("bounce reply"), max_length=500, blank=True, editable=False, help_text=_("The mail server's refusal.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # For matching: the number in E.164 form and the address in lower case, whichever way they were typed.
    mobile_key = models.CharField(_("mobile, as matched"), max_length=20, editable=False, db_index=True)
    telephone_key = models.CharField(_("telephone, as matched"), max_length=20, editable=False, db_index=True)
    email_key = models.CharField(_("e-mail, as matched"), max_length=254, editable=False, db_index=True)

    history = HistoricalRecords(no_db_index=["organisation", "name_key", "pinyin"])
    objects = ContactQuerySet.as_manager()

    unique_name = False  # Two people, even at one organisation, may share a name.
    shown_publicly = False

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation__pinyin", "pinyin", "id"]
        indexes = [models.Index(fields=["organisation", "left_on"], name="contacts_contact_organisation")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="contacts_contact_name_not_empty",
                violation_error_message=_("Enter a name."),
            ),
            models.CheckConstraint(
                condition=Q(language__in=["zh-hans", "zh-hant", "en"]),
                name="contacts_contact_language_valid",
                violation_error_message=_("Unknown language."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation_id else self.name

    def save(self, *args, **kwargs):
        self.email = validators.normalise_email(self.email)
        self.mobile_key = validators.telephone_key(self.mobile)
        self.telephone_key = validators.telephone_key(self.telephone)
        self.email_key = validators.email_key(self.email)
        super().save(*args, **kwargs)

    @property
    def has_left(self) -> bool:
        return self.left_on is not None and self.left_on <= _today()


class ContactRoleQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Roles held on a date (today by default)."""
        on = on or _today()
        return self.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gt=on))


class ContactRole(models.Model):
    """A role a contact holds for their organisation, from one day to another: who to write to about what."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("primary contact")
        DUES = "dues", _("dues contact")
        REPRESENTATIVE = "representative", _("representative to the alliance")

    contact = models.ForeignKey(Contact, models.PROTECT, verbose_name=_("contact"), related_name="roles")
    # The contact's organisation, kept on the role so that the database can hold one current primary contact each.
    organisation = models.ForeignKey(
        "members.Organisation", models.PROTECT, verbose_name=_("organisation"), related_name="+", editable=False
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    since = models.DateField(_("since"), default=_today)
    until = models.DateField(_("until"), null=True, blank=True, help_text=_("The day the role ended."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ContactRoleQuerySet.as_manager()

    shown_publicly = False

    class Meta:
        verbose_name = _("contact role")
        verbose_name_plural = _("contact roles")
        ordering = ["contact", "role", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role="primary", until__isnull=True),
                name="contacts_role_one_current_primary_per_organisation",
                violation_error_message=_(
                    "The organisation already has a current primary contact: end that role first."
                ),
            ),
            models.UniqueConstraint(
                fields=["contact", "role"],
                condition=Q(until__isnull=True),
                name="contacts_role_once_at_a_time",
                violation_error_message=_("The contact already holds this role."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="contacts_role_ends_after_start",
                violation_error_message=_("A role cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=["primary", "dues", "representative"]),
                name="contacts_role_valid",
                violation_error_message=_("Unknown role."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.contact.name}"

    def save(self, *args, **kwargs):
        self.organisation_id = self.contact.organisation_id
        super().save(*args, **kwargs)

    def held_on(self, day: datetime.date) -> bool:
        """Whether the role is held on ``day``, as ContactRoleQuerySet.current() selects it."""
        return self.since <= day and (self.until is None or self.until > day)

    def clean(self):
        # The constraints name the organisation, which no form shows: checked here, where staff see why.
        if self.contact_id is None or self.until is not None:
            return
        self.organisation_id = self.contact.organisation_id
        others = ContactRole.objects.filter(until__isnull=True).exclude(pk=self.pk)
        if others.filter(contact=self.contact_id, role=self.role).exists():
            raise ValidationError({"role": _("The contact already holds this role.")})
        if self.role == self.Role.PRIMARY:
            held = others.filter(organisation=self.organisation_id, role=self.Role.PRIMARY).select_related("contact")
            if holder := held.first():
                raise ValidationError(
                    {
                        "role": _("%(name)s is the current primary contact: end that role first.")
                        % {"name": holder.contact.name}
                    }
                )
