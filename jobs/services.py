"""Writes to jobs: a page creates one, its task starts it, reports progress, and ends it."""

import contextlib
import logging
import time
from collections.abc import Iterator

from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs.models import Job

logger = logging.getLogger("registry.jobs")


def job_create(*, kind: str, user, language: str, source=None, follows: Job | None = None) -> Job:
    """A job waiting for a worker; ``source`` is the uploaded file it will read, kept in storage."""
    job = Job(kind=kind, started_by=user, language=language, follows=follows)
    if source is not None:
        job.source.save(source.name, source, save=False)
    job.save()
    return job


def job_enqueue(*, job: Job, task, **kwargs) -> Job:
    """Hand the job to a worker as ``task(job_id=..., **kwargs)``, and keep the task result's id with it."""
    result = task.enqueue(job_id=job.pk, **kwargs)
    job.task_id = str(result.id)
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


class Progress:
    """Stores how far a job got, where its page reads it at once.

    An import writes inside one transaction, which nothing outside sees until it commits: on PostgreSQL
    the progress made inside it is written through a connection of its own. SQLite has one writer at a
    time, so there it waits for the commit like the rows do.
    """

    EVERY = 0.5  # seconds between writes: a page refreshes every two

    def __init__(self, job: Job):
        self.job = job
        self.aside = None
        self.written_at = 0.0

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        total = self.job.total if total is None else total
        self.job.done = done
        self.job.total = max(total, done) if total else 0
        now = time.monotonic()
        if not force and now - self.written_at < self.EVERY:
            return
        self.written_at = now
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.in_atomic_block and connection.vendor == "postgresql" and self._write_aside():
            return
        Job.objects.filter(pk=self.job.pk).update(done=self.job.done, total=self.job.total)

    def _write_aside(self) -> bool:
        """Whether the job's row took the progress through the other connection.

        It does not when the row is not committed yet (under a test's transaction): then it is written
        as anything else is.
        """
        try:
            if self.aside is None:
                self.aside = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.aside.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '1s'")
            with self.aside.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608
                    [self.job.done, self.job.total, self.job.pk],
                )
                return cursor.rowcount == 1
        except DatabaseError as error:
            logger.warning("progress of job %s not stored: %s", self.job.pk, error)
            return True

    def close(self) -> None:
        if self.aside is not None:
            self.aside.close()
            self.aside = None


@contextlib.contextmanager
def job_running(job_id: int) -> Iterator[tuple[Job, Progress]]:
    """The job, marked running, with its progress, in its page's language.

    An error that escapes the task's own handling ends the job failed, in words its page can show,
    and goes on to the worker, which keeps the traceback with the task's result.
    """
    job = Job.objects.select_related("started_by", "follows").get(pk=job_id)
    job.status, job.started_at = Job.Status.RUNNING, timezone.now()
    Job.objects.filter(pk=job.pk).update(status=job.status, started_at=job.started_at)
    progress = Progress(job)
    try:
        with translation.override(job.language):
            yield job, progress
    except Exception:
        with translation.override(job.language):
            reason = _(
                "The job stopped on an error in the registry, and wrote nothing. Try again; if it happens "
                "again, tell IT (task %(task)s)."
            ) % {"task": job.task_id or job.pk}
        job_fail(job=job, reason=reason)
        raise
    finally:
        progress.close()


def job_succeed(*, job: Job, outcome: dict | None = None, file=None, filename: str = "") -> Job:
    """End the job: what it found, and the file it wrote (saved to storage as ``filename``)."""
    if file is not None:
        job.file.save(filename, File(file), save=False)
    job.status, job.finished_at = Job.Status.SUCCEEDED, timezone.now()
    if job.total:
        job.done = job.total
    if outcome is not None:
        job.outcome = outcome
    job.save(update_fields=["status", "finished_at", "done", "total", "outcome", "file", "source"])
    return job


def job_fail(*, job: Job, reason: str, outcome: dict | None = None) -> Job:
    """End the job with the reason it could not finish, written for the person who started it."""
    job.status, job.finished_at, job.failure = Job.Status.FAILED, timezone.now(), reason
    if outcome is not None:
        job.outcome = outcome
    job.save(update_fields=["status", "finished_at", "failure", "outcome", "done", "total", "source"])
    return job


def jobs_prune(*, before) -> int:
    """Delete the jobs finished before ``before`` and their files (an import's confirmation goes with its preview)."""
    old = Job.objects.filter(finished_at__lt=before).exclude(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    count = 0
    for job in old.iterator():
        for field in (job.source, job.file):
            if field:
                field.delete(save=False)
        count += Job.objects.filter(pk=job.pk).delete()[1].get("jobs.Job", 0)
    return count
