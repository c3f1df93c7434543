from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """The project: settings, URLs, middleware, the admin's index and the commands that span every app."""

    # This module also holds AxesConfig: without this, Django would pick neither for "registry".
    default = True
    name = "registry"
    verbose_name = _("Registry")


class AxesConfig(AxesAppConfig):
    """django-axes, named in the admin as what it does for the secretariat rather than as "Axes"."""

    verbose_name = _("Sign-in protection")
