from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    """The people at member organisations the secretariat writes to; private, never on a public page."""

    name = "contacts"
    verbose_name = _("Contacts")
