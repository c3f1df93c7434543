"""The alliance's own profile, and the pieces every registry record shares."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry import names

HISTORY_UNINDEXED = [
    "slug", "name_key", "pinyin", "credit_code", "source", "industry", "sector", "organisation", "person",
    "position", "affiliation", "body", "alliance", "event", "issuer", "guided_by",
]  # fmt: skip


class Source(models.Model):
    """A published document the registry's data was taken from."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("address"), blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("The source's full text, as published."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["title"]

    def __str__(self):
        return self.title


class Sourced(models.Model):
    """A record that can say which source it came from."""

    source = models.ForeignKey(
        Source, models.PROTECT, verbose_name=_("source"), null=True, blank=True, related_name="+", db_index=False
    )
    source_quote = models.CharField(
        _("source quote"), max_length=500, blank=True, help_text=_("The source's own words for this record.")
    )
    source_inferred = models.CharField(
        _("inferred"),
        max_length=300,
        blank=True,
        help_text=_("What this record adds from outside the source, such as a year or an English name."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # History rows are read per object (by id and date): indexes on their other columns would only
    # slow every write, which bulk imports feel most.
    history = HistoricalRecords(inherit=True, no_db_index=HISTORY_UNINDEXED)

    class Meta:
        abstract = True


class CodePointCharField(models.CharField):
    """A CharField that PostgreSQL compares code point by code point, as the collation "C".

    Its sort keys (pinyin, match keys, slugs) then compare with memcmp rather than the locale's rules:
    an import of 100,000 organisations spent 40% less time writing their indexes. The order is the
    code point order a C.UTF-8 database and SQLite's BINARY collation give every column already.
    """

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


NAME_TAKEN = _("%(name)s already exists (names are compared across scripts and widths).")


class ChineseNamed(models.Model):
    """A record named in Chinese, with both scripts, pinyin and a match key derived on save."""

    name = CodePointCharField(_("name"), max_length=200, help_text=_("As entered, in either script."))
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_hans = models.CharField(_("name (Simplified)"), max_length=200, editable=False)
    name_hant = models.CharField(_("name (Traditional)"), max_length=200, editable=False)
    pinyin = CodePointCharField(_("pinyin"), max_length=400, editable=False)
    initials = models.CharField(_("pinyin initials"), max_length=200, editable=False)
    pinyin_override = models.CharField(
        _("pinyin override"),
        max_length=400,
        blank=True,
        help_text=_("Only where the derived pinyin is wrong, syllables separated by spaces: zeng guo fan."),
    )
    name_key = CodePointCharField(_("match key"), max_length=200, editable=False)

    unique_name = True  # Subclasses declare a UniqueConstraint on name_key to match.

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.derive_names()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "pinyin_override"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_hans", "name_hant", "pinyin", "initials", "name_key"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.derive_names()
        if not self.name:
            raise ValidationError({"name": _("Enter a name.")})
        if self.unique_name:
            clash = type(self)._default_manager.filter(name_key=self.name_key).exclude(pk=self.pk).first()
            if clash:
                raise ValidationError({"name": NAME_TAKEN % {"name": clash.name}})

    def validate_constraints(self, exclude=None):
        # clean() has reported a clash of match keys on the name, where staff can see it.
        super().validate_constraints(exclude={*(exclude or ()), "name_key"})

    def derive_names(self):
        self.name = names.clean_text(self.name)
        self.name_hans, self.name_hant = names.scripts(self.name)
        self.pinyin, self.initials = names.pinyin(self.name, self.pinyin_override)
        self.name_key = names.match_key(self.name)

    def display_name(self, language: str | None = None) -> str:
        """The name in the script of ``language`` (the active language by default)."""
        language = language or translation.get_language() or "zh-hans"
        if language == "en" and self.name_en:
            return self.name_en
        return self.name_hant if language == "zh-hant" else self.name_hans


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
            models.UniqueConstraint(fields=["alliance", "number"], name="registry_platform_number_unique"),
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
            models.UniqueConstraint(fields=["alliance", "name", "held_on"], name="registry_event_unique"),
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
            models.UniqueConstraint(fields=["event", "person"], name="registry_speaker_once_per_event"),
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
            models.UniqueConstraint(fields=["alliance", "title"], name="registry_policydocument_title_unique"),
        ]

    def __str__(self):
        return self.title
