"""Create the shared cache's table with the schema, so `migrate` alone readies a database.

Public pages and the import preview live in this cache (settings.CACHES), and every data change
bumps the public pages' version in it.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_secretariat_roles")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
