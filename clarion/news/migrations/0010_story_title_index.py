"""An index of story titles for search, which looks for words anywhere in a title.

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 and later; skipped on an
older one, where titles are read one by one as before), holding no text of its own
(content='news_story') and kept by three triggers, so every write to a story's title,
from any code path or a bulk update, reaches it. A later migration that makes the story
table again (SQLite's way of changing some columns) drops the triggers with the old
table: tests/news/test_story_search.py fails until they are made again.

PostgreSQL: a trigram GIN index on UPPER(title), which serves the LIKE that search runs.
pg_trgm ships with PostgreSQL and a database owner may enable it; where it can't be,
the index is skipped, as on an old SQLite.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger("clarion")

SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE news_story_title USING fts5(title, content='news_story', "
    "content_rowid='id', tokenize='trigram')"
)
SQLITE_UPKEEP = [
    "CREATE TRIGGER news_story_title_insert AFTER INSERT ON news_story BEGIN "
    "INSERT INTO news_story_title(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER news_story_title_delete AFTER DELETE ON news_story BEGIN "
    "INSERT INTO news_story_title(news_story_title, rowid, title) "
    "VALUES ('delete', old.id, old.title); END",
    "CREATE TRIGGER news_story_title_update AFTER UPDATE OF title ON news_story BEGIN "
    "INSERT INTO news_story_title(news_story_title, rowid, title) "
    "VALUES ('delete', old.id, old.title); "
    "INSERT INTO news_story_title(rowid, title) VALUES (new.id, new.title); END",
    # The stories there already.
    "INSERT INTO news_story_title(news_story_title) VALUES ('rebuild')",
]


def create(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            try:
                cursor.execute(SQLITE_INDEX)
            except DatabaseError as exc:  # no trigram tokenizer before SQLite 3.34
                log.warning("story titles not indexed for search (%s)", exc)
                return
            for statement in SQLITE_UPKEEP:
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            try:
                with transaction.atomic(using=connection.alias):  # a savepoint
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError as exc:  # not allowed to this role
                log.warning("story titles not indexed for search: pg_trgm (%s)", exc)
                return
            cursor.execute(
                "CREATE INDEX news_story_title_trgm ON news_story "
                "USING gin (UPPER(title) gin_trgm_ops)"
            )


def drop(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS news_story_title_{trigger}")
            cursor.execute("DROP TABLE IF EXISTS news_story_title")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS news_story_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("news", "0009_feed_warning")]

    operations = [migrations.RunPython(create, drop)]
