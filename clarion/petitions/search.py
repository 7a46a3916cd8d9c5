"""Full-text search over petitions, behind one interface.

SQLite (the default) uses an FTS5 table, ``petitions_search``, whose rowid is the
petition id. Every write path that changes a petition's words calls
``index_petition``; ``clarion search_rebuild`` rebuilds the whole index.
Other databases get their own branch here so callers never change.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from clarion.core.text import markdown_to_text
from clarion.petitions.models import Petition

TABLE = "petitions_search"
_TOKEN = re.compile(r"\w+", re.UNICODE)
# Control characters mark the match inside a snippet so the rest can be escaped safely.
_OPEN, _CLOSE = "\x02", "\x03"
MAX_QUERY_TERMS = 12


@dataclass(frozen=True)
class SearchHit:
    petition: Petition
    snippet: SafeString


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int


def fts_available() -> bool:
    return connection.vendor == "sqlite"


def create_index_sql() -> str:
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
        "title, goal, body, names, tokenize = 'unicode61 remove_diacritics 2')"
    )


def _document(petition: Petition) -> tuple[str, str, str, str]:
    demands = " ".join(d.text for d in petition.demands.all())
    body = f"{markdown_to_text(petition.narrative)} {demands}".strip()
    names = " ".join(
        [t.name for t in petition.targets.all()]
        + [c.name for c in petition.categories.all()]
        + [petition.related_headline, petition.related_outlet]
    )
    return petition.title, petition.goal, body, names


def index_petition(petition: Petition) -> None:
    if not fts_available():
        return
    title, goal, body, names = _document(petition)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [petition.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, title, goal, body, names) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            [petition.pk, title, goal, body, names],
        )


def remove_petition(petition_id: int) -> None:
    if fts_available():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [petition_id])  # noqa: S608


def rebuild_index(petitions: Iterable[Petition] | None = None) -> int:
    if not fts_available():
        return 0
    if petitions is None:
        petitions = Petition.objects.prefetch_related("demands", "targets", "categories")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    count = 0
    for petition in petitions:
        index_petition(petition)
        count += 1
    return count


def to_match_expression(query: str) -> str:
    """Turn what a person typed into a safe FTS5 expression.

    Every word becomes a quoted prefix term, so punctuation and FTS operators in
    the input can't break the query, and "clim" finds "climate".
    """
    terms = _TOKEN.findall(query.lower())[:MAX_QUERY_TERMS]
    return " ".join(f'"{term}"*' for term in terms)


def _highlight(snippet: str) -> SafeString:
    escaped = html.escape(snippet)
    return mark_safe(escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))  # noqa: S308


def search(query: str, queryset: QuerySet[Petition], *, offset: int, limit: int) -> SearchPage:
    """Rank the petitions of ``queryset`` that match ``query``; best first."""
    expression = to_match_expression(query)
    if not expression or not fts_available():
        return SearchPage(query=query, hits=[], total=0)
    scope_sql, scope_params = queryset.order_by().values("pk").query.sql_with_params()
    where = f"{TABLE} MATCH %s AND rowid IN ({scope_sql})"
    params = [expression, *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {where}", params)  # noqa: S608
        total = cursor.fetchone()[0]
        cursor.execute(
            # Title matters most, then the goal, then names, then the body.
            f"SELECT rowid, snippet({TABLE}, -1, %s, %s, '…', 24) FROM {TABLE} "  # noqa: S608
            f"WHERE {where} ORDER BY bm25({TABLE}, 10.0, 5.0, 1.0, 3.0) LIMIT %s OFFSET %s",
            [_OPEN, _CLOSE, *params, limit, offset],
        )
        rows = cursor.fetchall()
    by_id = queryset.in_bulk([row[0] for row in rows])
    hits = [
        SearchHit(petition=by_id[pk], snippet=_highlight(snippet))
        for pk, snippet in rows
        if pk in by_id
    ]
    return SearchPage(query=query, hits=hits, total=total)
