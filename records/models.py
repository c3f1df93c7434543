"""The pieces every registry record shares: where it came from, and its Chinese name in both scripts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from records import names

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
