"""Staff roles: "Secretariat editors" and "Secretariat viewers" (see _setup.py)."""

from django.db import migrations

from registry.migrations._setup import create_roles, remove_roles


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("members", "0003_organisation_import_export_permissions"),
        ("governance", "0003_term_single_seat_no_overlap"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
