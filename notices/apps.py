from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices to members' contacts, sent by the task worker, with a log of every delivery."""

    name = "notices"
    verbose_name = _("Notices")
