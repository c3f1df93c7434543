from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long jobs run by task workers: their progress, their outcome and the files they write."""

    name = "jobs"
    verbose_name = _("Background jobs")
