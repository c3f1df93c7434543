"""The alliance's own profile: its mission, guidance, platforms, events and the policies it cites."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from records.models import Sourced


class Alliance(Sourced):
    """The alliance whose membership the registry keeps."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    standing = models.CharField(
        _("standing"), max_length=200, blank=True, help_text=_("What kind of alliance it is, in a phrase.")
    )
    standing_en = models.CharField(_("standing (English)"), max_length=200, blank=True)
    mission = models.TextField(_("mission"), blank=True)
    mission_en = models.TextField(_("mission (English)"), blank=True)
    stakeholders = models.CharField(_("stakeholders"), max_length=200, blank=True)
    stakeholders_en = models.CharField(_("stakeholders (English)"), max_length=200, blank=True)
    launched_by = models.CharField(_("launched by"), max_length=200, blank=True)
    launched_by_en = models.CharField(_("launched by (English)"), max_length=200, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    founded_in = models.CharField(_("founded in"), max_length=100, blank=True)
    founded_in_en = models.CharField(_("founded in (English)"), max_length=100, blank=True)
    guided_by = models.ForeignKey(
        "members.Organisation",
        models.PROTECT,
        verbose_name=_("guided by"),
        null=True,
        blank=True,
        related_name="guided_alliances",
    )
    supported_by = models.ManyToManyField(
        "members.Organisation", verbose_name=_("supported by"), blank=True, related_name="supported_alliances"
    )

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Platform(Sourced):
    """One of the service platforms the alliance runs."""

    alliance = models.ForeignKey(Alliance, models.PROTECT, verbose_name=_("alliance"), related_name="platforms")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["alliance", "number"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "number"], name="alliance_platform_number_unique"),
        ]

    def __str__(self):
        return self.name


class Event(Sourced):
    """A gathering of the alliance, such as its founding assembly."""

    class Kind(models.TextChoices):
        FOUNDING_ASSEMBLY = "founding_assembly", _("founding assembly")
        GENERAL_ASSEMBLY = "general_assembly", _("general assembly")
        OTHER = "other", _("other")

    alliance = models.ForeignKey(Alliance, models.PROTECT, verbose_name=_("alliance"), related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-held_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "name", "held_on"], name="alliance_event_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.held_on:%Y-%m-%d})"


class Speaker(Sourced):
    """A person who speaks at an event."""

    event = models.ForeignKey(Event, models.CASCADE, verbose_name=_("event"), related_name="speakers")
    person = models.ForeignKey("governance.Person", models.PROTECT, verbose_name=_("person"), related_name="speeches")
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    topic_en = models.CharField(_("topic (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["event", "order"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="alliance_speaker_once_per_event"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.event.name}"


class PolicyDocument(Sourced):
    """A policy the alliance cites as its background."""

    alliance = models.ForeignKey(Alliance, models.PROTECT, verbose_name=_("alliance"), related_name="policy_documents")
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, help_text=_("As the source names it."))
    issued_by_en = models.CharField(_("issued by (English)"), max_length=200, blank=True)
    issuer = models.ForeignKey(
        "members.Organisation",
        models.PROTECT,
        verbose_name=_("issuing organisation"),
        null=True,
        blank=True,
        related_name="policy_documents",
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["alliance", "order"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "title"], name="alliance_policydocument_title_unique"),
        ]

    def __str__(self):
        return self.title
