import shutil
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from records.caching import bump_public_version
from registry.management.commands.backup import pg_url


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into the configured database, replacing what is there."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        db = connection.settings_dict
        if connection.vendor == "postgresql" and file.suffix == ".dump":
            connection.close()
            command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
            result = subprocess.run([*command, f"--dbname={pg_url(db)}", str(file)], capture_output=True, text=True)
            if result.returncode:
                raise CommandError(f"pg_restore failed, nothing was changed: {result.stderr.strip()}")
        elif connection.vendor == "sqlite" and file.suffix == ".sqlite3":
            connection.close()
            target = Path(db["NAME"])
            staging = target.with_suffix(".restoring")
            shutil.copyfile(file, staging)
            staging.replace(target)  # atomic: the old file stays whole until the new one is complete
        else:
            raise CommandError(f"{file.name} is not a {connection.vendor} backup (.dump for PostgreSQL, .sqlite3).")
        bump_public_version()  # The pages cached since the backup show data it no longer holds.
        self.stdout.write(f"Restored {file}.")
