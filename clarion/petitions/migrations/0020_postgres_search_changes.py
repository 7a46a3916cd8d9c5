"""PostgreSQL: what a local copy of the search table needs to follow it.

``changed`` stamps each row with the id of the transaction that last wrote it (an xid8,
which never wraps around). A copy asks for the rows stamped at or after the oldest
transaction that was still running when it last looked, so a transaction that commits
late is never missed (clarion/petitions/replica.py). ``petitions_search_state`` holds
one row, the table's generation: ``clarion search_rebuild`` gives it a new one, so a
copy made before knows to start again, and a database created afresh never matches a
copy of an older one. A table rewrite for the new column (a few seconds at 100,000
petitions); a no-op on SQLite, whose search table is the index itself.
"""

from django.db import migrations


def add_stamps(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE petitions_search "
        "ADD COLUMN changed xid8 NOT NULL DEFAULT pg_current_xact_id()"
    )
    schema_editor.execute(
        "CREATE INDEX petitions_search_changed ON petitions_search (changed)"
    )
    schema_editor.execute("CREATE TABLE petitions_search_state (generation uuid NOT NULL)")
    schema_editor.execute("INSERT INTO petitions_search_state VALUES (gen_random_uuid())")


def drop_stamps(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TABLE petitions_search_state")
    schema_editor.execute("ALTER TABLE petitions_search DROP COLUMN changed")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0019_postgres_search_head")]

    operations = [migrations.RunPython(add_stamps, drop_stamps)]
