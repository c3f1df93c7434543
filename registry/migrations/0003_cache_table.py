"""Create the shared cache's table with the schema, so `migrate` alone readies a database.

Public pages and the import preview live in this cache (settings.CACHES), and every data change
bumps the public pages' version in it.
"""

from django.db import migrations

from registry.migrations._setup import create_cache_tables


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_secretariat_roles")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
