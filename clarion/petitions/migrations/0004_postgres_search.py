"""PostgreSQL's search table; SQLite keeps the FTS5 table from 0002, so this is a no-op there.

The SQL is written out here rather than imported from clarion.petitions.search so the
migration keeps creating what it created when it was written.
"""

from django.db import DatabaseError, migrations, transaction


def _unaccent(schema_editor) -> bool:
    # unaccent ships with PostgreSQL's contrib and is a trusted extension (13+), so a
    # database owner can usually create it. Where it can't be created, search still
    # works, only without folding accents; the savepoint keeps the migration going.
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError:
        return False
    return True


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE TEXT SEARCH CONFIGURATION clarion_search (COPY = simple)")
    if _unaccent(schema_editor):
        schema_editor.execute(
            "ALTER TEXT SEARCH CONFIGURATION clarion_search ALTER MAPPING FOR "
            "asciiword, word, numword, asciihword, hword, numhword, "
            "hword_asciipart, hword_part, hword_numpart WITH unaccent, simple"
        )
    # No foreign key to petitions_petition: `clarion flush` (and test teardown) truncate
    # Django's tables without CASCADE, which a reference from here would block. A row
    # left behind by a deleted petition matches nothing, as searches join on petitions.
    schema_editor.execute(
        "CREATE TABLE petitions_search ("
        " petition_id bigint PRIMARY KEY,"
        " title text NOT NULL DEFAULT '',"
        " goal text NOT NULL DEFAULT '',"
        " body text NOT NULL DEFAULT '',"
        " names text NOT NULL DEFAULT '',"
        " document tsvector GENERATED ALWAYS AS ("
        "  setweight(to_tsvector('clarion_search'::regconfig, title), 'A')"
        "  || setweight(to_tsvector('clarion_search'::regconfig, goal), 'B')"
        "  || setweight(to_tsvector('clarion_search'::regconfig, names), 'C')"
        "  || setweight(to_tsvector('clarion_search'::regconfig, body), 'D')"
        " ) STORED)"
    )
    schema_editor.execute(
        "CREATE INDEX petitions_search_document ON petitions_search USING gin (document)"
    )


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TABLE IF EXISTS petitions_search")
    # The extension stays: other things in the database may use it.
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS clarion_search")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_keywords_drafts_offsets")]

    operations = [migrations.RunPython(create_search, drop_search)]
