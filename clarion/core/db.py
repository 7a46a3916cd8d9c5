"""Database helpers for the few hot paths where the ORM's per-query cost matters.

Signing is the busiest write: building an INSERT through the ORM (and the savepoint
plus follow-up SELECT that "create, or find the one that exists" needs) costs more
than the database spends running it. ``insert_or_skip`` writes a model instance in
one statement that also settles the conflict, with its SQL built once per process.
"""

from __future__ import annotations

from functools import cache

from django.db import connection, models


@cache
def _insert_sql(model: type[models.Model], conflict: tuple[str, ...], vendor: str) -> str:
    # Built from the model's own field list, so a field added later (with its Python
    # default) is written here too without touching this code.
    quote = connection.ops.quote_name
    fields = _insert_fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    targets = ", ".join(quote(model._meta.get_field(name).column) for name in conflict)
    placeholders = ", ".join(["%s"] * len(fields))
    pk = quote(model._meta.pk.column)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({targets}) DO NOTHING RETURNING {pk}"
    )


@cache
def _insert_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


# Fields whose attribute is already what the database driver takes: Django's own
# preparation (pre_save, then get_db_prep_save) hands them back unchanged, at a few
# microseconds a field, a twentieth of a signing request in all. Exact types only: a
# subclass (a country field, say) may prepare its value differently.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.EmailField,
    models.SlugField,
    models.BooleanField,
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.ForeignKey,
)


@cache
def _preparers(model: type[models.Model]) -> tuple[tuple[str, models.Field | None], ...]:
    """(attribute, field to prepare it with, or None when it goes as it is)."""
    return tuple(
        (f.attname, None if type(f) in _PLAIN_FIELDS else f) for f in _insert_fields(model)
    )


def _params(obj: models.Model) -> list:
    return [
        getattr(obj, attname)
        if field is None
        else field.get_db_prep_save(field.pre_save(obj, True), connection)
        for attname, field in _preparers(type(obj))
    ]


def insert_or_skip(obj: models.Model, *, conflict: tuple[str, ...]) -> bool:
    """INSERT ``obj`` unless a row with the same ``conflict`` fields exists.

    Returns True and sets ``obj.pk`` when the row was written, False when an existing
    row won (nothing is written and no savepoint is needed to recover). ``conflict``
    must name the fields of a unique constraint. Other constraint violations raise
    IntegrityError as usual. Model signals are not sent (Clarion uses none).
    """
    model = type(obj)
    sql = _insert_sql(model, tuple(conflict), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(obj))
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True


def rows(sql: str, params: list | tuple = ()) -> list[tuple]:
    """The rows of one plain SQL query (placeholders written %s), on the default
    database: for the few hot reads where building the ORM's query costs more than
    running it."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def drop_spare_indexes(
    schema_editor, model: type[models.Model], column: str, *, like_only: tuple[str, ...] = ()
) -> list[str]:
    """Drop the indexes on ``column`` alone, and PostgreSQL's LIKE copies (``*_like``) of
    the indexes on the ``like_only`` columns. For migrations.

    Each index is one more write for every row inserted; these are covered by wider
    indexes or never used (nothing looks these keys up with LIKE). Found by looking, not
    by name: a table renamed since (the outbox, once in ``delivery``) kept the old names.
    The indexes the model declares (its ``Meta.indexes``, partial ones included) and
    unique constraints stay. Returns the names dropped.
    """
    connection = schema_editor.connection
    declared = {index.name for index in model._meta.indexes}
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    dropped = []
    for name, about in sorted(found.items()):
        if not about["index"] or about["unique"] or about["primary_key"] or name in declared:
            continue
        columns = about["columns"] or []
        like = name.endswith("_like") and bool(columns) and columns[0] in like_only
        if columns == [column] or like:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
            dropped.append(name)
    return dropped
