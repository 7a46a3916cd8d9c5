"""Categories from the operator's taxonomy, and countries, for articles and stories."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from clarion.news.geo import country_weights
from clarion.news.textnorm import words
from clarion.taxonomy.models import Category

# A headline says what an article is about more reliably than any one sentence of it.
HEADLINE_WEIGHT = 3
# Score an article needs for a category: one headline hit, or two hits in the text.
MIN_SCORE = 2
MAX_CATEGORIES = 3
MAX_COUNTRIES = 5


@dataclass(frozen=True)
class Tags:
    category_ids: list[int]
    countries: list[str]  # heaviest first
    # How prominently the report names each country (clarion.news.geo.country_weights).
    country_weights: dict[str, float] = field(default_factory=dict)


class Taxonomy:
    """The categories' keywords, compiled once per ingest batch.

    Single words are looked up in a dict per word of the text; phrases, which are
    rarer, are searched in the folded text with word boundaries.
    """

    def __init__(self, keywords: dict[int, list[str]]) -> None:
        self.single: dict[str, set[int]] = {}
        self.phrases: list[tuple[str, int]] = []
        for category_id, items in keywords.items():
            for keyword in items:
                folded = " ".join(words(keyword))
                if not folded:
                    continue
                if " " in folded:
                    self.phrases.append((f" {folded} ", category_id))
                else:
                    self.single.setdefault(folded, set()).add(category_id)

    @classmethod
    def load(cls) -> Taxonomy:
        rows = Category.objects.values_list("id", "keywords")
        return cls({pk: _keyword_lines(text) for pk, text in rows})

    def _hits(self, text: str) -> Counter[int]:
        hits: Counter[int] = Counter()
        tokens = list(words(text))
        for token in tokens:
            for category_id in self.single.get(token, ()):
                hits[category_id] += 1
        if self.phrases:
            joined = f" {' '.join(tokens)} "
            for phrase, category_id in self.phrases:
                hits[category_id] += joined.count(phrase)
        return hits

    def categories_for(self, headline: str, text: str) -> list[int]:
        score = self._hits(text)
        for category_id, count in self._hits(headline).items():
            score[category_id] += HEADLINE_WEIGHT * count
        ranked = sorted(
            (item for item in score.items() if item[1] >= MIN_SCORE),
            key=lambda item: (-item[1], item[0]),
        )
        return [category_id for category_id, _score in ranked[:MAX_CATEGORIES]]


def _keyword_lines(text: str) -> list[str]:
    # One per line is the documented form; commas are forgiven.
    return [item.strip() for line in text.splitlines() for item in line.split(",") if item.strip()]


def tag_article(taxonomy: Taxonomy, headline: str, text: str) -> Tags:
    weights = country_weights(headline, text, limit=MAX_COUNTRIES)
    return Tags(
        category_ids=taxonomy.categories_for(headline, text),
        countries=list(weights),
        country_weights=weights,
    )


# A story's countries: those with at least this share of its main country's weight,
# each report counting once (its countries weighed relative to its own main one).
STORY_SHARE = 0.5
STORY_COUNTRIES = 3


def story_countries(weights: dict[str, float]) -> list[str]:
    """The countries a story is about, from its reports' summed country weights."""
    if not weights:
        return []
    floor = STORY_SHARE * max(weights.values())
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return [code for code, weight in ranked if weight >= floor][:STORY_COUNTRIES]


def relative(weights: dict[str, float]) -> dict[str, float]:
    """A report's country weights relative to its main country, so that each report
    counts once in its story whatever its length."""
    top = max(weights.values(), default=0)
    return {code: round(weight / top, 3) for code, weight in weights.items()} if top else {}
