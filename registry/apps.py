from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Alliance")

    def ready(self):
        from registry.caching import connect_signals

        connect_signals()
