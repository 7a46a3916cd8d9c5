"""Full-text search over petitions, behind one interface.

Both databases keep a side table, ``petitions_search``, keyed by petition id, holding
the petition's words in four columns (title, goal, body, names). Every write path that
changes a petition's words calls ``index_petition``; ``clarion search_rebuild``
rebuilds the whole table. Callers only see ``search()``, which answers the same
``SearchPage`` on either database.

SQLite (the default) makes that table an FTS5 virtual table whose rowid is the
petition id, ranked with bm25, with prefix indexes and a fifth column, visibility
("public" or "hidden"), so a search of the public petitions is filtered inside the
index (``search(..., public=True)``); publishing a petition re-indexes it.

PostgreSQL makes it a plain table with a generated, GIN-indexed ``tsvector`` column
(migration 0004), ranked with ``ts_rank`` and cut into snippets with ``ts_headline``.
The text search configuration, ``clarion_search``, is a copy of ``simple`` with the
``unaccent`` dictionary in front when the server has that extension. Petitions are
written in English, Spanish and other languages side by side, and a visitor's query
doesn't say which language it is in: a language's stemmer applied to the wrong
language mangles words, and one config per row would need the query run through
every stemmer. ``simple`` keeps every word as written (folded to lower case, and
without accents where ``unaccent`` exists), and prefix matching ("clim" finds
"climate", "río" finds "ríos") gives back most of what stemming would. It is also
what SQLite's unicode61 tokenizer does, so both databases find the same petitions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from clarion.core.text import markdown_to_text
from clarion.petitions.models import Petition

TABLE = "petitions_search"
# Created by migration 0004 on PostgreSQL; see the module docstring.
PG_CONFIG = "clarion_search"
_TOKEN = re.compile(r"\w+", re.UNICODE)
# Control characters mark the match inside a snippet so the rest can be escaped safely.
_OPEN, _CLOSE = "\x02", "\x03"
# ts_headline drops anything its parser takes for an HTML tag, so on PostgreSQL "<" and
# ">" travel through it as these two characters (which its parser treats as spaces,
# keeping the words around them apart) and come back before escaping.
_LT, _GT = "\x04", "\x05"
_RESERVED = str.maketrans("", "", _OPEN + _CLOSE + _LT + _GT)
_ELLIPSIS = "…"
MAX_QUERY_TERMS = 12
SNIPPET_WORDS = 24


@dataclass(frozen=True)
class SearchHit:
    petition: Petition
    snippet: SafeString


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int  # at most RANK_WINDOW
    capped: bool = False  # more petitions matched than were ranked


# Only the newest RANK_WINDOW matches are ranked. Ranking every match of a word that a
# quarter of 100,000 petitions contain costs about 20 ms of CPU on every search, most of
# it for pages nobody opens; a query that matches more should be narrowed, and the page
# says so. The total is capped too, so paging never runs past what was ranked.
RANK_WINDOW = 5000


def fts_available() -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def create_index_sql(table: str = TABLE) -> str:
    # visibility holds one word, "public" or "hidden", so that a search of the public
    # petitions filters inside the index instead of checking every match against the
    # petitions table. Every query word is a prefix ("clim" finds "climate"); the prefix
    # indexes make a short prefix one lookup instead of a merge of every word it starts.
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
        "title, goal, body, names, visibility, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6')"
    )


def _visibility(petition: Petition) -> str:
    from clarion.petitions.selectors import PUBLIC_STATUSES

    return "public" if petition.status in PUBLIC_STATUSES else "hidden"


def ignores_accents() -> bool:
    """Whether "rio" finds "río" here (PostgreSQL needs the unaccent extension)."""
    if connection.vendor != "postgresql":
        return fts_available()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector(%s::regconfig, 'río') @@ to_tsquery(%s::regconfig, 'rio')",
            [PG_CONFIG, PG_CONFIG],
        )
        return bool(cursor.fetchone()[0])


def _document(petition: Petition) -> tuple[str, str, str, str]:
    # A petition is found by its words in every language it has: each column holds the
    # original followed by its translations, so either language's title ranks as a title.
    versions = [petition, *petition.translations.all()]
    demands = " ".join(d.text for d in petition.demands.all())
    for translation in versions[1:]:
        demands += " " + " ".join(translation.demand_list())
    narratives = " ".join(markdown_to_text(v.narrative) for v in versions)
    body = f"{narratives} {demands}".strip()
    names = " ".join(
        [t.name for t in petition.targets.all()]
        + [c.name for c in petition.categories.all()]
        + [petition.related_headline, petition.related_outlet]
    )
    title = "\n".join(v.title for v in versions)
    goal = "\n".join(v.goal for v in versions)
    # The snippet markers must only ever come from the search engine.
    fields = (title, goal, body, names)
    return tuple(field.translate(_RESERVED) for field in fields)  # type: ignore[return-value]


def index_petition(petition: Petition) -> None:
    if not fts_available():
        return
    title, goal, body, names = _document(petition)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {TABLE} (petition_id, title, goal, body, names) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (petition_id) DO UPDATE SET "
                "title = EXCLUDED.title, goal = EXCLUDED.goal, body = EXCLUDED.body, "
                "names = EXCLUDED.names",
                [petition.pk, title, goal, body, names],
            )
            return
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [petition.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, title, goal, body, names, visibility) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [petition.pk, title, goal, body, names, _visibility(petition)],
        )


def _id_column() -> str:
    return "petition_id" if connection.vendor == "postgresql" else "rowid"


def remove_petition(petition_id: int) -> None:
    if fts_available():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE {_id_column()} = %s",  # noqa: S608
                [petition_id],
            )


# The word types of PostgreSQL's default parser that can carry accents.
_PG_WORD_TYPES = (
    "asciiword, word, numword, asciihword, hword, numhword, "
    "hword_asciipart, hword_part, hword_numpart"
)


def _pg_fold_accents() -> None:
    """Put ``unaccent`` in front of the config if it is missing and can now be had.

    Migration 0004 does this when it can; a server that got the extension later (or a
    superuser who created it) only needs ``clarion search_rebuild``, which calls this
    before re-adding every row, so the generated column is computed anew.
    """
    if ignores_accents():
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} "
                f"ALTER MAPPING FOR {_PG_WORD_TYPES} WITH unaccent, simple"
            )
    except DatabaseError:
        return


def rebuild_index(petitions: Iterable[Petition] | None = None) -> int:
    if not fts_available():
        return 0
    if connection.vendor == "postgresql":
        _pg_fold_accents()
    if petitions is None:
        petitions = Petition.objects.prefetch_related(
            "demands", "targets", "categories", "translations"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    count = 0
    for petition in petitions:
        index_petition(petition)
        count += 1
    return count


def _terms(query: str) -> list[str]:
    return _TOKEN.findall(query.lower())[:MAX_QUERY_TERMS]


def to_match_expression(query: str, any_word: bool = False) -> str:
    """Turn what a person typed into a safe FTS5 expression.

    Every word becomes a quoted prefix term, so punctuation and FTS operators in
    the input can't break the query, and "clim" finds "climate". All words are
    required, or, with ``any_word``, any one of them (ranked by how many match).
    """
    return (" OR " if any_word else " ").join(f'"{term}"*' for term in _terms(query))


def to_tsquery_text(query: str, any_word: bool = False) -> str:
    """The PostgreSQL twin of ``to_match_expression``, for ``to_tsquery``.

    Each word is a quoted lexeme with a prefix mark, all of them required (or any,
    with ``any_word``). A word is made of \\w characters only, so it can hold no quote
    or backslash to break out of its quotes, and no tsquery operator survives.
    """
    return (" | " if any_word else " & ").join(f"'{term}':*" for term in _terms(query))


def _highlight(snippet: str) -> SafeString:
    escaped = html.escape(snippet)
    return mark_safe(escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))  # noqa: S308


def search(
    query: str,
    queryset: QuerySet[Petition],
    *,
    offset: int,
    limit: int,
    public: bool = False,
    any_word: bool = False,
) -> SearchPage:
    """Rank the petitions of ``queryset`` that match ``query``; best first.

    ``public=True`` says that ``queryset`` is all the public petitions, no fewer: on
    SQLite the index then filters by its own visibility column, which is much faster
    than checking each match against the queryset. ``any_word`` finds petitions with
    any of the words rather than all (for "similar petitions" while a title is typed).
    """
    expression = to_match_expression(query, any_word)
    if not expression or not fts_available():
        return SearchPage(query=query, hits=[], total=0)
    scope_sql, scope_params = queryset.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        tsquery = to_tsquery_text(query, any_word)
        matched, rows = _search_postgres(tsquery, scope_sql, scope_params, offset, limit)
    elif public:
        match = f"({expression}) AND visibility:public"
        matched, rows = _search_sqlite(expression, match, "", [], offset, limit)
    else:
        # The unary + keeps SQLite from handing the IN list to FTS5 as rowid constraints,
        # which would run the full-text match once for every petition in scope.
        scope = f"AND +rowid IN ({scope_sql})"
        matched, rows = _search_sqlite(expression, expression, scope, scope_params, offset, limit)
    by_id = queryset.in_bulk([row[0] for row in rows])
    hits = [
        SearchHit(petition=by_id[pk], snippet=_highlight(snippet))
        for pk, snippet in rows
        if pk in by_id
    ]
    return SearchPage(
        query=query,
        hits=hits,
        total=min(matched, RANK_WINDOW),
        capped=matched > RANK_WINDOW,
    )


def _search_sqlite(
    expression: str,
    match: str,
    scope: str,
    scope_params: Iterable,
    offset: int,
    limit: int,
) -> tuple[int, list[tuple[int, str]]]:
    """Count and rank the matches of ``match`` (the words, plus any filter) in scope,
    then cut snippets for the page's rows only, from the words alone (so a filter term
    never becomes what the snippet shows)."""
    where = f"{TABLE} MATCH %s {scope}"
    params = [match, *scope_params]
    with connection.cursor() as cursor:
        # Counted up to one past the window: enough to know whether it was exceeded.
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s)",  # noqa: S608
            [*params, RANK_WINDOW + 1],
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            # The newest matches (FTS5 walks them newest first and stops), ranked: title
            # matters most, then the goal, then names, then the body; visibility not at all.
            f"SELECT rowid FROM (SELECT rowid, bm25({TABLE}, 10.0, 5.0, 1.0, 3.0, 0.0) "  # noqa: S608
            f"AS score FROM {TABLE} WHERE {where} ORDER BY rowid DESC LIMIT %s) "
            "ORDER BY score, rowid DESC LIMIT %s OFFSET %s",
            [*params, RANK_WINDOW, limit, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return total, []
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"SELECT rowid, snippet({TABLE}, -1, %s, %s, '…', {SNIPPET_WORDS}) "  # noqa: S608
            f"FROM {TABLE} WHERE {TABLE} MATCH %s AND +rowid IN ({marks})",
            [_OPEN, _CLOSE, expression, *ids],
        )
        snippets = dict(cursor.fetchall())
    return total, [(pk, snippets.get(pk, "")) for pk in ids]


# Weights for ts_rank in its order {D, C, B, A}: body, names, goal, title; the same
# proportions as the bm25 weights on SQLite (1, 3, 5, 10). ts_rank's normalisation 1
# divides by the log of the document's length, so a long text that mentions a word in
# passing doesn't outrank a short one about it, as bm25 does on SQLite.
_PG_WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"
# One fragment: ts_headline then centres it on the match instead of starting there.
# ShortWord=0: by default it trims short words off a fragment's ends, which would cut
# "now" after a match, or the "b" of a closing "</b>" written in the text.
_PG_HEADLINE = (
    f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxFragments=1, "
    f"MaxWords={SNIPPET_WORDS}, MinWords=12, ShortWord=0"
)


def _search_postgres(
    tsquery: str, scope_sql: str, scope_params: tuple, offset: int, limit: int
) -> tuple[int, list[tuple[int, str]]]:
    where = "s.document @@ q.query AND s.petition_id IN (" + scope_sql + ")"
    with_query = "WITH q AS (SELECT to_tsquery(%s::regconfig, %s) AS query) "
    head = [PG_CONFIG, tsquery]
    with connection.cursor() as cursor:
        cursor.execute(
            with_query + f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} s, q "  # noqa: S608
            f"WHERE {where} LIMIT %s) AS capped",
            [*head, *scope_params, RANK_WINDOW + 1],
        )
        total = cursor.fetchone()[0]
        # Rank and cut the page first; only its rows get a snippet. The snippet comes
        # from the one column that matches best (ties go to title, goal, body, names),
        # as SQLite's snippet() picks a column.
        cursor.execute(
            with_query + "SELECT page.petition_id, best.text, "  # noqa: S608
            "ts_headline(%s::regconfig, translate(best.text, '<>', %s), q.query, %s) "
            "FROM ("
            f"  SELECT s.petition_id, s.title, s.goal, s.body, s.names, "
            f"  ts_rank(%s::float4[], s.document, q.query, 1) AS rank "
            # The newest matches by id alone (sorting whole rows would spill to disk),
            # then only those rows are read and ranked.
            f"  FROM (SELECT s.petition_id FROM {TABLE} s, q WHERE {where} "
            "  ORDER BY s.petition_id DESC LIMIT %s) AS recent "
            f"  JOIN {TABLE} s ON s.petition_id = recent.petition_id CROSS JOIN q "
            "  ORDER BY rank DESC, s.petition_id DESC LIMIT %s OFFSET %s"
            ") page CROSS JOIN q CROSS JOIN LATERAL ("
            "  SELECT c.text FROM (VALUES (1, page.title), (2, page.goal), (3, page.body), "
            "  (4, page.names)) AS c(position, text) "
            "  ORDER BY ts_rank(to_tsvector(%s::regconfig, c.text), q.query) DESC, c.position "
            "  LIMIT 1"
            ") best ORDER BY page.rank DESC, page.petition_id DESC",
            [
                *head,
                PG_CONFIG,
                _LT + _GT,
                _PG_HEADLINE,
                _PG_WEIGHTS,
                *scope_params,
                RANK_WINDOW,
                limit,
                offset,
                PG_CONFIG,
            ],
        )
        rows = [
            (pk, _with_ellipses(headline.translate({ord(_LT): "<", ord(_GT): ">"}), text))
            for pk, text, headline in cursor.fetchall()
        ]
    return total, rows


def _with_ellipses(headline: str, text: str) -> str:
    """Mark where ts_headline cut the text, as SQLite's snippet() does."""
    words = " ".join(headline.replace(_OPEN, "").replace(_CLOSE, "").split())
    whole = " ".join(text.split())
    if not words or words == whole:
        return headline.strip()
    before = "" if whole.startswith(words) else _ELLIPSIS
    after = "" if whole.endswith(words) else _ELLIPSIS
    return f"{before}{headline.strip()}{after}"
