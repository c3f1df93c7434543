from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    # This module also holds AxesConfig: without this, Django would pick neither for "registry".
    default = True
    name = "registry"
    verbose_name = _("Alliance")

    def ready(self):
        from registry.caching import connect_signals

        connect_signals()


class AxesConfig(AxesAppConfig):
    """django-axes, named in the admin as what it does for the secretariat rather than as "Axes"."""

    verbose_name = _("Sign-in protection")
