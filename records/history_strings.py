"""Strings django-simple-history shows in the admin, marked here so our catalogues translate them, and the
change reasons the registry stores as codes.

simple-history ships Simplified Chinese only; these give the history pages Traditional Chinese too.
"""

from django.utils.translation import gettext_lazy, gettext_noop, ngettext_lazy

IMPORT = "import"
REVERT = "revert"

# Change reasons stored as codes, which the history pages show in their language.
REASONS = {IMPORT: gettext_lazy("Import"), REVERT: gettext_lazy("Revert")}

STRINGS = [
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("Change history: %s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("History"),
    gettext_noop("None"),
    gettext_noop("Revert"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("Close"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Choose a date from the list below to revert to a previous version of this object."),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
    ngettext_lazy("entry", "entries", 1),
]
