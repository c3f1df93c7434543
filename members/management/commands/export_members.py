import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from members.models import Organisation
from members.transfer import column_groups, export_members


class Command(BaseCommand):
    help = "Export active members (or all organisations) as CSV (UTF-8 with BOM) or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, help="File to write; standard output by default.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Defaults to the output file's extension.")
        parser.add_argument("--all", action="store_true", help="Every organisation, not only active members.")
        # Column groups registered by the apps above members (--contacts): private, so only when asked for.
        for group in column_groups():
            parser.add_argument(f"--{group.name}", action="append_const", const=group, dest="groups", help=group.help)

    def handle(self, *args, output, format, all, groups=None, **options):
        file_format = format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        organisations = Organisation.objects.all() if all else Organisation.objects.members()
        if output:
            with output.open("wb") as out:
                export_members(organisations, out, file_format=file_format, groups=groups or ())
        else:
            try:
                export_members(organisations, sys.stdout.buffer, file_format=file_format, groups=groups or ())
                sys.stdout.buffer.flush()
            except BrokenPipeError:
                # Piped into head, which has all it wanted; the Python docs' recipe silences the exit.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
