"""The registry app's staff roles and cache tables, in place of 0002_secretariat_roles to 0005."""

from django.db import migrations

from registry.migrations._setup import create_cache_tables, create_roles, remove_roles


class Migration(migrations.Migration):
    replaces = [
        ("registry", "0002_secretariat_roles"),
        ("registry", "0003_cache_table"),
        ("registry", "0004_lean_history_indexes"),
        ("registry", "0005_import_files_cache_table"),
    ]

    dependencies = [
        ("registry", "0001_squashed_0001_initial"),
        ("members", "0002_squashed_0009_organisation_slug_unique_constraint"),
        ("governance", "0002_squashed_0006_code_point_sort_keys"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
