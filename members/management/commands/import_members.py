from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from members.transfer import Problem, import_members, problem_summary


class Command(BaseCommand):
    help = "Import members from a CSV or XLSX file; on any error nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, writing nothing.")
        parser.add_argument(
            "--encoding", default="auto", help="CSV encoding: auto (default), utf-8, gb18030, gbk or big5."
        )

    def handle(self, *args, file, dry_run, encoding, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}) from None
        result = import_members(
            data, filename=file.name, encoding=encoding, dry_run=dry_run, progress=self._progress(data)
        )
        for problem in result.problems:
            # The file's own, its header's and warnings, each as it is; the rows' errors are grouped below.
            if problem.warning or not problem.row or problem.row == 1:
                self.stderr.write(str(problem))
        # Each problem of the rows once, with every row it is in: a column wrong in 100,000 rows is one line.
        for problem in problem_summary(result.errors):
            if len(problem.rows) == 1:
                self.stderr.write(str(Problem(problem.rows[0], problem.column, problem.message)))
            else:
                self.stderr.write(f"{_('Error')}: {problem}")
        summary = _("created %(created)d, updated %(updated)d, unchanged %(unchanged)d, errors %(errors)d") % {
            "created": 0 if result.errors else result.created,
            "updated": 0 if result.errors else result.updated,
            "unchanged": 0 if result.errors else result.unchanged,
            "errors": len(result.errors),
        }
        if result.errors:
            raise CommandError(_("Nothing was imported: %(summary)s") % {"summary": summary}, returncode=1)
        if dry_run:
            summary = _("Dry run, nothing written: %(summary)s") % {"summary": summary}
        self.stdout.write(summary)

    def _progress(self, data: bytes):
        if len(data) < 200_000:  # A few thousand rows: no progress line needed.
            return None

        stages = {"checked": _("%(rows)d rows checked…"), "written": _("%(rows)d rows written…")}

        def progress(stage: str, rows: int) -> None:
            self.stderr.write(stages[stage] % {"rows": rows}, ending="\r")
            self.stderr.flush()

        return progress
