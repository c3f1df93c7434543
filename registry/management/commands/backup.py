import datetime
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Back up the database: a pg_dump on PostgreSQL, or a copy of the SQLite file plus a JSON dump."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output-dir", type=Path, default=settings.BASE_DIR / "var" / "backups")

    def handle(self, *args, output_dir: Path, **options):
        output_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "postgresql":
            written = [self.pg_dump(output_dir / f"registry-{stamp}.dump")]
        elif connection.vendor == "sqlite":
            written = [self.sqlite_copy(output_dir / f"registry-{stamp}.sqlite3")]
            written.append(output_dir / f"registry-{stamp}.json")
            call_command("dumpdata", natural_foreign=True, indent=1, output=str(written[-1]), verbosity=0)
        else:
            raise CommandError(f"No backup method for {connection.vendor}.")
        for path in written:
            self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes)")

    @staticmethod
    def pg_dump(path: Path) -> Path:
        db = connection.settings_dict
        command = ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", pg_url(db)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            path.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        return path

    @staticmethod
    def sqlite_copy(path: Path) -> Path:
        # sqlite3's backup API copies a consistent snapshot even while the site is writing.
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return path


def pg_url(db: dict) -> str:
    user = f"{db['USER']}@" if db.get("USER") else ""
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{user}{host}{port}/{db['NAME']}"
