"""Story grouping: which recent story, if any, a new article belongs to.

An article is reduced to its salient terms (headline words weigh more; stop words,
years and short words are dropped; words are cut to a seven-letter stem so plurals and
inflections meet). Each story keeps the terms of its coverage in StoryTerm, with the
time of its latest article. A new article looks up only its own terms among stories
seen within WINDOW, through the (term, seen_at) index, so the work per article depends
on how much news arrived recently, not on how much is stored.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from clarion.news.language import STOPWORDS
from clarion.news.models import StoryTerm
from clarion.news.textnorm import words

WINDOW = timedelta(days=4)
MAX_TERMS = 30
STEM = 7
HEADLINE_WEIGHT = 3
TEXT_CHARS = 2500
# A story must share this much of the article's weighted terms, and at least
# MIN_SHARED distinct terms, to take the article.
MIN_SCORE = 0.3
MIN_SHARED = 3

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


@dataclass(frozen=True)
class Match:
    story_id: int
    score: float
    shared: int


def best_story(terms: dict[str, int], published_at: datetime) -> Match | None:
    """The recent story that best shares the article's terms, if it shares enough."""
    if not terms:
        return None
    rows = StoryTerm.objects.filter(
        term__in=list(terms),
        seen_at__gte=published_at - WINDOW,
        seen_at__lte=published_at + WINDOW,
    ).values_list("term", "story_id")
    stories_by_term: dict[str, set[int]] = defaultdict(set)
    for term, story_id in rows:
        stories_by_term[term].add(story_id)
    if not stories_by_term:
        return None
    # Inverse story frequency within the window: a term that many recent stories
    # share (a country's name during a busy week) says less than a rare one.
    population = len(set().union(*stories_by_term.values())) + 1
    idf = {
        term: math.log(1 + population / (1 + len(stories_by_term.get(term, ())))) for term in terms
    }
    total = sum(weight * idf[term] for term, weight in terms.items())
    score: Counter[int] = Counter()
    shared: Counter[int] = Counter()
    for term, story_ids in stories_by_term.items():
        for story_id in story_ids:
            score[story_id] += terms[term] * idf[term]
            shared[story_id] += 1
    ranked = sorted(score, key=lambda sid: (-score[sid], -sid))
    for story_id in ranked[:1]:
        fraction = score[story_id] / total
        if fraction >= MIN_SCORE and shared[story_id] >= MIN_SHARED:
            return Match(story_id, round(fraction, 3), shared[story_id])
    return None


def index_terms(story_id: int, terms: dict[str, int], seen_at: datetime) -> None:
    """Add an article's terms to its story's index entries and move them to seen_at."""
    existing = {
        row.term: row for row in StoryTerm.objects.filter(story_id=story_id, term__in=list(terms))
    }
    for term, row in existing.items():
        row.weight += terms[term]
    if existing:
        StoryTerm.objects.bulk_update(existing.values(), ["weight"])
    StoryTerm.objects.bulk_create(
        [
            StoryTerm(story_id=story_id, term=term, weight=weight, seen_at=seen_at)
            for term, weight in terms.items()
            if term not in existing
        ]
    )
    StoryTerm.objects.filter(story_id=story_id, seen_at__lt=seen_at).update(seen_at=seen_at)
