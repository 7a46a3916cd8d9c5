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
(migration 0004) and a ``public`` flag (0018, the twin of SQLite's visibility), ranked
with ``ts_rank`` over a second, smaller vector kept in the row, ``head`` (0019: title,
goal and names, without the body). Its newest matches are found a range of ids at a
time, newest range first (``_pg_newest_matches``), so a common word reads only the rows
it needs, each with its rank. A search of the public petitions is ranked instead in a
local FTS5 copy of the table, as on SQLite, when the machine has one
(``clarion.petitions.replica``); PostgreSQL's own ranking answers the rest.
The text search configuration, ``clarion_search``, is a copy of ``simple`` with the
``unaccent`` dictionary in front when the server has that extension. Petitions are
written in English, Spanish and other languages side by side, and a visitor's query
doesn't say which language it is in: a language's stemmer applied to the wrong
language mangles words, and one config per row would need the query run through
every stemmer. ``simple`` keeps every word as written (folded to lower case, and
without accents where ``unaccent`` exists), and prefix matching ("clim" finds
"climate", "río" finds "ríos") gives back most of what stemming would. It is also
what SQLite's unicode61 tokenizer does, so both databases find the same petitions.

When the words as typed find nothing, each is tried again without its ending
(``stem``: "renters" as "rent", "ciudades" as "ciudad"), still as a prefix, so
"renters" finds the rent petitions; a word that does match is never stemmed, so a
precise query keeps its precise answer. When even that finds nothing, ``suggest``
offers the likeliest spelling from the public petitions' own words ("rnets": "rents").

Snippets are cut here, in Python, from the petition's words in the page's language
(``Petition.shown``), not by the database from the index, whose columns hold every
language's version side by side: a snippet never mixes two languages.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from clarion.core.db import rows
from clarion.core.kept import Kept
from clarion.core.text import markdown_to_text, query_words
from clarion.petitions import replica
from clarion.petitions.models import Petition
from clarion.petitions.selectors import SearchResult

TABLE = "petitions_search"
# Created by migration 0004 on PostgreSQL; see the module docstring.
PG_CONFIG = "clarion_search"
_TOKEN = re.compile(r"\w+", re.UNICODE)
# Control characters that once marked matches in the databases' own snippets: still
# kept out of the index and of snippets, where they could only show as garbage.
_RESERVED = str.maketrans("", "", "\x02\x03\x04\x05")
_ELLIPSIS = "…"
MAX_QUERY_TERMS = 12
SNIPPET_WORDS = 24


@dataclass(frozen=True)
class SearchHit:
    petition: Petition | SearchResult
    # What was searched (the query as typed, or its stems): the snippet marks its words.
    searched: str
    # The language active for the search (None: none was): the snippet is cut in it.
    language: str | None

    @cached_property
    def snippet(self) -> SafeString:
        # Cut when first asked for: the API and "similar petitions" show none, and ten
        # snippets cost a search page 1 to 1.5 ms.
        with translation.override(self.language):
            return snippet(_snippet_fields(self.petition), self.searched)


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int  # at most RANK_WINDOW
    capped: bool = False  # more petitions matched than were ranked
    # The words searched instead when the query's own found nothing ("rent" for
    # "renters"); empty when the query was searched as typed.
    relaxed: str = ""


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
    # indexes make a prefix of up to ten letters one lookup instead of a merge of every
    # word it starts (migration 0021 says what the longer ones saved).
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
        "title, goal, body, names, visibility, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6 7 8 9 10')"
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
    for version in versions[1:]:
        demands += " " + " ".join(version.demand_list())
    narratives = " ".join(markdown_to_text(v.narrative) for v in versions)
    body = f"{narratives} {demands}".strip()
    names = " ".join(
        [f"{t.name} {t.name_es}" for t in petition.targets.all()]
        + [f"{c.name} {c.name_es}" for c in petition.categories.all()]
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
                f"INSERT INTO {TABLE} (petition_id, title, goal, body, names, public) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (petition_id) DO UPDATE SET "
                "title = EXCLUDED.title, goal = EXCLUDED.goal, body = EXCLUDED.body, "
                "names = EXCLUDED.names, public = EXCLUDED.public, "
                # A new row is stamped by the column's default; a changed one here, so
                # that local copies see it (clarion.petitions.replica).
                "changed = pg_current_xact_id()",
                [petition.pk, title, goal, body, names, _visibility(petition) == "public"],
            )
            return
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [petition.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, title, goal, body, names, visibility) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [petition.pk, title, goal, body, names, _visibility(petition)],
        )


def remove_petition(petition_id: int) -> None:
    if not fts_available():
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Emptied and stamped rather than deleted: a deleted row would leave local
            # copies nothing to learn the deletion from (clarion.petitions.replica).
            cursor.execute(
                f"UPDATE {TABLE} SET title = '', goal = '', body = '', names = '', "  # noqa: S608
                "public = false, changed = pg_current_xact_id() WHERE petition_id = %s",
                [petition_id],
            )
            return
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [petition_id])  # noqa: S608


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
    if connection.vendor == "postgresql":
        # Rows deleted above left no trace: every local copy must start again.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM petitions_search_state")
            cursor.execute("INSERT INTO petitions_search_state VALUES (gen_random_uuid())")
    return count


def _terms(query: str) -> list[str]:
    return query_words(query)


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


# --- stems: a second try for words that find nothing as typed ---------------------------

# Endings of English and Spanish plurals, agent nouns and verb forms, longest first, with
# what replaces each, and the shortest stem each may leave: "renters" -> "rent",
# "libraries" -> "library", "ciudades" -> "ciudad", "buses" -> "bus". A stem is
# searched as a prefix, so "rent" also finds "rents" and "rental".
_ENDINGS = (
    ("ies", "y", 3),
    ("ers", "", 4),
    ("ing", "", 4),
    ("es", "", 3),
    ("ed", "", 4),
    ("er", "", 4),
    ("s", "", 3),
)


def stem(word: str) -> str:
    """``word`` without its ending, or as it is when it has none that can go."""
    for ending, replacement, shortest in _ENDINGS:
        if word.endswith(ending):
            base = word[: -len(ending)] + replacement
            if len(base) >= shortest:
                return base
    return word


def stemmed_query(query: str) -> str:
    """The query's words with their endings off; "" when none had one."""
    terms = _terms(query)
    stems = [stem(term) for term in terms]
    return " ".join(stems) if stems != terms else ""


# --- snippets: cut from the page language's words -----------------------------------------


@lru_cache(maxsize=50_000)
def fold(word: str) -> str:
    """Lower case, without accents: how both indexes compare words ("Río" -> "rio").

    Remembered: a page of snippets folds every word of twenty petitions (about 6 ms of
    a search, measured on PostgreSQL), and the words repeat.
    """
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _snippet_fields(petition: Petition | SearchResult) -> list[str]:
    """The petition's words in the active language, as the index's four columns."""
    shown = petition.shown
    body = " ".join([markdown_to_text(shown.narrative), *shown.demands])
    if isinstance(petition, Petition):
        names = [t.shown_name for t in petition.targets.all()]
        names += [c.shown_name for c in petition.categories.all()]
        names += [petition.related_headline, petition.related_outlet]
    else:
        names = list(petition.names)
    return [shown.title, shown.goal, body, " ".join(names)]


def snippet(fields: list[str], query: str) -> SafeString:
    """A window of about SNIPPET_WORDS words around the query's words, marked.

    The field with the most of the query's words wins (ties: title, goal, body, names,
    the index's own order of weight); with no match in this language, the goal's start.
    Every query word matches as a prefix, without case or accents, as in the index.
    """
    terms = [fold(term) for term in _terms(query)]
    prefixes = tuple(terms)
    best: tuple[tuple[int, int], int, list[re.Match[str]], set[int]] | None = None
    for index, text in enumerate(fields):
        words = list(_TOKEN.finditer(text))
        folded = [fold(word[0]) for word in words]
        marked = {n for n, word in enumerate(folded) if word.startswith(prefixes)}
        if not marked:
            continue
        found = {t for t in terms for n in marked if folded[n].startswith(t)}
        score = (len(found), len(marked))
        if best is None or score > best[0]:
            best = (score, index, words, marked)
    if best is None:
        text = fields[1] or fields[0]
        words, marked = list(_TOKEN.finditer(text)), set()
    else:
        _score, index, words, marked = best
        text = fields[index]
    if not words:
        return mark_safe("")
    start = 0
    if len(words) > SNIPPET_WORDS:
        first = min(marked, default=0)
        # A few words of lead-in before the first match, as a reader needs.
        start = max(0, min(first - 4, len(words) - SNIPPET_WORDS))
    end = min(len(words), start + SNIPPET_WORDS)
    pieces = ["" if start == 0 else _ELLIPSIS]
    position = 0 if start == 0 else words[start].start()
    for n in range(start, end):
        word = words[n]
        pieces.append(html.escape(text[position : word.start()]))
        escaped = html.escape(word[0])
        pieces.append(f"<mark>{escaped}</mark>" if n in marked else escaped)
        position = word.end()
    if end == len(words):
        pieces.append(html.escape(text[position:].rstrip()))
    else:
        pieces.append(_ELLIPSIS)
    return mark_safe("".join(pieces).strip().translate(_RESERVED))  # noqa: S308


def search(
    query: str,
    queryset: QuerySet[Petition],
    *,
    offset: int,
    limit: int,
    public: bool = False,
    any_word: bool = False,
    load: Callable[[list[int]], Mapping[int, Petition | SearchResult]] | None = None,
) -> SearchPage:
    """Rank the petitions of ``queryset`` that match ``query``; best first.

    ``public=True`` says that ``queryset`` is all the public petitions, no fewer: on
    SQLite the index then filters by its own visibility column, which is much faster
    than checking each match against the queryset. When the words as typed match
    nothing, their stems are searched instead (``SearchPage.relaxed`` says so).
    ``any_word`` finds petitions with any of the words rather than all (for "similar
    petitions" while a title is typed). ``load`` reads the page's petitions by id
    (default: ``queryset.in_bulk``; ``selectors.search_results`` reads only what a
    results page shows).
    """
    if not _terms(query) or not fts_available():
        return SearchPage(query=query, hits=[], total=0)
    searched, relaxed = query, ""
    window = {"offset": offset, "limit": limit, "public": public, "any_word": any_word}
    matched, ids = _ranked(query, queryset, **window)
    stems = stemmed_query(query) if matched == 0 else ""
    if stems:
        matched, ids = _ranked(stems, queryset, **window)
        searched, relaxed = stems, stems
    by_id = (load or queryset.in_bulk)(ids)
    language = translation.get_language()
    hits = [SearchHit(by_id[pk], searched, language) for pk in ids if pk in by_id]
    return SearchPage(
        query=query,
        hits=hits,
        total=min(matched, RANK_WINDOW),
        capped=matched > RANK_WINDOW,
        relaxed=relaxed,
    )


def _ranked(
    query: str,
    queryset: QuerySet[Petition],
    *,
    offset: int,
    limit: int,
    public: bool,
    any_word: bool = False,
) -> tuple[int, list[int]]:
    """How many petitions match (up to one past RANK_WINDOW), and the page's ids."""
    expression = to_match_expression(query, any_word)
    # "Not hidden" rather than "public", the same rows (visibility holds one of the two):
    # bm25 weighs every phrase of the query against the whole index, and "public" is in
    # nearly every row, "hidden" in few. 3 to 6 ms less a search at 100,000 petitions,
    # the same ranking (bench/web.py's queries).
    public_match = f"({expression}) NOT visibility:hidden"
    scope_sql, scope_params = queryset.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        if public:
            # The public petitions are ranked in this machine's copy of the index, as on
            # SQLite, when it is at hand and up to date (clarion.petitions.replica).
            found = replica.ranked(public_match, offset, limit)
            if found is not None:
                return found
        tsquery = to_tsquery_text(query, any_word)
        scope = ("s.public", ()) if public else (f"s.petition_id IN ({scope_sql})", scope_params)
        return _search_postgres(tsquery, *scope, offset, limit)
    if public:
        return fts_ranked(rows, public_match, "", [], offset, limit)
    # The unary + keeps SQLite from handing the IN list to FTS5 as rowid constraints,
    # which would run the full-text match once for every petition in scope.
    scope = f"AND +rowid IN ({scope_sql})"
    return fts_ranked(rows, expression, scope, scope_params, offset, limit)


def fts_ranked(
    query_rows: Callable[[str, list], list[tuple]],
    match: str,
    scope: str,
    scope_params: Iterable,
    offset: int,
    limit: int,
) -> tuple[int, list[int]]:
    """Count and rank the matches of ``match`` (the words, plus any filter) in scope, in
    an FTS5 index: the database's own on SQLite, a local copy on PostgreSQL. ``query_rows``
    runs one query (placeholders written %s) and answers its rows."""
    where = f"{TABLE} MATCH %s {scope}"
    params = [match, *scope_params]
    # Counted up to one past the window: enough to know whether it was exceeded.
    total = query_rows(
        f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s)",  # noqa: S608
        [*params, RANK_WINDOW + 1],
    )[0][0]
    ranked = query_rows(
        # The newest matches (FTS5 walks them newest first and stops), ranked: title
        # matters most, then the goal, then names, then the body; visibility not at all.
        f"SELECT rowid FROM (SELECT rowid, bm25({TABLE}, 10.0, 5.0, 1.0, 3.0, 0.0) "  # noqa: S608
        f"AS score FROM {TABLE} WHERE {where} ORDER BY rowid DESC LIMIT %s) "
        "ORDER BY score, rowid DESC LIMIT %s OFFSET %s",
        [*params, RANK_WINDOW, limit, offset],
    )
    return total, [row[0] for row in ranked]


# Weights for ts_rank in its order {D, C, B, A}: body (not in ``head``), names, goal,
# title; the same proportions as the bm25 weights on SQLite (1, 3, 5, 10).
_PG_WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"


# The first range of ids holds about this many times RANK_WINDOW matches by the
# planner's estimate, and spans at most PG_FIRST_RANGE ids; while nothing is found,
# each next range is PG_WIDENING times wider.
PG_FIRST_MARGIN = 1.2
PG_FIRST_RANGE = 100_000
PG_WIDENING = 4


def _search_postgres(
    tsquery: str, scope_sql: str, scope_params: tuple, offset: int, limit: int
) -> tuple[int, list[int]]:
    newest = _pg_newest_matches(tsquery, scope_sql, scope_params)
    ranked = sorted(newest[:RANK_WINDOW], key=lambda row: (-row[1], -row[0]))
    return len(newest), [pk for pk, _rank in ranked[offset : offset + limit]]


def _pg_newest_matches(
    tsquery: str, scope_sql: str, scope_params: tuple
) -> list[tuple[int, float]]:
    """The newest matches in scope, newest first, each with its rank: RANK_WINDOW and
    one more at most (the one more says the window was exceeded).

    Asked of the whole table at once, PostgreSQL either walks the ids backwards testing
    every row's words (about 18,000 rows read from their TOAST for "water" at 100,000
    petitions) or reads every match to sort it. A range of the newest ids first, ANDed
    with the word index as two bitmaps, reads only the matches in that range; ranges
    further back are asked only while too few are found, each sized from the matches so
    far, so a rare word costs a few cheap range queries.

    The rank comes with each match, from ``head`` (title, goal and names, weighted A, B
    and C; migration 0019), which sits in the row the range query reads anyway: ranking
    by the whole ``document`` meant reading each match's words again from TOAST, 20 to
    30 ms a search. A match in the body alone ranks below every match in the head,
    newest first among themselves. ts_rank's normalisation 1 divides by the log of the
    head's length, so a long title that mentions a word in passing doesn't outrank a
    short one about it.

    The planner prices testing a row's words far below what reading them from TOAST
    costs, so for a range it prefers walking the primary key and testing each row (65 to
    80 ms for 20,000 ids) over the two bitmaps (about 20 ms). Index and sequential scans
    are turned off for these queries alone.
    """
    if connection.in_atomic_block:
        # Already in a transaction: the settings are put back afterwards, or they would
        # outlive this search until the caller's transaction ends. (After an error the
        # caller's transaction is spoilt anyway, and its rollback undoes them.)
        found = _pg_ranges(tsquery, scope_sql, scope_params)
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_indexscan; RESET enable_seqscan")
        return found
    with transaction.atomic():  # a transaction of its own: its end resets them
        return _pg_ranges(tsquery, scope_sql, scope_params)


def _pg_ranges(tsquery: str, scope_sql: str, scope_params: tuple) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        # The newest id, read by the primary key, and the settings for what follows
        # (set_config(..., true) is SET LOCAL), in one round trip.
        cursor.execute(
            "SELECT set_config('enable_indexscan', 'off', true), "  # noqa: S608
            "set_config('enable_seqscan', 'off', true), "
            f"(SELECT max(petition_id) FROM {TABLE})"
        )
        top = cursor.fetchone()[2] or 0
        found: list[tuple[int, float]] = []
        high, span = top, _pg_first_span(cursor, tsquery, scope_sql, scope_params, top)
        while high > 0 and len(found) <= RANK_WINDOW:
            low = max(0, high - span)
            cursor.execute(
                "SELECT s.petition_id, "  # noqa: S608
                f"ts_rank(%s::float4[], s.head, to_tsquery(%s::regconfig, %s), 1) FROM {TABLE} s "
                f"WHERE s.document @@ to_tsquery(%s::regconfig, %s) AND {scope_sql} "
                "AND s.petition_id > %s AND s.petition_id <= %s "
                "ORDER BY s.petition_id DESC LIMIT %s",
                [
                    *(_PG_WEIGHTS, PG_CONFIG, tsquery, PG_CONFIG, tsquery),
                    *(*scope_params, low, high, RANK_WINDOW + 1 - len(found)),
                ],
            )
            found += cursor.fetchall()
            # Each query reads the word index afresh, so guess the range that holds the
            # rest from the matches so far, rather than widening step by step; with none
            # so far, widen. Not wider than the guess: a range holding many more matches
            # than wanted reads the heap page of every one of them to sort them (60,000
            # ids of "housing rent": 9,800 rows on 7,000 pages, 165 ms, against 15 ms
            # for the 15,000 ids the guess asked for).
            wanted, scanned = RANK_WINDOW + 1 - len(found), top - low
            guess = int(wanted * scanned / len(found) * 1.5) if found else 0
            span, high = guess or span * PG_WIDENING, low
        return found


def _pg_first_span(cursor, tsquery: str, scope_sql: str, scope_params: tuple, top: int) -> int:
    """How many of the newest ids to search first: enough, by the planner's estimate
    of the matches, to hold the whole window in one range.

    Every range query reads the word index afresh (about 8 ms for a word in a quarter of
    100,000 petitions), so a second range was most of the cost of the searches that
    needed one ("housing rent": 3,322 matches in the first 20,000 ids, then 18 ms more).
    The estimate costs half a millisecond and was within a few percent for common words
    in the bench's queries; a rare word's may be off by several times, which only means
    a range wider than needed, and rare words are cheap to read.
    """
    estimate = _pg_estimate(cursor, tsquery, scope_sql, scope_params)
    wanted = int(RANK_WINDOW * PG_FIRST_MARGIN * top / max(estimate, 1))
    return max(1, min(wanted, PG_FIRST_RANGE))


def _pg_estimate(cursor, tsquery: str, scope_sql: str, scope_params: tuple) -> int:
    """The planner's guess at how many petitions in scope match."""
    cursor.execute(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM "  # noqa: S608
        f"{TABLE} s WHERE s.document @@ to_tsquery(%s::regconfig, %s) AND {scope_sql}",
        [PG_CONFIG, tsquery, *scope_params],
    )
    return int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])


# --- suggestions: the likeliest spelling for a query that finds nothing -------------------

# The words of the newest public petitions (never a draft's: a suggestion must not
# reveal one), rebuilt in the background every ten minutes and kept in each process:
# unpickled from a shared cache on every suggestion they would cost more than they save.
VOCABULARY_SECONDS = 600
VOCABULARY_PETITIONS = 2000
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Vocabulary:
    # Folded word -> (its most common spelling, how many petitions use it).
    words: dict[str, tuple[str, int]]
    ordered: list[str]  # the folded words, sorted, to look up prefixes
    alphabet: str  # every character the folded words use


def _words(text: str) -> set[str]:
    return {
        word.lower()
        for word in _TOKEN.findall(_URL.sub(" ", text))
        if len(word) >= 3 and not word.isdigit()
    }


def _texts_by_petition(ids: list[int]) -> dict[int, list[str]]:
    """The words a suggestion may come from, per petition: titles, goals and demands in
    every language, and the names of its targets and categories.

    Read as plain rows, five queries for all of them: through model instances and their
    related managers, the ORM's own bookkeeping cost more than the words (about 300 ms
    for 2,000 petitions).
    """
    from clarion.petitions.models import Demand, PetitionTranslation

    texts: dict[int, list[str]] = {pk: [] for pk in ids}
    for pk, title, goal in Petition.objects.filter(pk__in=ids).values_list("pk", "title", "goal"):
        texts[pk] += [title, goal]
    for pk, text in Demand.objects.filter(petition_id__in=ids).values_list("petition_id", "text"):
        texts[pk].append(text)
    translations = PetitionTranslation.objects.filter(petition_id__in=ids)
    for pk, *words in translations.values_list("petition_id", "title", "goal", "demands"):
        texts[pk] += words
    for relation, field in (("targets", "target"), ("categories", "category")):
        through = getattr(Petition, relation).through
        rows = through.objects.filter(petition_id__in=ids).values_list(
            "petition_id", f"{field}__name", f"{field}__name_es"
        )
        for pk, name, name_es in rows:
            texts[pk].append(f"{name} {name_es}")
    return texts


def _build_vocabulary() -> Vocabulary:
    from clarion.petitions.selectors import public_petitions

    ids = list(
        public_petitions().order_by("-id").values_list("pk", flat=True)[:VOCABULARY_PETITIONS]
    )
    counts: Counter[str] = Counter()
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    folded: dict[str, str] = {}  # a few thousand distinct words among a hundred thousand
    for texts in _texts_by_petition(ids).values():
        for word in set().union(*map(_words, texts)) if texts else ():
            key = folded.get(word)
            if key is None:
                key = folded[word] = fold(word)
            counts[key] += 1
            spellings[key][word] += 1
    words = {key: (spellings[key].most_common(1)[0][0], n) for key, n in counts.items()}
    return Vocabulary(
        words=words, ordered=sorted(words), alphabet="".join(sorted(set("".join(words))))
    )


_vocabulary = Kept("search:vocabulary", _build_vocabulary, fresh=VOCABULARY_SECONDS)


def vocabulary() -> Vocabulary:
    return _vocabulary.get()


def _edits(word: str, alphabet: str) -> set[str]:
    """Every word one deletion, transposition, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in alphabet}
        | {a + c + b for a, b in splits for c in alphabet}
    )


def _distance(a: str, b: str, limit: int) -> int:
    """Edits (deletion, insertion, replacement, swap of neighbours) from ``a`` to ``b``,
    or ``limit + 1`` as soon as it is sure to be more than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if (
                before is not None
                and i > 1
                and j > 1
                and a[i - 1] == b[j - 2]
                and a[i - 2] == b[j - 1]
            ):
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def _two_edits_away(key: str, known: Vocabulary) -> set[str]:
    """Known words two edits from ``key`` that begin with its letter.

    Listing every string two edits away (hundreds of thousands for a 7-letter word) cost
    about 45 ms a search. The known words that begin with the same letter sit together
    in the sorted list, a few hundred of them, and are measured one by one instead: a
    few milliseconds. A slip in the first letter is found at one edit only.
    """
    start = bisect_left(known.ordered, key[0])
    found = set()
    for word in known.ordered[start:]:
        if not word.startswith(key[0]):
            break
        if abs(len(word) - len(key)) <= 2 and _distance(key, word, 2) <= 2:
            found.add(word)
    return found


def _closest(key: str, known: Vocabulary) -> str | None:
    """The most used known word one edit from ``key``, else two (for longer words)."""
    candidates = _edits(key, known.alphabet) & known.words.keys()
    if not candidates and len(key) >= 5:
        candidates = _two_edits_away(key, known)
    if not candidates:
        return None
    best = max(candidates, key=lambda word: (known.words[word][1], word))
    return known.words[best][0]


def suggest(query: str) -> str:
    """The query with each unknown word replaced by its likeliest spelling ("rnets" ->
    "rents"), or "" when there is nothing better to offer."""
    terms = _terms(query)
    if not terms or not fts_available():
        return ""
    known = vocabulary()
    suggested, changed = [], False
    for term in terms:
        key = fold(term)
        position = bisect_left(known.ordered, key)
        if position < len(known.ordered) and known.ordered[position].startswith(key):
            suggested.append(term)  # some petition has a word that starts so
            continue
        closest = _closest(key, known) if len(key) >= 3 else None
        suggested.append(closest or term)
        changed = changed or closest is not None
    return " ".join(suggested) if changed else ""
