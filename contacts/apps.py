from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    """The people at member organisations the secretariat writes to; private, never on a public page."""

    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        from contacts.transfer import GROUP
        from members.transfer import register_column_group

        # The member file's contact columns: members, below contacts, offers the place and cannot import them.
        register_column_group(GROUP)
