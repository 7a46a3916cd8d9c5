"""Which language an article is written in, from its most frequent small words.

Function words ("the", "de", "und") make up a large, stable share of any running
text, so counting them is enough to tell the languages Clarion serves apart, with no
model to download. Measured on the 114 labelled articles of eval/news/: every one
right from headline and text, five times faster than py3langid (0.2 ms against
1.2 ms an article). A headline or summary alone has too few function words (it
told 58 of the 114 headlines); there py3langid, whose small model ships in its
wheel, reads character n-grams instead and told all 114.
"""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "that",
            "for",
            "on",
            "with",
            "as",
            "was",
            "were",
            "are",
            "be",
            "by",
            "at",
            "from",
            "this",
            "it",
            "its",
            "has",
            "have",
            "had",
            "will",
            "would",
            "an",
            "not",
            "but",
            "they",
            "their",
            "which",
            "who",
            "been",
            "said",
            "than",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "de",
            "del",
            "y",
            "que",
            "en",
            "un",
            "una",
            "por",
            "con",
            "para",
            "es",
            "se",
            "su",
            "sus",
            "al",
            "lo",
            "como",
            "más",
            "pero",
            "fue",
            "son",
            "ha",
            "han",
            "este",
            "esta",
            "entre",
            "sobre",
            "también",
            "desde",
            "según",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "de",
            "des",
            "du",
            "et",
            "que",
            "qui",
            "en",
            "un",
            "une",
            "pour",
            "par",
            "avec",
            "est",
            "sur",
            "au",
            "aux",
            "ce",
            "cette",
            "pas",
            "plus",
            "dans",
            "ont",
            "été",
            "sont",
            "mais",
            "selon",
            "leur",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "ein",
            "eine",
            "einen",
            "dem",
            "den",
            "des",
            "mit",
            "von",
            "zu",
            "auf",
            "für",
            "im",
            "sich",
            "auch",
            "wird",
            "wurde",
            "sind",
            "bei",
            "nach",
            "aus",
            "dass",
            "oder",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "de",
            "do",
            "da",
            "dos",
            "das",
            "e",
            "que",
            "em",
            "um",
            "uma",
            "para",
            "com",
            "por",
            "não",
            "no",
            "na",
            "nos",
            "nas",
            "se",
            "ao",
            "mais",
            "foi",
            "são",
            "pelo",
            "pela",
            "como",
            "segundo",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "la",
            "gli",
            "le",
            "di",
            "del",
            "della",
            "dei",
            "e",
            "che",
            "in",
            "un",
            "una",
            "per",
            "con",
            "non",
            "è",
            "sono",
            "al",
            "alla",
            "anche",
            "più",
            "come",
            "dalla",
            "nel",
            "nella",
            "questo",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "in",
            "is",
            "dat",
            "op",
            "te",
            "voor",
            "met",
            "zijn",
            "niet",
            "aan",
            "er",
            "ook",
            "als",
            "bij",
            "door",
            "maar",
            "wordt",
            "werd",
            "naar",
            "nog",
            "over",
        ]
    ),
}

_WORD = re.compile(r"[^\W\d_]+")
# Fewer function words than this and the text is too short to judge.
MIN_HITS = 4
# The winner must lead the runner-up by this factor to overrule the feed's own tag.
MARGIN = 1.5


def _hint(hint: str) -> str:
    primary = hint.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in STOPWORDS else ""


def detect_language(text: str, hint: str = "") -> str:
    """A two-letter code (en, es, fr, de, pt, it, nl), or "" when it can't be told."""
    counts = dict.fromkeys(STOPWORDS, 0)
    for word in _WORD.findall(text[:5000].lower()):
        for language, words in STOPWORDS.items():
            if word in words:
                counts[language] += 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    (best, top), (_second, runner_up) = ranked[0], ranked[1]
    if top >= MIN_HITS and top >= MARGIN * max(1, runner_up):
        return best
    return _hint(hint) or (best if top >= MIN_HITS else _identify(text[:1000]))


# Below this probability py3langid's answer is a guess, and no answer is better.
MIN_CONFIDENCE = 0.9


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(STOPWORDS))
    return identifier


def _identify(text: str) -> str:
    """The language of a short text (a headline, a summary) by character n-grams."""
    if len(_WORD.findall(text)) < 3:
        return ""
    language, probability = _identifier().classify(text)
    return language if probability >= MIN_CONFIDENCE else ""
