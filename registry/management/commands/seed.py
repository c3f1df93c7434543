from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from registry.seed import seed


class Command(BaseCommand):
    help = "Load the alliance's seed data (the founding article); running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=settings.SEED_DIR / "china-green-manufacturing-alliance.toml",
            help="Seed file (default: the China Green Manufacturing Alliance).",
        )

    def handle(self, *args, file: Path, **options):
        counts = seed(file)
        self.stdout.write(
            f"Seeded from {file.name}: {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged."
        )
