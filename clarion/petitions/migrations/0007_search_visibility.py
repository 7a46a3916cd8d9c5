"""SQLite: rebuild the FTS5 search index with a visibility column and prefix indexes.

The rows are copied from the old index in SQL, with each petition's visibility read
from its status, so the migration does not depend on the application's code.
"""

from django.db import migrations

PUBLIC = ("published", "closed")


def add_visibility(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("ALTER TABLE petitions_search RENAME TO petitions_search_old")
    schema_editor.execute(
        "CREATE VIRTUAL TABLE petitions_search USING fts5(title, goal, body, names, "
        "visibility, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6')"
    )
    schema_editor.execute(
        "INSERT INTO petitions_search (rowid, title, goal, body, names, visibility) "
        "SELECT s.rowid, s.title, s.goal, s.body, s.names, "
        "CASE WHEN p.status IN (%s, %s) THEN 'public' ELSE 'hidden' END "
        "FROM petitions_search_old s JOIN petitions_petition p ON p.id = s.rowid",
        PUBLIC,
    )
    schema_editor.execute("DROP TABLE petitions_search_old")


def drop_visibility(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("ALTER TABLE petitions_search RENAME TO petitions_search_new")
    schema_editor.execute(
        "CREATE VIRTUAL TABLE petitions_search USING fts5("
        "title, goal, body, names, tokenize = 'unicode61 remove_diacritics 2')"
    )
    schema_editor.execute(
        "INSERT INTO petitions_search (rowid, title, goal, body, names) "
        "SELECT rowid, title, goal, body, names FROM petitions_search_new"
    )
    schema_editor.execute("DROP TABLE petitions_search_new")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0006_signature_count_pending")]

    operations = [migrations.RunPython(add_visibility, drop_visibility)]
