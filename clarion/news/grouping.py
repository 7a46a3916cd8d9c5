"""Story grouping: which recent story, if any, a new article belongs to.

An article is reduced to its signals (clarion.news.similarity: headline and text
stems, names, concepts, figures, countries). Each story tallies the terms of its
coverage in its profile and indexes its INDEXED heaviest ones in StoryTerm, with the
time of its latest article. A new article looks up only its own terms among stories
seen around its time, through the (term, seen_at) index, so the work per article
depends on how much news arrived recently, not on how much is stored. The few best
candidates found that way are then compared feature by feature, and a fitted
logistic score decides (similarity.score). Joining a story updates the profile and
the few index rows that change, so it costs the same for the tenth article as for
the thousandth.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection

from clarion.news import similarity
from clarion.news.models import Story, StoryTerm
from clarion.news.similarity import Signals, StoryView

# A story is a candidate when the article falls within WINDOW of its coverage (from
# WINDOW before its first article to WINDOW after its latest one).
WINDOW = timedelta(days=7)
# How far after the article a story's latest coverage may be, when feeds are read out
# of order (a new feed's archive): stories are looked up by their latest time.
LOOKAHEAD = timedelta(days=30)
MAX_TERMS = 40  # per article, looked up
INDEXED = 40  # per story, in the lookup index
NEUTRAL_INDEXED = 16  # of which at least this many are names, concepts, figures, countries
PROFILE_TERMS = 300  # per story, tallied
TITLE_TERMS = 60  # headline stems per story, tallied
CANDIDATES = 8  # stories compared feature by feature
# A term carried by more recent stories than this (at least COMMON_MIN, else this
# share of them) is too common to tell events apart.
COMMON_SHARE = 0.05
COMMON_MIN = 25
# Rarity of a term: log(1 + (stories + PRIOR) / (stories carrying it + 1)). The prior
# stands for the news not yet seen, so that a quiet desk with three stories does not
# take every word for a rare one.
PRIOR = 20


@dataclass(frozen=True)
class Match:
    story_id: int
    score: float
    features: dict[str, float] = field(default_factory=dict, compare=False)


def article_terms(signals: Signals) -> dict[str, int]:
    """The article's MAX_TERMS heaviest terms: what it is looked up by."""
    ranked = sorted(signals.terms().items(), key=lambda item: -item[1])
    return dict(ranked[:MAX_TERMS])


def best_story(signals: Signals, published_at: datetime) -> Match | None:
    """The recent story the article belongs to, if any (see the module's docstring)."""
    candidates = candidate_stories(signals, published_at)
    return decide(signals, candidates)


@dataclass
class Candidates:
    views: list[StoryView]
    idf: dict[str, float]
    default_idf: float


def candidate_stories(signals: Signals, published_at: datetime) -> Candidates:
    """The CANDIDATES stories that share most of the article's telling terms.

    Three index queries: how many recent stories carry each term, how many recent
    stories there are, and which stories carry the telling terms; then one read of
    the few best stories' profiles.
    """
    terms = article_terms(signals)
    low, high = published_at - WINDOW, published_at + WINDOW
    population = Story.objects.filter(
        last_published_at__gte=low, last_published_at__lte=high
    ).count()
    common = max(COMMON_MIN, COMMON_SHARE * population)
    # Rarity is counted for the terms looked up (one index range scan each); the few
    # other terms of the article weigh as if unseen.
    frequency = _frequencies(sorted(terms), low, published_at + LOOKAHEAD, cap=int(common) + 1)
    population = max([population, *frequency.values()])
    default_idf = math.log(1 + (population + PRIOR))
    idf = {t: math.log(1 + (population + PRIOR) / (n + 1)) for t, n in frequency.items()}
    # A term that many recent stories share can't tell one event from another: it is
    # left out of the lookup, which also keeps the lookup small.
    telling = [t for t in terms if 0 < frequency.get(t, 0) <= common]
    if not telling:
        return Candidates([], idf, default_idf)
    rows = StoryTerm.objects.filter(
        term__in=telling, seen_at__gte=low, seen_at__lte=published_at + LOOKAHEAD
    ).values_list("term", "story_id")
    found: Counter[int] = Counter()
    for term, story_id in rows:
        found[story_id] += terms[term] * idf[term]
    best = [story_id for story_id, _n in found.most_common(CANDIDATES)]
    stories = Story.objects.filter(pk__in=best, first_published_at__lte=high).values_list(
        "pk", "language", "profile", "countries", "first_published_at", "last_published_at"
    )
    views = []
    for pk, language, profile, countries, first, last in stories:
        data = profile or {}
        gap = max(first - published_at, published_at - last, timedelta(0))
        views.append(
            StoryView(
                story_id=pk,
                language=language,
                terms=Counter(data.get("terms", {})),
                titles=Counter(data.get("titles", {})),
                countries=_codes(countries),
                gap_days=gap.total_seconds() / 86400,
            )
        )
    return Candidates(views, idf, default_idf)


def _codes(countries: object) -> list[str]:
    """Country codes as read from a CountryField column: a list, or "AR,BR" text."""
    codes = countries if isinstance(countries, list | tuple) else str(countries or "").split(",")
    return [str(code) for code in codes if code]


def decide(signals: Signals, candidates: Candidates) -> Match | None:
    """The candidate with the best fitted score, if that score clears THRESHOLD."""

    def idf(term: str) -> float:
        return candidates.idf.get(term, candidates.default_idf)

    best: Match | None = None
    for view in candidates.views:
        values = similarity.features(signals, view, idf)
        value = similarity.score(values)
        if best is None or (value, -view.story_id) > (best.score, -best.story_id):
            best = Match(view.story_id, round(value, 3), values)
    if best is not None and best.score > similarity.THRESHOLD:
        return best
    return None


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
    titles: Counter[str] = field(default_factory=Counter)
    indexed: list[str] = field(default_factory=list)
    countries: Counter[str] = field(default_factory=Counter)
    categories: Counter[int] = field(default_factory=Counter)
    outlets: list[str] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_json(cls, data: dict | None) -> Profile:
        data = data or {}
        return cls(
            terms=Counter(data.get("terms", {})),
            titles=Counter(data.get("titles", {})),
            indexed=list(data.get("indexed", [])),
            countries=Counter(data.get("countries", {})),
            categories=Counter({int(k): v for k, v in data.get("categories", {}).items()}),
            outlets=list(data.get("outlets", [])),
            languages=Counter(data.get("languages", {})),
        )

    def to_json(self) -> dict:
        return {
            "terms": dict(self.terms),
            "titles": dict(self.titles),
            "indexed": self.indexed,
            "countries": dict(self.countries),
            "categories": {str(k): v for k, v in self.categories.items()},
            "outlets": self.outlets,
            "languages": dict(self.languages),
        }

    def add(
        self,
        signals: Signals,
        countries: dict[str, float] | list[str],
        category_ids: list[int],
        outlet: str,
    ) -> None:
        self.terms.update(signals.terms())
        self.terms = Counter(dict(self.terms.most_common(PROFILE_TERMS)))
        self.titles.update(signals.title)
        self.titles = Counter(dict(self.titles.most_common(TITLE_TERMS)))
        if isinstance(countries, dict):
            for code, weight in countries.items():
                self.countries[code] = round(self.countries[code] + weight, 3)
        else:
            self.countries.update(countries)
        self.categories.update(category_ids)
        if signals.language:
            self.languages[signals.language] += 1
        if outlet not in self.outlets:
            self.outlets.append(outlet)

    def language(self, current: str) -> str:
        """The language most of the coverage is in; the ``current`` one (at first, the
        first report's) on a tie, so a story doesn't flip back and forth."""
        if not self.languages:
            return current
        top = max(self.languages.values())
        if self.languages.get(current) == top:
            return current
        return self.languages.most_common(1)[0][0]

    def top_terms(self) -> list[str]:
        """The terms the story is indexed by: its heaviest, with room kept for the
        names, concepts, figures and countries that reports in other languages find
        it by."""
        # most_common is stable, so ties keep their first-seen order and the index
        # does not churn between equal terms.
        ranked = [term for term, _n in self.terms.most_common()]
        neutral = [t for t in ranked if similarity.kind(t) != "stem"][:NEUTRAL_INDEXED]
        chosen = set(neutral)
        rest = [t for t in ranked if t not in chosen][: INDEXED - len(neutral)]
        chosen.update(rest)
        return [t for t in ranked if t in chosen]


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
