"""django-import-export resources and formats: the admin's import preview, confirm and export.

Cells are read by members.transfer's RowParser, so the admin and ``import_members`` accept the same
files; the formats below add what import-export lacks: encoding detection for CSV, a BOM on export,
and neutralising every formula start (its own setting only escapes a leading =).
"""

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from members import transfer
from members.models import Industry, Membership, Organisation, Sector, member_counts_deferred
from members.validators import normalise_credit_code
from registry import names


class RegistryResource(resources.ModelResource):
    """The shared base: model clean() validates every row, unchanged rows are reported as skipped."""

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class SectorResource(RegistryResource):
    class Meta(RegistryResource.Meta):
        model = Sector
        import_id_fields = ["slug"]
        fields = ["slug", "name", "name_en", "order"]


class IndustryResource(RegistryResource):
    sector = fields.Field("sector", "sector", widgets.ForeignKeyWidget(Sector, "slug"))

    class Meta(RegistryResource.Meta):
        model = Industry
        import_id_fields = ["slug"]
        fields = ["slug", "name", "name_en", "label", "sector", "order"]


class CellWidget(widgets.Widget):
    """A member-file cell read as ``import_members`` reads it; empty cells leave the value as it was."""

    def __init__(self, key: str, parser: transfer.RowParser | None = None):
        super().__init__()
        self.key = key
        self.parser = parser

    def clean(self, value, row=None, **kwargs):
        text = transfer._unneutralise(transfer.cell_text(value))
        if text == "":
            return None
        if self.parser is None:
            self.parser = transfer.RowParser(transfer.IndustryResolver())
        try:
            cleaned = self.parser.value(self.key, value, text)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        return Industry.objects.get(pk=cleaned) if self.key == "industry" else cleaned

    def render(self, value, obj=None, **kwargs):
        if value is None or value == "":
            return ""
        if self.key == "industry":
            return value.name
        if self.key in transfer.CHOICE_LABELS:
            return transfer.export_value(self.key, value)
        if self.key == "joined_on":
            return value.isoformat()
        return str(value)


class MembershipField(fields.Field):
    """A column of the organisation's open (else latest) membership, written after the organisation."""

    def get_value(self, instance):
        pending = getattr(instance, "_membership", {})
        if self.attribute in pending:
            return pending[self.attribute]
        if instance.pk is None:
            return None
        current = transfer._open_membership(list(instance.memberships.values("pk", "tier", "status", "since", "until")))
        return current[self.attribute] if current else None

    def save(self, instance, row, is_m2m=False, **kwargs):
        cleaned = self.clean(row, **kwargs)
        if cleaned is not None:
            if not hasattr(instance, "_membership"):
                instance._membership = {}
            instance._membership[self.attribute] = cleaned


class OrganisationResource(RegistryResource):
    """An organisation with its membership, in the member file format of DESIGN.md."""

    name = fields.Field("name", "name", CellWidget("name"), saves_null_values=False)
    name_en = fields.Field("name_en", "name_en", CellWidget("name_en"), saves_null_values=False)
    short_name = fields.Field("short_name", "short_name", CellWidget("short_name"), saves_null_values=False)
    credit_code = fields.Field("credit_code", "credit_code", CellWidget("credit_code"), saves_null_values=False)
    industry = fields.Field("industry", "industry", CellWidget("industry"), saves_null_values=False)
    kind = fields.Field("kind", "kind", CellWidget("kind"), saves_null_values=False)
    tier = MembershipField("tier", "tier", CellWidget("tier"))
    status = MembershipField("status", "status", CellWidget("status"))
    joined_on = MembershipField("since", "joined_on", CellWidget("joined_on"))
    province = fields.Field("province", "province", CellWidget("province"), saves_null_values=False)
    city = fields.Field("city", "city", CellWidget("city"), saves_null_values=False)
    website = fields.Field("website", "website", CellWidget("website"), saves_null_values=False)
    description = fields.Field("description", "description", CellWidget("description"), saves_null_values=False)

    class Meta(RegistryResource.Meta):
        model = Organisation
        fields = [c.key for c in transfer.COLUMNS]
        import_id_fields = []

    def import_data_inner(self, *args, **kwargs):
        # Inside import_data's transaction: the counts are rolled back with a preview, kept with an import.
        with member_counts_deferred():
            return super().import_data_inner(*args, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Accept the Chinese labels in either script as headers; refuse a file without name or industry."""
        dataset.headers = [transfer.HEADER_KEYS.get(transfer.header_key(h), h) for h in dataset.headers or []]
        missing = [c.key for c in transfer.COLUMNS if c.required and c.key not in dataset.headers]
        if missing:
            raise ValueError(_("The required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
        parser = transfer.RowParser(transfer.IndustryResolver())
        for field in self.get_import_fields():
            field.widget.parser = parser
        self._seen = {}

    def get_instance(self, instance_loader, row):
        """The organisation with the row's credit code, else the one with the same name across scripts."""
        code = normalise_credit_code(transfer.cell_text(row.get("credit_code")))
        instance = Organisation.objects.filter(credit_code=code).first() if code else None
        if instance is None:
            key = names.match_key(transfer.cell_text(row.get("name")))
            instance = Organisation.objects.filter(name_key=key).first() if key else None
        if instance is not None:
            instance._loaded_name = instance.name
        return instance

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        loaded = getattr(instance, "_loaded_name", None)
        if loaded and names.match_key(instance.name) == names.match_key(loaded):
            instance.name = loaded  # The same name in another script or width is not a change.
        if instance.pk is None and instance.industry_id is None:
            raise ValidationError({"industry": _("A new organisation needs an industry.")})
        for key in {instance.credit_code, names.match_key(instance.name), instance.pk} - {None, ""}:
            if key in self._seen:
                raise ValidationError(
                    {"name": _("This organisation is already in row %(row)d of the file.") % {"row": self._seen[key]}}
                )
        number = kwargs.get("row_number") or 0
        for key in {instance.credit_code, names.match_key(instance.name), instance.pk} - {None, ""}:
            self._seen[key] = number + 1

    def after_save_instance(self, instance, row, **kwargs):
        wanted = getattr(instance, "_membership", {})
        if not wanted:
            return
        memberships = list(instance.memberships.all())
        open_ = [m for m in memberships if m.status != Membership.Status.WITHDRAWN]
        current = open_[0] if open_ else None
        if current is None:
            current = Membership(organisation=instance)
        for key, value in wanted.items():
            setattr(current, key, value)
        current.full_clean()
        current.save()


# Formats -----------------------------------------------------------------------------------------


def _neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        safe.append([transfer.neutralise(v) if isinstance(v, str) else v for v in row])
    return safe


class DetectingCSV(base_formats.CSV):
    """CSV in UTF-8 (with or without BOM), GB18030/GBK or Big5; import-export alone reads UTF-8 only."""

    def is_binary(self):
        return True  # Hand the admin bytes, so that the encoding is ours to detect.

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(transfer.detect_encoding(in_stream))
        return super().create_dataset(in_stream.lstrip("\ufeff"), **kwargs)

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(_neutralised(dataset), **kwargs)


class SafeXLSX(base_formats.XLSX):
    """XLSX whose cells never start a formula."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_neutralised(dataset), **kwargs)


FORMATS = [DetectingCSV, SafeXLSX]
