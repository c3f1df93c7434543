from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """What every registry record shares: its source, its Chinese name, its history; the public page cache."""

    name = "records"
    verbose_name = _("Sources")
