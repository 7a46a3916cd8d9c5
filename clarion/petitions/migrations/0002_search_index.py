from django.db import migrations


def create_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from clarion.petitions.search import create_index_sql

    schema_editor.execute(create_index_sql())


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS petitions_search")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(create_fts, drop_fts)]
