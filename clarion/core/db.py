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


def insert_or_skip(obj: models.Model, *, conflict: tuple[str, ...]) -> bool:
    """INSERT ``obj`` unless a row with the same ``conflict`` fields exists.

    Returns True and sets ``obj.pk`` when the row was written, False when an existing
    row won (nothing is written and no savepoint is needed to recover). ``conflict``
    must name the fields of a unique constraint. Other constraint violations raise
    IntegrityError as usual. Model signals are not sent (Clarion uses none).
    """
    model = type(obj)
    sql = _insert_sql(model, tuple(conflict), connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in _insert_fields(model)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True
