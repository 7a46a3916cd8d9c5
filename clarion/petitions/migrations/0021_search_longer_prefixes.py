"""Prefix indexes for prefixes of 7 to 10 letters in the search index.

Every query word is searched as a prefix ("clim" finds "climate"). A prefix that has
an index of its own is one read of one list of matches; a longer one is a merge of the
lists of every word it starts, read whole, and ranking then reads them again to weigh
the word. Most words people type in full are longer than six letters ("housing",
"pollution", "hospital"): on the bench's 100,000 petitions such a word cost 1 to 1.5 ms
more to rank and 1 ms more to count, per word. The index grows by about a tenth.

SQLite: the table is made again with the new prefixes and its rows copied across (about
35 s at 100,000 petitions, while searches wait). PostgreSQL: the table is unchanged;
the local copies each machine ranks in (clarion/petitions/replica.py) are built with
the new prefixes once their generation changes, which it does here.
"""

from django.db import migrations

OLD_PREFIXES = "2 3 4 5 6"
NEW_PREFIXES = "2 3 4 5 6 7 8 9 10"
COLUMNS = "title, goal, body, names, visibility"


def _remake(schema_editor, prefixes: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("UPDATE petitions_search_state SET generation = gen_random_uuid()")
        return
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE petitions_search_remade USING fts5({COLUMNS}, "
        f"tokenize = 'unicode61 remove_diacritics 2', prefix = '{prefixes}')"
    )
    schema_editor.execute(
        f"INSERT INTO petitions_search_remade(rowid, {COLUMNS}) "
        f"SELECT rowid, {COLUMNS} FROM petitions_search"
    )
    schema_editor.execute(
        "INSERT INTO petitions_search_remade(petitions_search_remade) VALUES ('optimize')"
    )
    schema_editor.execute("DROP TABLE petitions_search")
    schema_editor.execute("ALTER TABLE petitions_search_remade RENAME TO petitions_search")


def widen(apps, schema_editor):
    _remake(schema_editor, NEW_PREFIXES)


def narrow(apps, schema_editor):
    _remake(schema_editor, OLD_PREFIXES)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0020_postgres_search_changes")]

    operations = [migrations.RunPython(widen, narrow)]
