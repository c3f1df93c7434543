from django.db import migrations

from governance.migrations._no_overlap import CREATE, DROP, on_postgresql


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
