import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, FilteredRelation, OuterRef, Q, Subquery, When
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from members.validators import normalise_credit_code, validate_credit_code
from registry import names
from registry.models import ChineseNamed, Sourced


class Sector(ChineseNamed, Sourced):
    """A field of industry the alliance's membership covers."""

    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "pinyin"]
        constraints = [models.UniqueConstraint(fields=["name_key"], name="members_sector_name_unique")]


class Industry(ChineseNamed, Sourced):
    """An industry label members are listed under, inside a sector where the mapping is clear."""

    slug = models.SlugField(_("slug"), unique=True)
    sector = models.ForeignKey(
        Sector,
        models.PROTECT,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        related_name="industries",
        help_text=_("Left empty where the industry spans several sectors."),
    )
    label = models.CharField(
        _("label as written"), max_length=100, blank=True, help_text=_("For example 電子信息行業.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["order", "pinyin"]
        constraints = [models.UniqueConstraint(fields=["name_key"], name="members_industry_name_unique")]


class OrganisationQuerySet(models.QuerySet):
    def members(self):
        """Organisations with an active membership: the public directory."""
        return self.filter(memberships__status=Membership.Status.ACTIVE)

    def search(self, query: str):
        """Match names in either script, English and short names, pinyin, initials and credit codes.

        A Simplified query finds a name entered in Traditional and the other way round, because
        names are compared in their derived Simplified form.
        """
        query = names.clean_text(unicodedata.normalize("NFKC", query or ""))
        if not query:
            return self
        # Chinese has no case: a plain LIKE then, which costs a fraction of ILIKE on every row scanned.
        contains = "contains" if query.lower() == query.upper() else "icontains"
        condition = Q(**{f"name_hans__{contains}": names.to_simplified(query)}) | Q(**{f"name_en__{contains}": query})
        for variant in names.search_variants(query):
            condition |= Q(**{f"short_name__{contains}": variant})
        letters = re.sub(r"[^0-9a-z]", "", query.lower())
        if letters and query.isascii():
            condition |= Q(pinyin__contains=letters) | Q(initials__startswith=letters)
            condition |= Q(credit_code__startswith=letters.upper())
        return self.filter(condition)

    def with_current_membership(self):
        """Annotate the open membership (else the latest ended one): status, tier and since, in one query.

        An organisation has at most one open membership (a constraint says so), so it is a plain join that
        filters and sorts at any size; only organisations without one look up their latest ended membership.
        """
        ended = Membership.objects.filter(organisation=OuterRef("pk")).order_by(F("since").desc(nulls_last=True), "-pk")
        is_open = ~Q(memberships__status=Membership.Status.WITHDRAWN)

        def current(field):
            return Case(
                When(open_membership__isnull=False, then=F(f"open_membership__{field}")),
                default=Subquery(ended.values(field)[:1]),
            )

        return self.annotate(
            open_membership=FilteredRelation("memberships", condition=is_open),
            membership_status=current("status"),
            membership_tier=current("tier"),
            membership_since=current("since"),
        )


class Organisation(ChineseNamed, Sourced):
    """Any body the registry knows: an enterprise, ministry, academy, institute or bank."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        GOVERNMENT = "government", _("government")
        ACADEMIA = "academia", _("academia")
        RESEARCH = "research", _("research institute")
        FINANCE = "finance", _("financial institution")
        ASSOCIATION = "association", _("association")

    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Made from the English name or the pinyin when left empty."),
    )
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    # NULL, not "", when absent: the unique constraint must admit many organisations without a code.
    credit_code = models.CharField(  # noqa: DJ001
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)
    industry = models.ForeignKey(
        Industry, models.PROTECT, verbose_name=_("industry"), null=True, blank=True, related_name="organisations"
    )
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # The id breaks ties, so that lists page in the index's order at any depth.
        ordering = ["pinyin", "name", "id"]
        indexes = [models.Index(fields=["pinyin", "name", "id"], name="members_organisation_pinyin")]
        permissions = [
            ("import_organisation", _("Can import organisations")),
            ("export_organisation", _("Can export organisations")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(credit_code__isnull=False),
                name="members_organisation_credit_code_unique",
                violation_error_message=_("Another organisation already has this unified social credit code."),
            ),
            models.UniqueConstraint(
                fields=["name_key"],
                name="members_organisation_name_unique",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="members_organisation_name_not_empty"),
        ]

    def save(self, *args, **kwargs):
        self.credit_code = normalise_credit_code(self.credit_code) or None
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.credit_code = normalise_credit_code(self.credit_code) or None

    def _unique_slug(self) -> str:
        self.derive_names()
        others = Organisation.objects.exclude(pk=self.pk)
        return unique_slug(self.name_en, self.pinyin, lambda slug: others.filter(slug=slug).exists())


def unique_slug(name_en: str, pinyin: str, taken: Callable[[str], bool]) -> str:
    """An organisation's slug: from its English name, else its pinyin, numbered past those ``taken``."""
    base = slugify(name_en) or pinyin[:80] or "organisation"
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def open(self):
        """Memberships that have not ended: applied, active or suspended."""
        return self.exclude(status=Membership.Status.WITHDRAWN)


class Membership(Sourced):
    """An organisation's membership of the alliance."""

    class Tier(models.TextChoices):
        CHAIR = "chair", _("chair member")
        VICE_CHAIR = "vice_chair", _("vice-chair member")
        COUNCIL = "council", _("council member")
        MEMBER = "member", _("member")

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, verbose_name=_("organisation"), related_name="memberships"
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.MEMBER)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    since = models.DateField(_("member since"), null=True, blank=True)
    until = models.DateField(_("member until"), null=True, blank=True)
    is_founding = models.BooleanField(_("founding member"), default=False)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Not displayed publicly."))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__pinyin", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=~Q(status="withdrawn"),
                name="members_membership_one_open_per_organisation",
                violation_error_message=_("This organisation already has a membership that has not ended."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="members_membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "active", "suspended", "withdrawn"]),
                name="members_membership_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def clean(self):
        errors = {}
        if self.status == self.Status.ACTIVE and not self.since:
            self.since = timezone.localdate()
        if self.since and self.until and self.until < self.since:
            errors["until"] = _("A membership cannot end before it starts.")
        if errors:
            raise ValidationError(errors)
