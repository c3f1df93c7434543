"""A long job's stored progress and result, which a task writes and a page reads."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A piece of work a task worker does for someone: how far it got, and what came of it."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("export")
        IMPORT_CHECK = "import_check", _("import preview")
        IMPORT = "import", _("import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("finished")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, verbose_name=_("started by"), null=True, related_name="+"
    )
    language = models.CharField(
        _("language"), max_length=10, help_text=_("The page's language, which the job writes in.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0, help_text=_("0 while the total is not known."))
    failure = models.TextField(_("reason for failure"), blank=True)
    # Files go through the storage API (STORAGES["default"]), never a local path: any app instance serves them.
    source = models.FileField(_("file read"), upload_to="jobs/sources/%Y/%m/", blank=True, max_length=200)
    file = models.FileField(_("file written"), upload_to="jobs/files/%Y/%m/", blank=True, max_length=200)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True, help_text=_("What the job found, for its page."))
    follows = models.ForeignKey(
        "self",
        models.CASCADE,
        verbose_name=_("follows"),
        null=True,
        blank=True,
        related_name="followed_by",
        help_text=_("The job this one carries on from, such as the preview an import confirms."),
    )
    task_id = models.CharField(_("task result id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=F("total")) | Q(total=0), name="jobs_job_done_within_total"),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(failure=""), name="jobs_job_failure_has_reason"),
            # A preview is confirmed at most once: a double click must not import its file twice.
            models.UniqueConstraint(fields=["follows"], name="jobs_job_followed_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
