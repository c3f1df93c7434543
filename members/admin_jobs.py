"""The organisation list's export, and the import of a file too large for a request, as background jobs.

The export's form and the import's form are import-export's, as before; what they start runs in a task
worker (members/tasks.py), and these pages show its progress, then the download, the preview or the
outcome. Any app instance serves them: the job and its files are in the database and the storage.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from jobs.models import Job
from jobs.services import job_create, job_enqueue
from members import tasks

PREVIEW_KEPT = timezone.timedelta(days=1)  # as long as the cache keeps an in-request preview's file


class MemberFileJobsMixin:
    """For OrganisationAdmin: every export, and each import too large for a request, through a task."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        own = [
            path("export/<int:job_id>/", view(self.export_job_view), name=f"{name}_export_job"),
            path("export/<int:job_id>/download/", view(self.export_download_view), name=f"{name}_export_download"),
            path("import/<int:job_id>/", view(self.import_job_view), name=f"{name}_import_job"),
        ]
        return own + super().get_urls()

    # Export ----------------------------------------------------------------------------------------

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """import-export's export of the list's rows, handed to a worker: the page then shows its progress."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        columns = self.get_export_resource_fields_from_form(export_form) or [c.key for c in tasks.transfer.COLUMNS]
        job = job_create(kind=Job.Kind.EXPORT, user=request.user, language=translation.get_language())
        job_enqueue(
            job=job,
            task=tasks.export_organisations,
            query=request.GET.urlencode(),
            file_format=file_format.get_extension(),
            columns=list(columns),
        )
        return redirect(self._job_url("export_job", job))

    def export_job_view(self, request, job_id: int):
        if not self.has_export_permission(request):
            raise PermissionDenied
        job = get_object_or_404(Job, pk=job_id, kind=Job.Kind.EXPORT)
        context = self._job_context(request, job, _("Export"))
        if job.status == Job.Status.SUCCEEDED:
            context["download_url"] = self._job_url("export_download", job)
        return TemplateResponse(request, "admin/members/organisation/export_job.html", context)

    def export_download_view(self, request, job_id: int):
        """The export's file, from storage, for those who may export."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        job = get_object_or_404(Job, pk=job_id, kind=Job.Kind.EXPORT, status=Job.Status.SUCCEEDED)
        if not job.file or not job.file.storage.exists(job.file.name):
            raise Http404
        filename = job.outcome.get("filename") or job.file.name.rsplit("/", 1)[-1]
        content_type = "text/csv" if filename.endswith(".csv") else None
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)

    # Import ----------------------------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        """A file too large to check and write within a request (IMPORT_REQUEST_MAX_SIZE, _ROWS) goes to a worker."""
        if request.method == "POST" and request.FILES.get("import_file") and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid() and too_large_for_a_request(form.cleaned_data["import_file"]):
                upload = form.cleaned_data["import_file"]
                job = job_create(
                    kind=Job.Kind.IMPORT_CHECK, user=request.user, language=translation.get_language(), source=upload
                )
                job.outcome = {"filename": upload.name}
                job.save(update_fields=["outcome"])
                job_enqueue(job=job, task=tasks.check_member_file)
                return redirect(self._job_url("import_job", job))
        return super().import_action(request, **kwargs)

    def import_job_view(self, request, job_id: int):
        if not self.has_import_permission(request):
            raise PermissionDenied
        kinds = [Job.Kind.IMPORT_CHECK, Job.Kind.IMPORT]
        job = get_object_or_404(Job.objects.select_related("follows"), pk=job_id, kind__in=kinds)
        if request.method == "POST" and "confirm" in request.POST and job.kind == Job.Kind.IMPORT_CHECK:
            return self._confirm_import(request, job)
        title = _("Import") if job.kind == Job.Kind.IMPORT else _("Import preview")
        context = self._job_context(request, job, title)
        outcome = job.outcome
        context["confirmable"] = job.kind == Job.Kind.IMPORT_CHECK and self._confirmable(job)
        # Cells of the preview are HTML that members.resources made with format_html (escaped, <del>/<ins>).
        context["preview_rows"] = [
            {"type": row["type"], "cells": [mark_safe(cell) for cell in row["cells"]]}  # noqa: S308
            for row in outcome.get("rows", [])
        ]
        context["listed_fewer"] = outcome.get("rows_in_file", 0) > len(context["preview_rows"])
        context["confirmation"] = job.followed_by.first() if job.kind == Job.Kind.IMPORT_CHECK else None
        return TemplateResponse(request, "admin/members/organisation/import_job.html", context)

    def _confirmable(self, job: Job) -> bool:
        return (
            job.status == Job.Status.SUCCEEDED
            and not job.outcome.get("file_problems")
            and not job.outcome.get("row_problems")
            and bool(job.source)
            and job.finished_at > timezone.now() - PREVIEW_KEPT
            and not job.followed_by.exists()
        )

    def _confirm_import(self, request, preview: Job):
        if not self._confirmable(preview):
            existing = preview.followed_by.first()
            message = _("This preview was imported already, or is no longer kept: choose the file again.")
            self.message_user(request, message, messages.WARNING)
            if existing is not None:
                return redirect(self._job_url("import_job", existing))
            return redirect("admin:members_organisation_import")
        try:
            with transaction.atomic():
                job = job_create(
                    kind=Job.Kind.IMPORT, user=request.user, language=translation.get_language(), follows=preview
                )
        except IntegrityError:  # Another confirmation of this preview, a moment earlier.
            message = _("This preview was imported already, or is no longer kept: choose the file again.")
            self.message_user(request, message, messages.WARNING)
            return redirect(self._job_url("import_job", preview.followed_by.get()))
        job_enqueue(job=job, task=tasks.import_member_file)
        return redirect(self._job_url("import_job", job))

    # Shared ----------------------------------------------------------------------------------------

    def _job_url(self, name: str, job: Job) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[job.pk])

    def _job_context(self, request, job: Job, title) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "job": job,
            "outcome": job.outcome,
        }


def too_large_for_a_request(upload) -> bool:
    """Whether a file's preview and confirmation would each take too long for a request."""
    if upload.size > settings.IMPORT_REQUEST_MAX_SIZE:
        return True
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    limit = settings.IMPORT_REQUEST_MAX_ROWS
    return tasks.estimated_rows(data, limit) > limit
