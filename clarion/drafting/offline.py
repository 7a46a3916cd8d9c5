"""The offline drafter: a deterministic petition draft from a story, with no network.

It works only with what the coverage says: it finds the offices and bodies the
articles name, picks the sentences that carry the facts (numbers, names, the lede) and
attributes each to its outlet, and fills demands from templates per category. The same
brief and guidance always give the same draft. Texts are assembled from whole
sentences and whole templates, so nothing is ever cut mid-word or mid-sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from django_countries import countries as country_names

from clarion.drafting.guidance import Guidance
from clarion.drafting.proposal import (
    DEMAND_MAX,
    DEMANDS_MAX,
    DEMANDS_MIN,
    GOAL_MAX,
    NARRATIVE_MAX,
    TARGETS_MAX,
    TITLE_MAX,
    CoverageItem,
    DraftProposal,
    StoryBrief,
    TargetProposal,
)
from clarion.drafting.templates import DEMANDS_WANTED, TEMPLATES, Phrases
from clarion.news.textnorm import words

FACTS_MAX = 5
SENTENCE_MAX = 400

# Offices and bodies, as the coverage names them. English puts the kind first
# ("Ministry of Health") or last ("Environmental Protection Agency"); Spanish puts it
# first ("Ministerio de Salud", "Ayuntamiento de Valparaíso").
_CAP = r"[A-ZÁÉÍÓÚÑÜ][\w'’&-]*"
_EN_KINDS = (
    "Ministry|Department|Secretariat|Office|Agency|Authority|Commission|Council|"
    "Parliament|Assembly|Senate|Congress|Board|Inspectorate|Regulator|Executive|Government"
)
_ES_KINDS = (
    "Ministerio|Secretaría|Consejería|Departamento|Agencia|Autoridad|Comisión|"
    "Ayuntamiento|Alcaldía|Gobernación|Gobierno|Congreso|Senado|Parlamento|Asamblea|"
    "Defensoría|Superintendencia|Instituto"
)
_EN_KIND_FIRST = re.compile(
    rf"\b(?:{_EN_KINDS})\s+(?:of|for)\s+(?:the\s+)?{_CAP}(?:\s+(?:and\s+|of\s+|for\s+)?{_CAP})*"
)
# "Environmental Protection Agency"; not "Chile's Ministry of ...", which the form
# above reads whole.
_EN_KIND_LAST = re.compile(rf"\b(?:{_CAP}\s+){{1,4}}(?:{_EN_KINDS})\b(?!\s+(?:of|for)\b)")
_ES_KIND_FIRST = re.compile(
    rf"\b(?:{_ES_KINDS})\s+(?:de|del|para)\s+(?:la\s+|las\s+|los\s+|el\s+)?{_CAP}"
    rf"(?:\s+(?:y\s+|e\s+|de\s+|del\s+)?{_CAP})*"
)
# Words that start a sentence or a name without being part of the body's name.
_LEADING_NOISE = {"The", "A", "An", "El", "La", "Los", "Las", "Un", "Una", "But", "And", "In"}
_OFFICE_WORDS = {
    "Ministry", "Department", "Secretariat", "Office", "Ministerio", "Secretaría",
    "Consejería", "Departamento", "Alcaldía", "Gobernación",
}  # fmt: skip
_INTERNATIONAL = ("European", "United Nations", "UN ", "World ", "International")

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]?\s+(?=[\"“«¿¡(]?[A-ZÁÉÍÓÚÑÜ0-9])")
_HAS_NUMBER = re.compile(r"\d")


def offline_draft(brief: StoryBrief, guidance: Guidance) -> DraftProposal:
    phrases = TEMPLATES.get(brief.language) or TEMPLATES["en"]
    lead = brief.articles[0]
    country = brief.countries[0] if brief.countries else ""
    targets = _targets(brief, country) or [_fallback_target(phrases, country)]
    who = _join([phrases.addressee(t.name) for t in targets[:2]], phrases.and_word)
    facts = _facts(brief, guidance, phrases)
    return DraftProposal(
        title=_title(phrases, targets[0].name, lead.headline),
        goal=_goal(phrases, who, brief),
        narrative=_narrative(phrases, brief, facts, guidance),
        demands=_demands(phrases, brief, guidance, country),
        targets=targets,
        categories=[slug for slug, _name in brief.categories],
        countries=list(brief.countries),
        language=phrases.language,
        drafter="offline",
    )


# Targets ---------------------------------------------------------------------------


def _targets(brief: StoryBrief, country: str) -> list[TargetProposal]:
    found: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    position = 0
    for article in brief.articles:
        for text in (article.headline, article.text or article.summary):
            for pattern in (_EN_KIND_FIRST, _ES_KIND_FIRST, _EN_KIND_LAST):
                for match in pattern.finditer(text):
                    name = _clean_body(match.group())
                    if name:
                        found[name] += 1
                        first_seen.setdefault(name, position)
                        position += 1
    # A name inside a longer one ("Ministry of Water" in "Ministry of Water Resources")
    # counts for the longer one.
    names = sorted(found, key=lambda n: (-found[n], first_seen[n]))
    chosen: list[str] = []
    for name in names:
        if any(name in other and name != other for other in found):
            continue
        if name not in chosen:
            chosen.append(name)
    targets = []
    for name in chosen[:TARGETS_MAX]:
        kind = "office" if name.split()[0] in _OFFICE_WORDS else "body"
        international = any(name.startswith(prefix) for prefix in _INTERNATIONAL)
        targets.append(TargetProposal(name, kind, "" if international else country))
    return targets[:3]


def _clean_body(raw: str) -> str:
    parts = raw.split()
    # Leading articles and possessives ("Chile's") are not part of the body's name.
    while parts and (parts[0] in _LEADING_NOISE or re.search(r"['’]s$", parts[0])):
        parts.pop(0)
    # "of the Ministry" leftovers and trailing connectors are not part of the name.
    while parts and parts[-1].lower() in {"and", "of", "for", "the", "y", "de", "del", "e"}:
        parts.pop()
    name = re.sub(r"['’]s$", "", " ".join(parts)).strip()
    if len(parts) < 2 or len(name) > 120:
        return ""
    return name


def _fallback_target(phrases: Phrases, country: str) -> TargetProposal:
    if country:
        return TargetProposal(phrases.government_of(_country_name(country)), "body", country)
    return TargetProposal(phrases.authorities, "body", "")


def _country_name(code: str) -> str:
    return str(country_names.name(code)) or code


# Texts -----------------------------------------------------------------------------


def _title(phrases: Phrases, target: str, headline: str) -> str:
    for candidate in phrases.titles(target, headline):
        if len(candidate) <= TITLE_MAX:
            return candidate
    return phrases.authorities_title


def _goal(phrases: Phrases, who: str, brief: StoryBrief) -> str:
    outlets = _join(_outlets(brief), phrases.and_word)
    for candidate in phrases.goals(who, outlets, _place(brief)):
        if len(candidate) <= GOAL_MAX:
            return candidate
    return phrases.short_goal


def _narrative(phrases: Phrases, brief: StoryBrief, facts: list[str], guidance: Guidance) -> str:
    lead = brief.articles[0]
    opening = phrases.opening(
        lead.outlet, _date(phrases, lead.published_at), lead.headline, len(_outlets(brief))
    )
    # Sources come before the operator's closing, which is always the last paragraph.
    closing = [
        phrases.why(brief.categories[0][0] if brief.categories else ""),
        phrases.coverage(_join(_outlets(brief), phrases.and_word)),
    ]
    if guidance.closing:
        closing.append(guidance.closing)
    parts = [opening, ""]
    budget = NARRATIVE_MAX - sum(len(p) + 2 for p in [opening, *closing]) - 40
    heading = f"### {phrases.facts_heading}"
    bullets = []
    for fact in facts:
        line = f"- {fact}"
        if len(line) + 1 > budget - len(heading):
            break
        bullets.append(line)
        budget -= len(line) + 1
    if bullets:
        parts += [heading, "", *bullets, ""]
    parts += [p + "\n" for p in closing]
    return "\n".join(parts).strip()


def _facts(brief: StoryBrief, guidance: Guidance, phrases: Phrases) -> list[str]:
    """Up to FACTS_MAX attributed sentences, the lede of each outlet first, no repeats."""
    candidates: list[tuple[int, int, str, CoverageItem]] = []
    for index, article in enumerate(brief.articles):
        for position, sentence in enumerate(_sentences(article.text or article.summary)):
            if len(sentence) > SENTENCE_MAX or len(sentence) < 40:
                continue
            if guidance.avoided_in(sentence):
                continue
            # The lede first, then sentences with figures; earlier outlets break ties.
            rank = 0 if position == 0 else (1 if _HAS_NUMBER.search(sentence) else 2)
            candidates.append((rank, position * 10 + index, sentence, article))
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen: list[str] = []
    seen: list[set[str]] = []
    for _rank, _order, sentence, article in candidates:
        bag = set(words(sentence))
        if any(len(bag & other) / max(1, len(bag | other)) > 0.5 for other in seen):
            continue
        seen.append(bag)
        chosen.append(phrases.attributed(sentence, article.outlet))
        if len(chosen) == FACTS_MAX:
            break
    return chosen


def _demands(phrases: Phrases, brief: StoryBrief, guidance: Guidance, country: str) -> list[str]:
    place = _place(brief)
    demands = [d for d in guidance.always_demand if len(d) <= DEMAND_MAX][:DEMANDS_MAX]
    slugs = [slug for slug, _name in brief.categories]
    for template in phrases.demands(slugs, place):
        if len(demands) >= max(DEMANDS_WANTED, DEMANDS_MIN):
            break
        if len(template) <= DEMAND_MAX and not guidance.avoided_in(template):
            demands.append(template)
    return demands


# Small helpers ---------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s.strip() for s in _SENTENCE_END.split(flat) if s.strip()]


def _outlets(brief: StoryBrief) -> list[str]:
    return list(dict.fromkeys(article.outlet for article in brief.articles))


def _place(brief: StoryBrief) -> str:
    return _country_name(brief.countries[0]) if brief.countries else ""


def _join(items: list[str], and_word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {and_word} {items[-1]}"


def _date(phrases: Phrases, when: datetime) -> str:
    return phrases.date(when.day, when.month, when.year)
