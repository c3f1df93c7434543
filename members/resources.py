"""django-import-export resources and formats: the admin's import preview, confirm and export.

The organisation import keeps import-export's admin views, forms and templates, but its rows are read,
checked and written by members.transfer, as ``import_members`` does (OrganisationResource.import_data).
The formats below add what import-export lacks: the file handed over as bytes for transfer to read,
a BOM on export, and neutralising every formula start (its own setting only escapes a leading =).
"""

import io
from collections.abc import Iterable

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from members import transfer
from members.models import Industry, Organisation, Sector


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
    """A member-file cell as the admin's export writes it."""

    def __init__(self, key: str):
        super().__init__()
        self.key = key

    def render(self, value, obj=None, **kwargs):
        return _shown(self.key, value.name if self.key == "industry" and value else value)


class MembershipField(fields.Field):
    """A column of the organisation's open (else latest) membership."""

    def get_value(self, instance):
        if instance.pk is None:
            return None
        current = transfer._open_membership(list(instance.memberships.values("pk", "tier", "status", "since", "until")))
        return current[self.attribute] if current else None


class GroupField(fields.Field):
    """A column of a group an app above members registers (contacts): read for a batch of rows (iter_queryset)."""

    def get_value(self, instance):
        return instance.group_cells.get(self.column_name)


class MemberFile:
    """An uploaded member file, as its bytes: members.transfer reads them (encoding, XLSX), not tablib."""

    def __init__(self, data: bytes):
        self.data = data

    def __bool__(self):
        return True  # An empty file is for transfer to report, in its own words.


class MemberFileProblem(Error):
    """A problem with the file as a whole (its header, its encoding), shown without a traceback."""

    traceback = ""


class OrganisationResource(RegistryResource):
    """An organisation with its membership, in the member file format of DESIGN.md.

    Exported field by field as import-export does; imported through members.transfer (import_data).
    ``with_groups`` adds the columns of registered column groups, for a user who may export or import them.
    """

    groups: tuple[transfer.ColumnGroup, ...] = ()

    name = fields.Field("name", "name", CellWidget("name"))
    name_en = fields.Field("name_en", "name_en", CellWidget("name_en"))
    short_name = fields.Field("short_name", "short_name", CellWidget("short_name"))
    credit_code = fields.Field("credit_code", "credit_code", CellWidget("credit_code"))
    industry = fields.Field("industry", "industry", CellWidget("industry"))
    kind = fields.Field("kind", "kind", CellWidget("kind"))
    tier = MembershipField("tier", "tier", CellWidget("tier"))
    status = MembershipField("status", "status", CellWidget("status"))
    joined_on = MembershipField("since", "joined_on", CellWidget("joined_on"))
    province = fields.Field("province", "province", CellWidget("province"))
    city = fields.Field("city", "city", CellWidget("city"))
    website = fields.Field("website", "website", CellWidget("website"))
    description = fields.Field("description", "description", CellWidget("description"))

    class Meta(RegistryResource.Meta):
        model = Organisation
        fields = [c.key for c in transfer.COLUMNS]
        import_id_fields = []

    @classmethod
    def with_groups(cls, groups: Iterable[transfer.ColumnGroup]) -> type["OrganisationResource"]:
        """This resource with the groups' columns after its own (itself, for none)."""
        groups = tuple(groups)
        if not groups:
            return cls
        key = tuple(group.name for group in groups)
        if key not in _WITH_GROUPS:
            columns = [column.key for group in groups for column in group.columns]
            attrs = {key: GroupField(column_name=key, widget=CellWidget(key)) for key in columns}
            attrs["Meta"] = type("Meta", (cls.Meta,), {"fields": [*cls.Meta.fields, *columns]})
            # The same name, as the export form names its fields after the resource: organisationresource_name.
            _WITH_GROUPS[key] = type(cls.__name__, (cls,), {"__module__": cls.__module__, "groups": groups, **attrs})
        return _WITH_GROUPS[key]

    def iter_queryset(self, queryset):
        rows = super().iter_queryset(queryset)
        if not self.groups:
            yield from rows
            return
        blanks = [[""] * len(group.columns) for group in self.groups]
        for batch in transfer._batched(rows, transfer.BATCH_SIZE):
            values = [group.values([obj.pk for obj in batch]) for group in self.groups]
            for obj in batch:
                obj.group_cells = {}
                for group, found, blank in zip(self.groups, values, blanks, strict=True):
                    obj.group_cells.update(zip((c.key for c in group.columns), found.get(obj.pk, blank), strict=True))
                yield obj

    def get_export_headers(self, selected_fields=None):
        """The headers in the page's language, as export_members writes them: 名称, 英文名称, … on Chinese pages."""
        return [transfer.column_name(field.column_name) for field in self.get_export_fields(selected_fields) if field]

    def import_data(self, dataset: MemberFile, dry_run=False, raise_errors=False, **kwargs):
        """Check the file (``dry_run``: the preview) or import it, through members.transfer.

        Ours, not import-export's row-by-row import, which checks and saves each row through the
        models (about 25 ms a row: 2,000 rows outlasted gunicorn's 30-second timeout). transfer checks
        every row against the database in one pass and writes in bulk, with each row's history for the
        user. A confirmation is checked again, as the registry may have changed since its preview.
        """
        outcome = transfer.import_members(
            dataset.data,
            filename=kwargs.get("file_name") or "",
            dry_run=dry_run,
            user=kwargs.get("user"),
            parallel=False,
            max_rows=settings.IMPORT_MAX_ROWS,
            groups=self.groups,
        )
        return self._as_result(outcome, preview=dry_run)

    def _as_result(self, outcome: transfer.ImportResult, *, preview: bool) -> Result:
        """transfer's outcome as import-export's Result, for its admin views and templates."""
        result = self.get_result_class()()
        result.warnings = [str(problem) for problem in outcome.warnings]
        by_row = {}
        for problem in outcome.errors:
            if problem.row and problem.row > 1:
                by_row.setdefault(problem.row, {}).setdefault(problem.column, []).append(problem.message)
            else:
                result.append_base_error(MemberFileProblem(str(problem)))
        # Every problem once, with the rows it is in; the table of rows lists as many as a preview does.
        result.row_problems = transfer.problem_summary(outcome.errors)
        result.invalid_rows_in_file = len(by_row)
        for number in sorted(by_row)[:PREVIEW_ROWS]:
            result.append_invalid_row(number, {}, ValidationError(by_row[number]))
        if outcome.errors:
            return result
        result.totals[RowResult.IMPORT_TYPE_NEW] = outcome.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = outcome.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = outcome.unchanged
        if preview:
            listed = outcome.rows
            if len(listed) > PREVIEW_ROWS:
                # New and changed rows first: in a file of thousands, they are what the preview is for.
                listed = sorted(listed, key=lambda plan: plan.action == "unchanged")[:PREVIEW_ROWS]
            result.diff_headers = transfer.export_headers(groups=self.groups)
            result.rows = list(_preview_rows(listed, self.groups))
            result.rows_in_file = len(outcome.rows)
        return result


_WITH_GROUPS: dict[tuple[str, ...], type[OrganisationResource]] = {}
# The most rows a preview lists: the page of a 10,000-row file's every row was 8.6 MB.
PREVIEW_ROWS = 1000
_IMPORT_TYPES = {"create": RowResult.IMPORT_TYPE_NEW, "update": RowResult.IMPORT_TYPE_UPDATE}
_COLUMN_FIELDS = {c.key: transfer.MEMBERSHIP_FIELDS.get(c.key, c.key) for c in transfer.COLUMNS}
_MEMBERSHIP_FIELDS = set(transfer.MEMBERSHIP_FIELDS.values())


def _preview_rows(plans: list[transfer.RowPlan], groups: tuple[transfer.ColumnGroup, ...] = ()):
    """Each row as the preview shows it: its columns, a changed one as <del>old</del><ins>new</ins>.

    The groups' columns follow (the primary contact's), as they are and as the row will leave them.
    """
    industries = dict(Industry.objects.values_list("pk", "name"))
    before = {}  # organisation id -> its columns' values now
    updates = [plan.organisation_id for plan in plans if plan.organisation_id is not None]
    for old, memberships in transfer._current_rows(updates):
        membership = transfer._open_membership(memberships) or {}
        before[old["pk"]] = {
            field: (membership if field in _MEMBERSHIP_FIELDS else old).get(field) for field in _COLUMN_FIELDS.values()
        }
    group_cells = [(group.name, group.values(updates), [""] * len(group.columns)) for group in groups]
    # A new organisation takes the model's defaults for the columns its row leaves empty (kind).
    defaults = {field: Organisation._meta.get_field(field).get_default() for field in transfer.ORGANISATION_FIELDS}
    for plan in plans:
        old = before.get(plan.organisation_id, {})
        new = {**(defaults if plan.action == "create" else old), **plan.values, **plan.membership}
        row = RowResult()
        row.import_type = _IMPORT_TYPES.get(plan.action, RowResult.IMPORT_TYPE_SKIP)
        row.object_id = plan.organisation_id
        row.diff = []
        cells = []
        for key, field in _COLUMN_FIELDS.items():
            was, now = old.get(field), new.get(field)
            if key == "industry":
                was, now = industries.get(was), industries.get(now)
            cells.append((_shown(key, was), _shown(key, now)))
        for name, values, blank in group_cells:
            was = values.get(plan.organisation_id, blank)
            change = plan.extra.get(name) if plan.extra else None
            cells.extend(zip(was, change[0] if change else was, strict=True))
        for was, now in cells:
            if was == now:
                row.diff.append(conditional_escape(now))
            else:
                row.diff.append(
                    format_html("<del>{}</del><ins>{}</ins>", was, now) if was else format_html("<ins>{}</ins>", now)
                )
        yield row


def _shown(key: str, value) -> str:
    """A column's value as the admin shows and exports it; an industry by its name."""
    if value is None or value == "":
        return ""
    if key in transfer.CHOICE_LABELS:
        return transfer.export_value(key, value)
    if key == "joined_on":
        return value.isoformat()
    return str(value)


# Formats -----------------------------------------------------------------------------------------


def _neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        safe.append([transfer.neutralise(v) if isinstance(v, str) else v for v in row])
    return safe


class DetectingCSV(base_formats.CSV):
    """CSV in UTF-8 (with or without BOM), GB18030/GBK or Big5; import-export alone reads UTF-8 only."""

    def is_binary(self):
        return True  # Hand the admin bytes, so that the encoding is transfer's to detect.

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return MemberFile(in_stream)

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(_neutralised(dataset), **kwargs)


class SafeXLSX(base_formats.XLSX):
    """XLSX whose cells never start a formula, written as export_members writes it."""

    def create_dataset(self, in_stream, **kwargs):
        return MemberFile(in_stream)

    def export_data(self, dataset, **kwargs):
        # transfer's writer, not tablib's: tablib writes a CR as it is, which comes back as LF, so a
        # description typed in the admin (CRLF) would read as changed when the file is imported again.
        out = io.BytesIO()
        rows = [dataset.headers, *_neutralised(dataset)]
        transfer.write_xlsx([["" if value is None else str(value) for value in row] for row in rows], out)
        return out.getvalue()


FORMATS = [DetectingCSV, SafeXLSX]
