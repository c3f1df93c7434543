import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, FilteredRelation, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records import names
from records.models import NAME_TAKEN, ChineseNamed, Sourced

# A council may have thousands of seats: the governance page names the first holders of each position and
# links to the position's own page, which lists them all.
HOLDERS_SHOWN = 50
# A position's current holders, the latest first: the governance page's first few are its own page's first.
HOLDERS_ORDER = ["-started_on", "pk"]
# The columns the public pages show of a term and its holder: the rest of each row stays in the database.
TERM_FIELDS = ["position", "title", "title_en", "started_on", "ended_on"]
HOLDER_FIELDS = ["name_en", "name_hans", "name_hant"]


@dataclass
class BodyGroup:
    """A body (None for the alliance's own offices) with its positions, each carrying its current terms."""

    body: "Body | None"
    positions: list = field(default_factory=list)


class BodyQuerySet(models.QuerySet):
    def groups(self, *, holders: int = HOLDERS_SHOWN) -> list[BodyGroup]:
        """Every body with its positions in rank order, each with its first ``holders`` current terms and a count."""
        today = timezone.localdate()
        held = Term.objects.current(today).order_by()
        # Ranked on the terms alone, joined to their holders after: the joins then cost a row per holder shown.
        first = held.annotate(rank=Window(RowNumber(), partition_by=F("position"), order_by=HOLDERS_ORDER)).filter(
            rank__lte=holders
        )
        current: dict[int, list[Term]] = {}
        for term in (
            Term.objects.with_holders().filter(pk__in=first.values("pk")).order_by("position_id", *HOLDERS_ORDER)
        ):
            current.setdefault(term.position_id, []).append(term)
        alliance = BodyGroup(None)
        groups = {body.pk: BodyGroup(body) for body in self.only("name", "name_en", "description")}
        # Counted over a join to the current terms: a subquery per position read each position's every term.
        positions = Position.objects.only("body", "name", "name_en").annotate(
            held=FilteredRelation("terms", condition=held_on(today, via="terms__")), holder_count=Count("held")
        )
        for position in positions.order_by("rank", "name"):
            position.current_terms = current.get(position.pk, [])
            position.more_holders = (position.holder_count or 0) - len(position.current_terms)
            group = groups.get(position.body_id, alliance)
            if group.body is not None:
                position.body = group.body
            group.positions.append(position)
        return [alliance, *groups.values()] if alliance.positions else list(groups.values())


class Body(Sourced):
    """A governing body of the alliance: a committee, the council or the secretariat."""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("guidance committee")
        ADVISORY = "advisory", _("advisory committee")
        EXPERT = "expert", _("expert committee")
        COUNCIL = "council", _("council")
        SECRETARIAT = "secretariat", _("secretariat")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        # Bodies are few: compared here, rather than by a derived key, across scripts (理事会 and 理事會).
        name_taken(self, Body.objects.exclude(pk=self.pk))


def name_taken(record, others) -> None:
    """Refuse ``record``'s name when one of ``others`` has the same name in either script or width."""
    key = names.match_key(record.name)
    clash = next((other for other in others.only("name") if names.match_key(other.name) == key), None)
    if record.name and clash is not None:
        raise ValidationError({"name": NAME_TAKEN % {"name": clash.name}})


class Position(Sourced):
    """An office in a body, or in the alliance itself when it belongs to no body."""

    body = models.ForeignKey(
        Body,
        models.PROTECT,
        verbose_name=_("body"),
        null=True,
        blank=True,
        related_name="positions",
        help_text=_("Empty for an office of the alliance as a whole, such as honorary chairman."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), default=10, help_text=_("Lower ranks are listed first."))
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["body__order", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="governance_position_unique_in_body"),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(body__isnull=True),
                name="governance_position_unique_in_alliance",
                violation_error_message=_("The alliance already has a position of this name outside any body."),
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="governance_position_has_a_seat",
                violation_error_message=_("A position has at least one seat."),
            ),
        ]

    def __str__(self):
        return f"{self.body.name}{self.name}" if self.body_id else self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.terms.exclude(exclusive=self.is_single_seat).update(exclusive=self.is_single_seat)

    def get_absolute_url(self):
        return reverse("governance:position", kwargs={"pk": self.pk})

    def clean(self):
        # A body being added with its positions has none saved yet to compare with: only an office of the
        # alliance as a whole, in no body, is compared with the others of the alliance.
        if self.body_id is not None or self.body is None:
            name_taken(self, Position.objects.filter(body=self.body_id).exclude(pk=self.pk))
        if self.pk and self.is_single_seat:
            terms = list(self.terms.order_by("started_on"))
            for earlier, later in zip(terms, terms[1:], strict=False):
                if earlier.ended_on is None or earlier.ended_on > later.started_on:
                    raise ValidationError(
                        {
                            "seats": _("%(a)s and %(b)s overlap: end one before making this a single seat.")
                            % {"a": earlier, "b": later}
                        }
                    )

    @property
    def is_single_seat(self) -> bool:
        return self.seats == 1


class Person(ChineseNamed, Sourced):
    """Someone who holds or has held an office in the alliance."""

    description = models.TextField(_("description"), blank=True)

    unique_name = False  # Two people may share a name.

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["pinyin", "name"]


def held_on(on: datetime.date, *, via: str = "") -> Q:
    """The condition that a term (reached through ``via``, as ``terms__``) is held on ``on``."""
    return Q(**{f"{via}started_on__lte": on}) & (
        Q(**{f"{via}ended_on__isnull": True}) | Q(**{f"{via}ended_on__gt": on})
    )


class TermQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Terms held on a date (today by default): who held what on that day."""
        return self.filter(held_on(on or timezone.localdate()))

    def past(self, on: datetime.date | None = None):
        return self.filter(ended_on__lte=on or timezone.localdate())

    def overlapping(self, start: datetime.date, end: datetime.date | None):
        """Terms sharing at least one day with [start, end); an open end runs for ever."""
        terms = self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
        return terms.filter(started_on__lt=end) if end else terms

    def with_holders(self, *related: str):
        """Terms with their holder (and ``related`` names, as ``position__name``), loading only what is shown."""
        holders = [f"{holder}__{name}" for holder in ("person", "organisation") for name in HOLDER_FIELDS]
        return self.select_related("person", "organisation").only(*TERM_FIELDS, *holders, *related)

    def with_positions(self):
        """Terms with their holder and position, for a list that names each term's position and body."""
        names = ["position__name", "position__name_en", "position__body__name", "position__body__name_en"]
        return self.with_holders(*names).select_related("position__body")


class Term(Sourced):
    """A person or organisation holding a position from one date to another.

    ``ended_on`` is the day the term ended: a successor may start that same day.
    """

    position = models.ForeignKey(Position, models.PROTECT, verbose_name=_("position"), related_name="terms")
    person = models.ForeignKey(
        Person, models.PROTECT, verbose_name=_("person"), null=True, blank=True, related_name="terms"
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        models.PROTECT,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        related_name="terms",
        help_text=_("For a position an organisation holds, such as the secretariat's host."),
    )
    title = models.CharField(
        _("held as"), max_length=200, blank=True, help_text=_("The holder's title at the time, e.g. 工信部副部長.")
    )
    title_en = models.CharField(_("held as (English)"), max_length=200, blank=True)
    affiliation = models.ForeignKey(
        "members.Organisation",
        models.PROTECT,
        verbose_name=_("affiliation"),
        null=True,
        blank=True,
        related_name="affiliated_terms",
        help_text=_("The organisation the title belongs to."),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    exclusive = models.BooleanField(
        editable=False, default=True, help_text=_("Copied from the position: a single seat admits no overlap.")
    )

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["position__body__order", "position__rank", "-started_on"]
        # The governance page lists past terms latest first, a page at a time.
        indexes = [models.Index(fields=["-ended_on", "-started_on", "-id"], name="governance_term_past")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="governance_term_ends_after_start",
                violation_error_message=_("A term cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="governance_term_has_one_holder",
                violation_error_message=_("A term is held by a person or by an organisation, not both nor neither."),
            ),
        ]
        # On PostgreSQL, migration 0002 adds governance_term_single_seat_no_overlap, an exclusion constraint.

    def __str__(self):
        return f"{self.holder} · {self.position}"

    def save(self, *args, **kwargs):
        self.exclusive = self.position.is_single_seat
        super().save(*args, **kwargs)

    @property
    def holder(self):
        return self.person or self.organisation

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on > today)

    def clean(self):
        errors = {}
        if (self.person_id is None) == (self.organisation_id is None):
            errors["person"] = _("Choose a person or an organisation as the holder, not both nor neither.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("A term cannot end before it starts.")
        if not errors and self.position_id and self.started_on:
            errors.update(self.seat_errors())
        if errors:
            raise ValidationError(errors)

    def overlaps(self, other: "Term") -> bool:
        """Whether the two terms share a day, as TermQuerySet.overlapping() has it."""
        return (other.ended_on is None or other.ended_on > self.started_on) and (
            self.ended_on is None or self.ended_on > other.started_on
        )

    def seat_errors(self, alongside: Sequence["Term"] = ()) -> dict:
        """The error if the position has no seat left for this term.

        ``alongside`` are terms saved in the same step (an admin inline's rows): they count as they are
        about to be, in place of their saved versions.
        """
        if self.position.seats < 1:
            return {}  # A position edited to no seats, which its own form refuses.
        alongside = [term for term in alongside if term.position_id == self.position_id and term is not self]
        saved = (
            Term.objects.filter(position=self.position_id)
            .exclude(pk__in=[term.pk for term in [self, *alongside] if term.pk])
            .overlapping(self.started_on, self.ended_on)
            .select_related("person", "organisation")
        )
        overlapping = [*saved, *(term for term in alongside if term.overlaps(self))]
        if len(overlapping) < self.position.seats:
            return {}
        other = overlapping[0]
        if not self.position.is_single_seat:
            message = _("All %(seats)d seats of %(position)s are taken in this period.")
        elif other.ended_on is None:
            message = _("%(position)s has one seat, and %(holder)s has held it since %(start)s.")
        else:
            message = _("%(position)s has one seat, and %(holder)s holds it from %(start)s to %(end)s.")
        return {
            "started_on": message
            % {
                "position": self.position,
                "holder": other.holder,
                "start": other.started_on,
                "end": other.ended_on,
                "seats": self.position.seats,
            }
        }
