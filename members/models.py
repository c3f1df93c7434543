import functools
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from members.validators import normalise_credit_code, validate_credit_code
from records import names
from records.models import ChineseNamed, Sourced


@dataclass
class SectorGroup:
    """A sector with its industries; ``sector`` is None for the industries no single sector covers."""

    sector: "Sector | None"
    industries: list = field(default_factory=list)

    @property
    def member_count(self) -> int:
        return sum(industry.member_count for industry in self.industries)


class SectorQuerySet(models.QuerySet):
    def groups(self) -> list[SectorGroup]:
        """Every sector with its industries, each with its count of active members, then the industries of no sector."""
        groups = {sector.pk: SectorGroup(sector) for sector in self}
        other = SectorGroup(None)
        for industry in Industry.objects.all():
            groups.get(industry.sector_id, other).industries.append(industry)
        return [*groups.values(), other] if other.industries else list(groups.values())


class Sector(ChineseNamed, Sourced):
    """A field of industry the alliance's membership covers."""

    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "pinyin"]
        constraints = [models.UniqueConstraint(fields=["name_key"], name="members_sector_name_unique")]


# The article writes an industry as its name and 行業 or 業 (電子信息行業); files and searches may leave it off.
INDUSTRY_SUFFIXES = ("行业", "业")


def industry_keys(key: str) -> set[str]:
    """A match key, and the same key without an industry suffix: 电子信息行业 also as 电子信息."""
    keys = {key} if key else set()
    for suffix in INDUSTRY_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            keys.add(key[: -len(suffix)])
            break
    return keys


class IndustryQuerySet(models.QuerySet):
    def named(self, text: str):
        """The industry ``text`` names in full: its name in either script, with or without 行業/業, its
        English name or its slug."""
        text = names.clean_text(text)
        if not text:
            return self.none()
        keys = industry_keys(names.match_key(text))
        return self.filter(Q(name_key__in=keys) | Q(name_en__iexact=text) | Q(slug=text.lower()))


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
    member_count = models.PositiveIntegerField(
        _("active members"),
        default=0,
        editable=False,
        help_text=_("Counted again whenever a member joins, leaves or changes industry."),
    )

    objects = IndustryQuerySet.as_manager()

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["order", "pinyin"]
        constraints = [models.UniqueConstraint(fields=["name_key"], name="members_industry_name_unique")]

    def get_absolute_url(self):
        return reverse("members:industry", kwargs={"slug": self.slug})


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    WITHDRAWN = "withdrawn", _("withdrawn")


class OrganisationQuerySet(models.QuerySet):
    def members(self):
        """Organisations with an active membership: the public directory."""
        return self.filter(membership_status=MembershipStatus.ACTIVE)

    def without_industry(self):
        """Organisations of no industry yet, whom no sector counts: the directory lists its members on their own."""
        return self.filter(industry=None)

    def search(self, query: str):
        """Match names in either script, English and short names, pinyin, initials and credit codes.

        A Simplified query finds a name entered in Traditional and the other way round, because
        names are compared in their derived Simplified form. A query of several words also finds the
        names that hold each of them: 联想 集团 finds 联想集团, as lenovo group finds Lenovo Group.
        """
        query = names.clean_text(unicodedata.normalize("NFKC", query or ""))
        if not query:
            return self
        condition = _name_matches(query)
        words = query.split()
        if len(words) > 1:
            condition |= functools.reduce(operator.and_, map(_name_matches, words))
        return self.filter(condition)

    def with_current_membership(self):
        """Annotate the current membership's tier and since: the open membership's, else the latest ended one's.

        Subqueries rather than a join: counting and paging the list leave them out, so only the rows
        shown work them out. The status is stored on the organisation.
        """
        current = Membership.objects.filter(organisation=OuterRef("pk")).current_first()
        return self.annotate(
            membership_tier=Subquery(current.values("tier")[:1]),
            membership_since=Subquery(current.values("since")[:1]),
        )


def _name_matches(text: str) -> Q:
    """Names, English and short names, pinyin, initials or credit codes holding ``text``."""
    # Chinese has no case: a plain LIKE then, which costs a fraction of ILIKE on every row scanned.
    contains = "contains" if text.lower() == text.upper() else "icontains"
    condition = Q(**{f"name_hans__{contains}": names.to_simplified(text)}) | Q(**{f"name_en__{contains}": text})
    for variant in names.search_variants(text):
        condition |= Q(**{f"short_name__{contains}": variant})
    letters = re.sub(r"[^0-9a-z]", "", text.lower())
    if letters and text.isascii():
        condition |= Q(pinyin__contains=letters) | Q(initials__startswith=letters)
        condition |= Q(credit_code__startswith=letters.upper())
        # ü is kept as v (铝 lv), but keyboards have no ü: lu and nu stand for it too.
        if (with_v := letters.replace("lu", "lv").replace("nu", "nv")) != letters:
            condition |= Q(pinyin__contains=with_v)
    return condition


class Organisation(ChineseNamed, Sourced):
    """Any body the registry knows: an enterprise, ministry, academy, institute or bank."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        GOVERNMENT = "government", _("government")
        ACADEMIA = "academia", _("academia")
        RESEARCH = "research", _("research institute")
        FINANCE = "finance", _("financial institution")
        ASSOCIATION = "association", _("association")

    # Unique by the named constraint below, not unique=True: on PostgreSQL that adds a second index
    # for LIKE 'prefix%' lookups, which nothing makes, and which cost an import of 100,000 new
    # organisations 0.4 s.
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        db_index=False,
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
        Industry,
        models.PROTECT,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        related_name="organisations",
        db_index=False,  # The listing index leads with it.
    )
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # Derived from the memberships and stored, so that the directory and the admin filter and sort
    # members from one index at any size. members/listing.py keeps it, called by every writer.
    membership_status = models.CharField(
        _("membership status"),
        max_length=16,
        choices=MembershipStatus.choices,
        blank=True,
        editable=False,
        help_text=_("Of the open membership, else of the latest ended one; empty without any."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # The id breaks ties, so that lists page in the index's order at any depth.
        ordering = ["pinyin", "name", "id"]
        indexes = [
            models.Index(fields=["pinyin", "name", "id"], name="members_organisation_pinyin"),
            # A status's members in list order: the admin's default list and the public search.
            models.Index(fields=["membership_status", "pinyin", "name", "id"], name="members_organisation_status"),
            # Members counted per industry, from a small index.
            models.Index(fields=["membership_status", "industry"], name="members_organisation_counts"),
            # An industry's members in list order, and the industry key's own lookups.
            models.Index(
                fields=["industry", "membership_status", "pinyin", "name", "id"], name="members_organisation_listing"
            ),
        ]
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
            models.UniqueConstraint(fields=["slug"], name="members_organisation_slug_unique"),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="members_organisation_name_not_empty",
                violation_error_message=_("Enter a name."),
            ),
            models.CheckConstraint(
                condition=Q(membership_status__in=["", *MembershipStatus.values]),
                name="members_organisation_membership_status_valid",
                violation_error_message=_("Unknown membership status."),
            ),
        ]

    def save(self, *args, **kwargs):
        self.credit_code = normalise_credit_code(self.credit_code) or None
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The member's public page, which answers while the membership is active."""
        return reverse("members:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        self.credit_code = normalise_credit_code(self.credit_code) or None

    def _unique_slug(self) -> str:
        self.derive_names()
        others = Organisation.objects.exclude(pk=self.pk)
        return unique_slug(self.name_en, self.pinyin, lambda slug: others.filter(slug=slug).exists())


def unique_slug(name_en: str, pinyin: str, taken: Callable[[str], bool]) -> str:
    """An organisation's slug: from its English name, else its pinyin, numbered past those ``taken``."""
    # An import of 100,000 organisations without English names spent 0.3 s in slugify("").
    base = (slugify(name_en) if name_en else "") or pinyin[:80] or "organisation"
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

    def current_first(self):
        """The open membership first (there is at most one), then the ended ones from the latest."""
        ended_last = Case(When(status=Membership.Status.WITHDRAWN, then=Value(1)), default=Value(0))
        return self.order_by(ended_last, F("since").desc(nulls_last=True), "-pk")


ONE_OPEN_MEMBERSHIP = _("This organisation already has a membership that has not ended.")


class Membership(Sourced):
    """An organisation's membership of the alliance."""

    class Tier(models.TextChoices):
        CHAIR = "chair", _("chair member")
        VICE_CHAIR = "vice_chair", _("vice-chair member")
        COUNCIL = "council", _("council member")
        MEMBER = "member", _("member")

    Status = MembershipStatus

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

    # What no public page shows: an edit of these alone leaves the cached public pages as they are.
    PRIVATE_FIELDS = frozenset({"notes"})

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__pinyin", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=~Q(status="withdrawn"),
                name="members_membership_one_open_per_organisation",
                violation_error_message=ONE_OPEN_MEMBERSHIP,
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="members_membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "active", "suspended", "withdrawn"]),
                name="members_membership_status_valid",
                violation_error_message=_("Unknown membership status."),
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
        if self.status != self.Status.WITHDRAWN and self.organisation_id is not None:
            others = Membership.objects.open().filter(organisation=self.organisation_id).exclude(pk=self.pk)
            if others.exists():
                errors[NON_FIELD_ERRORS] = ONE_OPEN_MEMBERSHIP
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() has checked for another open membership, also where the form leaves the status out (a
        # revert from the history), which the constraint's own check then skips.
        super().validate_constraints(exclude={*(exclude or ()), "organisation"})
