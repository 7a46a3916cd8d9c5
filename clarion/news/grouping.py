"""Story grouping: which recent story, if any, a new article belongs to.

An article is reduced to its salient terms (headline words weigh more; stop words,
years and short words are dropped; words are cut to a seven-letter stem so plurals and
inflections meet). Each story tallies the terms of its coverage in its profile and
indexes its INDEXED heaviest ones in StoryTerm, with the time of its latest article. A
new article looks up only its own terms among stories seen within WINDOW, through the
(term, seen_at) index, so the work per article depends on how much news arrived
recently, not on how much is stored; joining a story updates the profile and the few
index rows that change, so it costs the same for the tenth article as for the
thousandth.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection

from clarion.news.geo import country_words
from clarion.news.language import STOPWORDS
from clarion.news.models import Story, StoryTerm
from clarion.news.textnorm import fold, words

WINDOW = timedelta(days=4)
MAX_TERMS = 30  # per article
INDEXED = 40  # per story, in the lookup index
PROFILE_TERMS = 200  # per story, tallied
STEM = 7
HEADLINE_WEIGHT = 3
TEXT_CHARS = 2500
# A story must share this much of the article's weighted terms, and at least
# MIN_SHARED distinct terms, to take the article.
MIN_SCORE = 0.3
MIN_SHARED = 3
# A term carried by more recent stories than this (at least COMMON_MIN, else this
# share of them) is too common to tell events apart.
COMMON_SHARE = 0.05
COMMON_MIN = 25
# A story in another language must share this much of the article's language-neutral
# terms (names, figures, countries), a name among them, and MIN_SHARED of them.
CROSS_LANGUAGE = 0.5

# Words that are everywhere in news and say nothing about which event it is.
_NEWS_WORDS = frozenset(
    [
        "said",
        "says",
        "told",
        "according",
        "announced",
        "officials",
        "official",
        "government",
        "minister",
        "ministry",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "today",
        "yesterday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "people",
        "percent",
        "statement",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "report",
        "reported",
        "reports",
        "would",
        "could",
        "should",
        "also",
        "after",
        "before",
        "since",
        "while",
        "where",
        "which",
        "dijo",
        "dijeron",
        "segun",
        "anuncio",
        "gobierno",
        "ministro",
        "ministra",
        "semana",
        "semanas",
        "lunes",
        "martes",
        "miercoles",
        "jueves",
        "viernes",
        "sabado",
        "domingo",
        "personas",
        "ciento",
        "portavoz",
        "informe",
        "tambien",
    ]
)
_STOP = frozenset().union(*STOPWORDS.values(), _NEWS_WORDS) if STOPWORDS else _NEWS_WORDS


_POSSESSIVE = re.compile(r"['’]s$")


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and word[:2] in ("19", "20")


def _stems(text: str) -> list[str]:
    stems = []
    for word in words(text):
        word = _POSSESSIVE.sub("", word)
        if word.isdigit():
            if len(word) >= 2 and not _is_year(word):
                stems.append(word)
        elif len(word) >= 4 and word not in _STOP:
            stems.append(word[:STEM])
    return stems


def article_terms(headline: str, text: str, countries: list[str] | None = None) -> dict[str, int]:
    """The article's MAX_TERMS heaviest stems, with their weights.

    The countries the article is about join as terms of their own ("@CL"), so "Kenyan"
    and "Kenya", or an English and a Spanish report on Valparaíso, meet.
    """
    weights: Counter[str] = Counter()
    for code in (countries or [])[:2]:
        weights[f"@{code}"] += HEADLINE_WEIGHT
    for stem in _stems(headline):
        weights[stem] += HEADLINE_WEIGHT
    for stem in _stems(text[:TEXT_CHARS]):
        weights[stem] += 1
    # Ties go to the earlier word: Counter keeps insertion order and sorted() is stable.
    top = sorted(weights.items(), key=lambda item: -item[1])[:MAX_TERMS]
    return dict(top)


# Where a sentence (or a clause after a colon or semicolon) starts: the word after
# one is capitalised by grammar, not because it is a name.
_SENTENCE_BREAK = re.compile(r"[.!?:;\u2014\u201c\"(]\s*|\n")
_CAPITALISED = re.compile(r"(?<![^\s'’\-])([A-ZÀ-ÖØ-Þ][^\s,.;:!?()\"”]*)")


def name_terms(text: str) -> set[str]:
    """Stems of the words written with a capital inside a sentence.

    They are mostly names: the places, people and bodies an event involves. Two
    reports of one event share some; two events told with the same words
    ("council approves budget") usually do not, which is what tells them apart when
    there are too few recent stories to know which words are merely common.
    """
    names: set[str] = set()
    nations = country_words()
    for sentence in _SENTENCE_BREAK.split(text[:TEXT_CHARS]):
        for match in _CAPITALISED.finditer(sentence.strip()):
            word = match.group(1)
            if match.start() > 0 and _POSSESSIVE.sub("", fold(word)) not in nations:
                names.update(_stems(word))
    return names


@dataclass(frozen=True)
class Match:
    story_id: int
    score: float
    shared: int


def _window(published_at: datetime) -> tuple[datetime, datetime]:
    return published_at - WINDOW, published_at + WINDOW


def best_story(
    terms: dict[str, int],
    published_at: datetime,
    names: set[str] | None = None,
    language: str = "",
) -> Match | None:
    """The recent story that best shares the article's terms, if it shares enough.

    When the article names anything telling (``names``, from ``name_terms``), the
    story must share at least one of those names. A story written in another language
    than the article's shares few words with it, so it is judged on the terms that
    read the same in any language (names, figures, countries): see CROSS_LANGUAGE.
    """
    if not terms:
        return None
    low, high = _window(published_at)
    population = Story.objects.filter(
        last_published_at__gte=low, last_published_at__lte=high
    ).count()
    # A term that many recent stories share (a country during a busy week, words every
    # report of a kind uses) can't tell one event from another: it is left out of the
    # score altogether, which also keeps the candidate lookup small.
    common = max(COMMON_MIN, COMMON_SHARE * population)
    frequency = _frequencies(list(terms), low, high, cap=int(common) + 1)
    if not frequency:
        return None
    population = max(population, *frequency.values())
    telling = {term: weight for term, weight in terms.items() if frequency.get(term, 0) <= common}
    if not telling:
        return None
    idf = {term: math.log(1 + population / (1 + frequency.get(term, 0))) for term in telling}
    telling_names = {term for term in names or () if term in telling}
    neutral = {term for term in telling if _is_neutral(term, telling_names)}
    full = _Scores(telling, idf)
    across = _Scores({term: telling[term] for term in neutral}, idf)
    rows = StoryTerm.objects.filter(
        term__in=[t for t in telling if t in frequency], seen_at__gte=low, seen_at__lte=high
    )
    for term, story_id in rows.values_list("term", "story_id"):
        full.add(story_id, term, named=term in telling_names)
        if term in neutral:
            across.add(story_id, term, named=term in telling_names)
    match = full.best(MIN_SCORE, MIN_SHARED, need_name=bool(telling_names))
    if match is not None or not language:
        return match
    match = across.best(CROSS_LANGUAGE, MIN_SHARED, need_name=True)
    if match is None:
        return None
    other = Story.objects.filter(pk=match.story_id).values_list("language", flat=True).first()
    return match if other and other != language else None


def _frequencies(terms: list[str], low: datetime, high: datetime, cap: int) -> dict[str, int]:
    """How many stories seen between low and high carry each term, counting to ``cap``.

    Counting stops at the cap because past it a term is too common to matter, and a
    full count of a common word would cost as much as there is news in the window.
    One statement; each branch is a range scan of the (term, seen_at) index.
    """
    table = connection.ops.quote_name(StoryTerm._meta.db_table)
    # The table name comes from the model; every value is a query parameter.
    branch = (
        "SELECT CAST(%s AS TEXT), (SELECT COUNT(*) FROM (SELECT 1 FROM "  # noqa: S608
        f"{table} WHERE term = %s AND seen_at >= %s AND seen_at <= %s LIMIT %s) AS hits)"
    )
    low_value = connection.ops.adapt_datetimefield_value(low)
    high_value = connection.ops.adapt_datetimefield_value(high)
    params: list[object] = []
    for term in terms:
        params += [term, term, low_value, high_value, cap]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([branch] * len(terms)), params)
        return {term: count for term, count in cursor.fetchall() if count}


def _is_neutral(term: str, names: set[str]) -> bool:
    return term in names or term.startswith("@") or term.isdigit()


class _Scores:
    """Each candidate story's IDF-weighted share of the article's terms."""

    def __init__(self, terms: dict[str, int], idf: dict[str, float]) -> None:
        self.terms, self.idf = terms, idf
        self.total = sum(weight * idf[term] for term, weight in terms.items())
        self.score: Counter[int] = Counter()
        self.shared: Counter[int] = Counter()
        self.named: set[int] = set()

    def add(self, story_id: int, term: str, *, named: bool) -> None:
        self.score[story_id] += self.terms[term] * self.idf[term]
        self.shared[story_id] += 1
        if named:
            self.named.add(story_id)

    def best(self, min_score: float, min_shared: int, *, need_name: bool) -> Match | None:
        candidates = [sid for sid in self.score if sid in self.named or not need_name]
        if not candidates or not self.total:
            return None
        story_id = min(candidates, key=lambda sid: (-self.score[sid], -sid))
        fraction = self.score[story_id] / self.total
        if fraction >= min_score and self.shared[story_id] >= min_shared:
            return Match(story_id, round(fraction, 3), self.shared[story_id])
        return None


@dataclass
class Profile:
    """What a story's coverage adds up to, kept on the story so that a joining
    article updates it in place instead of re-reading all the coverage.

    Term tallies are capped at PROFILE_TERMS (the lightest are forgotten), and only
    the INDEXED heaviest terms go into the lookup index: a story is found by what it
    is mostly about, so a long-running story can't grow a vocabulary that matches
    everything.
    """

    terms: Counter[str] = field(default_factory=Counter)
    indexed: list[str] = field(default_factory=list)
    countries: Counter[str] = field(default_factory=Counter)
    categories: Counter[int] = field(default_factory=Counter)
    outlets: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict | None) -> Profile:
        data = data or {}
        return cls(
            terms=Counter(data.get("terms", {})),
            indexed=list(data.get("indexed", [])),
            countries=Counter(data.get("countries", {})),
            categories=Counter({int(k): v for k, v in data.get("categories", {}).items()}),
            outlets=list(data.get("outlets", [])),
        )

    def to_json(self) -> dict:
        return {
            "terms": dict(self.terms),
            "indexed": self.indexed,
            "countries": dict(self.countries),
            "categories": {str(k): v for k, v in self.categories.items()},
            "outlets": self.outlets,
        }

    def add(
        self, terms: dict[str, int], countries: list[str], category_ids: list[int], outlet: str
    ) -> None:
        self.terms.update(terms)
        self.terms = Counter(dict(self.terms.most_common(PROFILE_TERMS)))
        self.countries.update(countries)
        self.categories.update(category_ids)
        if outlet not in self.outlets:
            self.outlets.append(outlet)

    def top_terms(self) -> list[str]:
        # most_common is stable, so ties keep their first-seen order and the index
        # does not churn between equal terms.
        return [term for term, _n in self.terms.most_common(INDEXED)]


def reindex(story_id: int, before: list[str], after: list[str], seen_at: datetime) -> None:
    """Bring a story's index rows from the terms ``before`` to ``after``, seen at ``seen_at``."""
    dropped = set(before) - set(after)
    if dropped:
        StoryTerm.objects.filter(story_id=story_id, term__in=dropped).delete()
    StoryTerm.objects.filter(story_id=story_id, seen_at__lt=seen_at).update(seen_at=seen_at)
    kept = set(before)
    StoryTerm.objects.bulk_create(
        [
            StoryTerm(story_id=story_id, term=term, seen_at=seen_at)
            for term in after
            if term not in kept
        ]
    )
