import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from members.models import Organisation
from members.transfer import export_members


class Command(BaseCommand):
    help = "Export active members (or all organisations) as CSV (UTF-8 with BOM) or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, help="File to write; standard output by default.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Defaults to the output file's extension.")
        parser.add_argument("--all", action="store_true", help="Every organisation, not only active members.")

    def handle(self, *args, output, format, all, **options):
        file_format = format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        organisations = Organisation.objects.all() if all else Organisation.objects.members()
        if output:
            with output.open("wb") as out:
                export_members(organisations, out, file_format=file_format)
        else:
            try:
                export_members(organisations, sys.stdout.buffer, file_format=file_format)
                sys.stdout.buffer.flush()
            except BrokenPipeError:
                # Piped into head, which has all it wanted; the Python docs' recipe silences the exit.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
