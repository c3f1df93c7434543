from django.core.management.base import BaseCommand

from notices.services import notices_resume


class Command(BaseCommand):
    help = (
        "Hand the task workers every notice with mail still to send, as after a worker was stopped half way. "
        "Safe to run any number of times; `make worker` runs it first."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{notices_resume()} notices handed to the task workers.")
