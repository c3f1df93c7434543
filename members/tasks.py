"""The admin's long member-file work, run by a task worker: the organisation list's export and a large file's import.

Each task calls members.transfer, the member file's service, as ``export_members`` and ``import_members``
do, and stores its progress and outcome in a jobs.Job, whose page in the admin (members/admin_jobs.py)
shows them.
"""

import io
import re
import tempfile
import zipfile

from django.conf import settings
from django.contrib import admin
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jobs.models import Job
from jobs.services import job_fail, job_running, job_succeed
from members import transfer
from members.models import Organisation
from members.resources import OrganisationResource

PROGRESS_ROWS = 1000  # rows between progress reports of an export


@task()
def export_organisations(*, job_id: int, query: str, file_format: str, columns: list[str]) -> None:
    """Write the organisations the list shows under ``query`` (its filters and search) to a file in storage."""
    with job_running(job_id) as (job, progress):
        organisations = listed_organisations(query, job.started_by)
        progress(0, organisations.count(), force=True)
        # Private columns (the primary contact's) only if chosen, and while the user may see them.
        groups = [
            group
            for group in transfer.column_groups_for(job.started_by)
            if any(column.key in columns for column in group.columns)
        ]
        keys = [column.key for column in [*transfer.COLUMNS, *(c for group in groups for c in group.columns)]]
        keep = [index for index, key in enumerate(keys) if key in columns]

        def rows():
            for number, row in enumerate(transfer.export_rows(organisations, job.language, groups)):
                yield row if len(keep) == len(keys) else [row[i] for i in keep]
                if number and number % PROGRESS_ROWS == 0:
                    progress(number)

        filename = f"Organisation-{timezone.localdate():%Y-%m-%d}.{file_format}"
        with tempfile.TemporaryFile() as out:
            (transfer.write_xlsx if file_format == "xlsx" else transfer.write_csv)(rows(), out)
            out.seek(0)
            job_succeed(job=job, file=out, filename=filename, outcome={"filename": filename})


def listed_organisations(query: str, user):
    """The organisations the admin's list shows this user under ``query``, as its export would take them."""
    request = RequestFactory().get(reverse("admin:members_organisation_changelist"), QueryDict(query))
    request.user = user
    return admin.site.get_model_admin(Organisation).get_export_queryset(request)


@task()
def check_member_file(*, job_id: int) -> None:
    """The import's preview: check every row of the job's file against the registry, writing nothing."""
    with job_running(job_id) as (job, progress):
        data = read_source(job)
        progress(0, estimated_rows(data, settings.IMPORT_MAX_ROWS), force=True)
        groups = transfer.column_groups_for(job.started_by, importing=True)
        outcome = transfer.import_members(
            data,
            filename=job.outcome.get("filename", ""),
            dry_run=True,
            user=job.started_by,
            progress=lambda stage, done: progress(done),
            max_rows=settings.IMPORT_MAX_ROWS,
            groups=groups,
        )
        preview = preview_outcome(outcome, filename=job.outcome.get("filename", ""), groups=groups)
        if outcome.errors:
            job.source.delete(save=False)  # Nothing will confirm it.
        job_succeed(job=job, outcome=preview)


@task()
def import_member_file(*, job_id: int) -> None:
    """The import's confirmation: check the previewed file again and write it, all or nothing."""
    with job_running(job_id) as (job, progress):
        preview = job.follows
        rows = preview.outcome["rows_in_file"]
        writes = preview.outcome["totals"]["new"] + preview.outcome["totals"]["update"]
        progress(0, rows + writes, force=True)

        def report(stage: str, done: int) -> None:
            progress(done if stage == "checked" else rows + done)

        outcome = transfer.import_members(
            read_source(preview),
            filename=preview.outcome.get("filename", ""),
            user=job.started_by,
            progress=report,
            max_rows=settings.IMPORT_MAX_ROWS,
            groups=transfer.column_groups_for(job.started_by, importing=True),
        )
        summary = {"filename": preview.outcome.get("filename", ""), **problems_outcome(outcome)}
        if outcome.errors:
            reason = _("Nothing was imported: the registry changed since the preview, and the file no longer passes.")
            job_fail(job=job, reason=reason, outcome=summary)
            return
        preview.source.delete()  # Imported: nothing will read it again.
        summary["totals"] = {"new": outcome.created, "update": outcome.updated, "skip": outcome.unchanged}
        job_succeed(job=job, outcome=summary)


def read_source(job: Job) -> bytes:
    with job.source.open("rb") as source:
        return source.read()


def problems_outcome(outcome: transfer.ImportResult) -> dict:
    """The problems of an import, as its page lists them: each once with its rows, then the first rows'."""
    file_problems = [str(p) for p in outcome.errors if not (p.row and p.row > 1)]
    row_problems = [p for p in outcome.errors if p.row and p.row > 1]
    rows = sorted({p.row for p in row_problems})
    listed = set(rows[:PREVIEW_ROWS])
    return {
        "warnings": [str(p) for p in outcome.warnings],
        "file_problems": file_problems,
        "row_problems": [str(p) for p in transfer.problem_summary(outcome.errors)],
        "invalid_rows": [[p.row, p.column, str(p.message)] for p in row_problems if p.row in listed],
        "invalid_rows_listed": len(listed),
        "invalid_rows_in_file": len(rows),
    }


PREVIEW_ROWS = 1000


def preview_outcome(outcome: transfer.ImportResult, *, filename: str, groups=()) -> dict:
    """What the preview page shows, as the in-request preview shows it (OrganisationResource), stored as JSON."""
    stored = {"filename": filename, **problems_outcome(outcome)}
    if outcome.errors:
        return stored
    result = OrganisationResource.with_groups(groups)()._as_result(outcome, preview=True)
    stored["totals"] = {"new": outcome.created, "update": outcome.updated, "skip": outcome.unchanged}
    stored["headers"] = list(result.diff_headers)
    # The cells are escaped HTML (<del>old</del><ins>new</ins>) made by format_html, shown as they are.
    stored["rows"] = [{"type": row.import_type, "cells": [str(cell) for cell in row.diff]} for row in result.rows]
    stored["rows_in_file"] = len(outcome.rows)
    return stored


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def estimated_rows(data: bytes, limit: int) -> int:
    """At least as many rows as the file has below its header (blank ones too), counted up to ``limit + 1``.

    A CSV file's lines, an XLSX sheet's row elements: reading no cell, this tells in milliseconds whether
    a file is small enough to check within a request, and gives a long check's progress bar its end.
    """
    if transfer.file_format("", data) != "xlsx":
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
        return min(max(lines - 1, 0), limit + 1)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # A corrupt file: the import itself says what is wrong with it.
        return 0
    try:
        count, tail = 0, b""
        with workbook._archive.open(workbook.worksheets[0]._worksheet_path) as xml:
            while count <= limit and (chunk := xml.read(1 << 20)):
                text = tail + chunk
                count += len(_ROW_TAG.findall(text)) - len(_ROW_TAG.findall(tail))
                tail = text[-16:]
        return min(max(count - 1, 0), limit + 1)
    except (IndexError, KeyError, OSError, zipfile.BadZipFile):
        return 0
    finally:
        workbook.close()
