import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from jobs.services import jobs_prune


class Command(BaseCommand):
    help = "Delete background jobs (exports, import previews, imports) finished N days ago or more, and their files."

    def add_arguments(self, parser):
        parser.add_argument("--min-age-days", type=int, default=7, help="default: 7")

    def handle(self, *, min_age_days, verbosity, **options):
        deleted = jobs_prune(before=timezone.now() - datetime.timedelta(days=min_age_days))
        if verbosity:
            self.stdout.write(f"Deleted {deleted} jobs finished more than {min_age_days} days ago.")
