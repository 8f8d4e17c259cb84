"""Make audit entries append-only at the database level (see patroon.audit.append_only)."""

from django.db import migrations

from patroon.audit import append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: append_only.install(schema_editor.connection),
            lambda apps, schema_editor: append_only.remove(schema_editor.connection),
        )
    ]
