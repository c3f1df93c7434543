"""What migrate sets up besides the tables: staff roles, and the tables of the caches in the database.

Staff roles: "Secretariat editors" keep the registry, "Secretariat viewers" read and export it (but for contacts).

Superusers are for IT. Editors may delete only what carries no history; OrganisationAdmin refuses
the deletion of an organisation with memberships, terms or edits.
"""

from django.contrib.auth.management import create_permissions
from django.core.management import call_command

APPS = ["records", "members", "contacts", "notices", "governance", "alliance"]
# Contacts are private: viewers see them only with a permission given them one by one (docs/admin.md).
PRIVATE_APPS = {"contacts", "notices"}
EDITORS = "Secretariat editors"
VIEWERS = "Secretariat viewers"
# Memberships and terms end through the lifecycle and succession, which keep the record; they are not deleted.
EDITORS_MAY_DELETE = {"organisation", "person", "industry"}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        historical = getattr(app_config, "models_module", None) is None
        if historical:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if historical:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label__in=APPS).exclude(
        content_type__model__startswith="historical"
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(
        [
            p
            for p in ours
            if p.codename.split("_", 1)[0] in {"add", "change", "view", "import", "export", "send"}
            or (p.codename.startswith("delete_") and p.content_type.model in EDITORS_MAY_DELETE)
        ]
    )
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    viewers.permissions.set(
        [
            p
            for p in ours
            if p.content_type.app_label not in PRIVATE_APPS
            and (p.codename.startswith("view_") or p.codename == "export_organisation")
        ]
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, VIEWERS]).delete()


def create_cache_tables(apps, schema_editor):
    """The tables of the caches in the database (settings.CACHES): public pages, import files awaiting confirmation."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)
