from django.db import migrations

from registry.migrations._setup import create_cache_tables, create_roles, remove_roles


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("records", "0001_initial"),
        ("members", "0001_initial"),
        ("contacts", "0001_initial"),
        ("notices", "0002_default_texts"),
        ("governance", "0001_initial"),
        ("alliance", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
