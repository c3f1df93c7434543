"""Load the alliance's seed data (fixtures/*.toml) into the registry, idempotently."""

import tomllib
from collections import Counter
from pathlib import Path

from django.db import models, transaction

from alliance.models import Alliance, Event, Platform, PolicyDocument, Speaker
from governance.models import Body, Person, Position, Term
from members import listing
from members.models import Industry, Membership, Organisation, Sector
from records import names
from records.models import Source


class Seeder:
    """Writes one seed file; every record is found by its natural key and saved only if it differs."""

    def __init__(self, path: Path):
        self.path = path
        self.data = tomllib.loads(path.read_text(encoding="utf-8"))
        self.counts: Counter[str] = Counter()
        self.source: Source | None = None

    def upsert(self, model: type[models.Model], key: dict, values: dict) -> models.Model:
        obj = model.objects.filter(**key).first()
        if obj is None:
            obj = model(**key, **values)
            outcome = "created"
        else:
            changed = {field: value for field, value in values.items() if getattr(obj, field) != value}
            for field, value in changed.items():
                setattr(obj, field, value)
            outcome = "updated" if changed else "unchanged"
        if outcome != "unchanged":
            obj.full_clean()
            obj.save()
        self.counts[outcome] += 1
        return obj

    def sourced(self, group: str, row: dict) -> dict:
        """The source fields of a record: its own quote and inferences, else its group's."""
        defaults = self.data.get("defaults", {}).get(group, {})
        return {
            "source": self.source,
            "source_quote": row.get("quote", defaults.get("quote", "")),
            "source_inferred": row.get("inferred", defaults.get("inferred", "")),
        }

    def organisation(self, name: str) -> Organisation:
        return Organisation.objects.get(name_key=names.match_key(name))

    def person(self, name: str) -> Person:
        return Person.objects.get(name_key=names.match_key(name))

    @transaction.atomic
    def run(self) -> Counter:
        data = self.data
        article = (self.path.parent / data["source"]["file"]).read_text(encoding="utf-8")
        self.source = self.upsert(Source, {"title": data["source"]["title"]}, {"text": article})

        for order, row in enumerate(data["sectors"], 1):
            self.upsert(
                Sector,
                {"slug": row["slug"]},
                self.fields(row, "name", "name_en", order=order) | self.sourced("sectors", row),
            )
        for order, row in enumerate(data["industries"], 1):
            sector = Sector.objects.get(slug=row["sector"]) if "sector" in row else None
            self.upsert(
                Industry,
                {"slug": row["slug"]},
                self.fields(row, "name", "name_en", "label", order=order, sector=sector)
                | self.sourced("industries", row),
            )
        for row in data["organisations"]:
            self.upsert_organisation(row, "organisations")
        for row in data["members"]:
            organisation = self.upsert_organisation(row, "members")
            terms = data["membership"]
            self.upsert(
                Membership,
                {"organisation": organisation, "is_founding": terms["is_founding"]},
                self.fields(terms, "status", "since") | self.sourced("membership", terms),
            )

        for order, row in enumerate(data["bodies"], 1):
            self.upsert(
                Body,
                {"slug": row["slug"]},
                self.fields(row, "name", "name_en", "kind", order=order) | self.sourced("bodies", row),
            )
        for row in data["people"]:
            self.upsert(
                Person,
                {"name_key": names.match_key(row["name"])},
                self.fields(row, "name", "name_en") | self.sourced("people", row),
            )
        for row in data["terms"]:
            self.upsert_term(row)

        alliance = self.upsert_alliance(data["alliance"])
        for number, row in enumerate(data["platforms"], 1):
            self.upsert(
                Platform,
                {"alliance": alliance, "number": number},
                self.fields(row, "name", "name_en") | self.sourced("platforms", row),
            )
        assembly = data["assembly"]
        event = self.upsert(
            Event,
            {"alliance": alliance, "name": assembly["name"], "held_on": assembly["held_on"]},
            self.fields(assembly, "kind", "name_en", "place", "place_en", "description", "description_en")
            | self.sourced("assembly", assembly),
        )
        for order, row in enumerate(assembly["speakers"], 1):
            self.upsert(
                Speaker,
                {"event": event, "person": self.person(row["person"])},
                self.fields(row, "topic", "topic_en", order=order) | self.sourced("speakers", row),
            )
        for order, row in enumerate(data["policies"], 1):
            issuer = self.organisation(row["issuer"]) if "issuer" in row else None
            self.upsert(
                PolicyDocument,
                {"alliance": alliance, "title": row["title"]},
                self.fields(
                    row,
                    "title_en",
                    "issued_by",
                    "issued_by_en",
                    "year",
                    "summary",
                    "summary_en",
                    order=order,
                    issuer=issuer,
                )
                | self.sourced("policies", row),
            )
        if self.counts["created"] or self.counts["updated"]:
            listing.refresh_all()
        return self.counts

    def upsert_organisation(self, row: dict, group: str) -> Organisation:
        industry = Industry.objects.get(slug=row["industry"]) if "industry" in row else None
        kind = row.get("kind", Organisation.Kind.ENTERPRISE)
        values = self.fields(row, "name", "name_en", "short_name", kind=kind, industry=industry)
        return self.upsert(Organisation, {"name_key": names.match_key(row["name"])}, values | self.sourced(group, row))

    def upsert_term(self, row: dict) -> Term:
        body = Body.objects.get(slug=row["body"]) if "body" in row else None
        position = self.upsert(
            Position,
            {"body": body, "name": row["position"]},
            {"name_en": row["position_en"], "rank": row["rank"]} | self.sourced("terms", row),
        )
        holder = (
            {"person": self.person(row["person"]), "organisation": None}
            if "person" in row
            else {"person": None, "organisation": self.organisation(row["organisation"])}
        )
        affiliation = self.organisation(row["affiliation"]) if "affiliation" in row else None
        started_on = row.get("started_on", self.data["term_defaults"]["started_on"])
        return self.upsert(
            Term,
            {"position": position, "started_on": started_on, **holder},
            self.fields(row, "title", "title_en", affiliation=affiliation) | self.sourced("terms", row),
        )

    def upsert_alliance(self, row: dict) -> Alliance:
        text_fields = [f for f in row if f not in {"guided_by", "supported_by", "quote", "inferred", "name"}]
        alliance = self.upsert(
            Alliance,
            {"name": row["name"]},
            self.fields(row, *text_fields, guided_by=self.organisation(row["guided_by"]))
            | self.sourced("alliance", row),
        )
        supporters = {self.organisation(name) for name in row["supported_by"]}
        if set(alliance.supported_by.all()) != supporters:
            alliance.supported_by.set(supporters)
            self.counts["updated"] += 1
        return alliance

    @staticmethod
    def fields(row: dict, *names_: str, **extra) -> dict:
        """The named fields of a row (an absent text field is empty), plus computed ones."""
        return {name: row.get(name, "") for name in names_} | extra


def seed(path: Path) -> Counter:
    return Seeder(path).run()
