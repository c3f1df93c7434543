from django_tasks import task

from notices import services


@task()
def send_notice(*, notice_id: int) -> int:
    """Deliver a notice's queued mail (services.deliver); any number of workers may share one notice."""
    return services.deliver(notice_id=notice_id)
