"""Create the table of the cache that keeps import files between preview and confirmation (settings.CACHES)."""

from django.db import migrations

from registry.migrations._setup import create_cache_tables


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_lean_history_indexes")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True)]
