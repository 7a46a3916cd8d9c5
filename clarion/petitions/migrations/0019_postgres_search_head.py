"""PostgreSQL: the words a search ranks by, small enough to sit in the table's own rows.

``head`` holds the title, goal and names (weights A, B, C) without the body. Ranking
read each match's whole ``document`` from TOAST, about 1.6 KB compressed, 5,000 times a
search (13 ms for "water" at 100,000 petitions, plus 7 ms to find the rows again by id);
``head`` is stored in the row (STORAGE MAIN), which the search's range query reads
anyway, so the rank costs almost nothing more. Matching still uses ``document``, body
included. A generated column, computed here for every row, which rewrites the table
while searches wait (about 10 s at 100,000 petitions); a no-op on SQLite.
"""

from django.db import migrations

CONFIG = "clarion_search"


def add_head(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE petitions_search ADD COLUMN head tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('{CONFIG}'::regconfig, title), 'A') || "
        f"setweight(to_tsvector('{CONFIG}'::regconfig, goal), 'B') || "
        f"setweight(to_tsvector('{CONFIG}'::regconfig, names), 'C')) STORED, "
        "ALTER COLUMN head SET STORAGE MAIN"
    )


def drop_head(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE petitions_search DROP COLUMN head")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0018_postgres_search_public")]

    operations = [migrations.RunPython(add_head, drop_head)]
