"""The offline drafter: a deterministic petition draft from a story, with no network.

It works only with what the coverage says (clarion.drafting.evidence): it addresses
the body the coverage holds responsible or able to act, asks what the coverage reports
people asking for, and tells the story in the coverage's facts, each attributed to its
outlet. Its own templates fill in only what the coverage lacks, and the demands they
write are marked as fallbacks. It writes in the story's language and leaves out
sentences written in another: it does not translate.

The same brief and guidance always give the same draft. Texts are assembled from whole
sentences and whole templates, so nothing is ever cut mid-word or mid-sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clarion.drafting.checks import content_stems, sentence_language, wordset
from clarion.drafting.evidence import Call, Evidence, Fact, country_name, place_entry
from clarion.drafting.guidance import Guidance
from clarion.drafting.proposal import (
    DEMAND_MAX,
    DEMANDS_MAX,
    DEMANDS_MIN,
    GOAL_MAX,
    NARRATIVE_MAX,
    TITLE_MAX,
    DraftProposal,
    StoryBrief,
    TargetProposal,
)
from clarion.drafting.targets import Candidate, national_government
from clarion.drafting.templates import TEMPLATES, Phrases
from clarion.news.textnorm import fold, words

FACTS_MAX = 5
DEMANDS_WANTED = 4
# A candidate this weak (one passing mention) is still better than a country's
# government; below it, nothing the coverage says points anywhere.
MIN_SCORE = 2.0


@dataclass(frozen=True)
class Ask:
    """One thing the draft asks: its line among the demands, and its goal clause."""

    demand: str
    clause: str  # fits "We call on X to …" / "Pedimos a X que …"; "" if it does not
    fallback: bool


def offline_draft(brief: StoryBrief, guidance: Guidance) -> DraftProposal:
    phrases = TEMPLATES.get(brief.language) or TEMPLATES["en"]
    evidence = brief.evidence
    target = choose_target(evidence.candidates, brief.countries, phrases)
    event = _event(evidence, phrases, brief.countries)
    story = content_stems(" ".join(f"{a.headline} {a.text or a.summary}" for a in brief.articles))
    asks = _asks(phrases, evidence.calls, target, event, guidance, story)
    demands = _demand_lines(asks, guidance)
    return DraftProposal(
        title=_title(phrases, target.name, asks, event),
        goal=_goal(phrases, target.name, asks),
        narrative=_narrative(phrases, brief, evidence, target.name, event, guidance),
        demands=demands,
        targets=[target],
        categories=[slug for slug, _name in brief.categories],
        countries=list(brief.countries),
        language=phrases.language,
        drafter="offline",
        fallback_demands=[a.demand for a in asks if a.fallback and a.demand in demands],
        candidates=[c.as_json() for c in evidence.candidates],
        calls=[c.as_json() for c in evidence.calls],
    )


# Target ----------------------------------------------------------------------------


def choose_target(found: list[Candidate], countries: list[str], phrases: Phrases) -> TargetProposal:
    """The best-ranked candidate; a country's government only when there is none.

    A candidate close behind that the coverage names in the draft's language wins over
    one named only in another ("Defensa Civil" in a Spanish draft, not "Civil Defense").
    """
    strong = [c for c in found if c.score >= MIN_SCORE]
    if strong:
        best = strong[0]
        if phrases.language not in best.localized:
            best = next(
                (
                    c
                    for c in strong
                    if phrases.language in c.localized and c.score >= 0.75 * best.score
                ),
                best,
            )
        return TargetProposal(best.name_in(phrases.language), best.kind, best.country)
    if countries:
        return TargetProposal(government_name(countries[0], phrases.language), "body", countries[0])
    return TargetProposal(phrases.authorities, "body", "")


def government_name(code: str, language: str) -> str:
    """ "Gobierno de España", "the Spanish government": how a draft names a state's government."""
    if language != "en":
        return national_government(code, language)
    special = {"US": "US federal government", "GB": "UK government"}
    if code in special:
        return special[code]
    adjective = _demonym(code)
    if adjective:
        return f"the {adjective} government"
    return national_government(code, "en")


def _demonym(code: str) -> str:
    """The English adjective of the country ("Spanish", "Chilean"), not its people."""
    for demonym in place_entry(code).get("demonyms_en", []):
        if demonym.endswith(
            ("ish", "ese", "ian", "ean", "can", "ch", "i")
        ) and not demonym.endswith("s"):
            return demonym
    return ""


# The event -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    noun: str  # "the floods", "las inundaciones"
    where: str  # " in Valencia", " en Valencia", or ""


def _event(evidence: Evidence, phrases: Phrases, countries: list[str]) -> _Event:
    noun = evidence.event.noun.get(phrases.language) or phrases.default_event
    place = evidence.event.place
    if not place and countries:
        place = country_in(countries[0], phrases.language)
    return _Event(noun, phrases.where(place))


def country_in(code: str, language: str) -> str:
    """The country as it follows "in"/"en": "the United Kingdom", "Ecuador"."""
    name = country_name(code, language).split(" (")[0]
    if language == "en":
        name = {"US": "the United States", "GB": "the United Kingdom"}.get(code, name)
        if name.startswith(("United", "Dominican", "Netherlands", "Philippines", "Czech")):
            name = f"the {name}"
    return name


# Asks and demands ------------------------------------------------------------------


def _asks(
    phrases: Phrases,
    calls: list[Call],
    target: TargetProposal,
    event: _Event,
    guidance: Guidance,
    story: set[str],
) -> list[Ask]:
    """What the coverage reports people asking for, then the drafter's fallbacks."""
    asks: list[Ask] = []
    for call in calls:
        if call.language != phrases.language:
            continue  # the offline drafter does not translate
        if len(content_stems(f"{call.whom} {call.what}") & story) < 2 and call.kind != "resign":
            continue  # too little of the story in it to stand as a demand
        ask = _from_call(phrases, call, target.name)
        if (
            ask
            and not guidance.avoided_in(ask.demand)
            and len(ask.demand) <= DEMAND_MAX
            and not any(_same(ask.demand, other.demand) for other in asks)
        ):
            asks.append(ask)
    values = {"target": phrases.subject(target.name, start=False), "event": event.noun}
    spare: list[Ask] = []
    for demand, clause in phrases.fallbacks:
        text = demand.format(**values, where=event.where)
        if guidance.avoided_in(text) or len(text) > DEMAND_MAX:
            continue
        ask = Ask(text, clause.format(**values, where=event.where), True)
        (asks if content_stems(text) & story else spare).append(ask)
    # A fallback with nothing of the story in it is off-topic: kept only when the draft
    # would otherwise have too few demands, and last.
    need = DEMANDS_MIN - len(guidance.always_demand) - len(asks)
    return asks + spare[: max(0, need)] + [Ask("", a.clause, True) for a in spare]


def _from_call(phrases: Phrases, call: Call, target: str) -> Ask | None:
    who = phrases.as_asked.format(who=_lower_first(call.who)) if call.who else ""
    what = call.what.rstrip(".")
    if call.kind == "why":
        return Ask(phrases.why.format(what=what), phrases.why_ask.format(what=what), False)
    if call.kind == "questions":
        return Ask(
            phrases.questions.format(what=what), phrases.questions_ask.format(what=what), False
        )
    if call.kind == "resign":
        return Ask(_sentence(phrases.resign.format(person=what) + who), "", False)
    if call.kind == "do":
        if call.whom and not _names(call.whom, target):
            whom = _lower_first(call.whom) if phrases.language == "es" else call.whom
            return Ask(_sentence(phrases.must.format(whom=whom, what=what) + who), "", False)
        if phrases.language == "es":
            return Ask(_sentence(f"Que {what}{who}"), what, False)
        return Ask(_sentence(f"{what}{who}"), what, False)
    if call.kind == "promise":
        clause = what if phrases.language == "en" else ""
        return Ask(_sentence(what + who), clause, False)
    if call.kind == "thing":
        if re.search(r"\b(?:investigation|inquiry|probe|investigación|indagatoria)\b", what, re.I):
            return Ask(
                _sentence(phrases.investigate.format(what=what) + who),
                phrases.investigate_ask.format(what=what),
                False,
            )
        return Ask(_sentence(what + who), phrases.agree_ask.format(what=what), False)
    return None


def _names(whom: str, target: str) -> bool:
    """Whether "whom" is the target, or the authorities in general (the target among them)."""
    if re.fullmatch(r"(?:the |las )?(?:authorities|officials|autoridades)", whom.strip(), re.I):
        return True
    return bool(content_stems(whom) & content_stems(target))


def _same(a: str, b: str) -> bool:
    x, y = content_stems(a), content_stems(b)
    return bool(x) and len(x & y) / len(x | y) > 0.6


def _demand_lines(asks: list[Ask], guidance: Guidance) -> list[str]:
    lines = [d for d in guidance.always_demand if len(d) <= DEMAND_MAX][:DEMANDS_MAX]
    from_calls = [a.demand for a in asks if not a.fallback]
    fallbacks = [a.demand for a in asks if a.fallback and a.demand]  # "": a goal clause only
    wanted = max(DEMANDS_MIN, min(DEMANDS_WANTED, len(lines) + len(from_calls)))
    for demand in from_calls[:DEMANDS_WANTED]:
        if len(lines) < DEMANDS_MAX:
            lines.append(demand)
    for demand in fallbacks:
        if len(lines) >= max(wanted, DEMANDS_MIN):
            break
        lines.append(demand)
    return lines


# Title and goal --------------------------------------------------------------------


def _title(phrases: Phrases, target: str, asks: list[Ask], event: _Event) -> str:
    subject = phrases.subject(target)
    if phrases.language == "en":
        subject = _upper_first(subject)
    for ask in asks:
        if ask.clause and not ask.fallback:
            title = phrases.title_ask.format(subject=subject, ask=ask.clause)
            if len(title) <= min(TITLE_MAX, 110):
                return title
            break
    short = phrases.title_short.format(subject=subject, event=event.noun, where=event.where)
    if len(short) <= TITLE_MAX:
        return short
    return phrases.title_short.format(subject=subject, event=event.noun, where="")


def _goal(phrases: Phrases, target: str, asks: list[Ask]) -> str:
    to = phrases.addressee(target)
    clauses = [a.clause for a in asks if a.clause]
    first = clauses[0]
    second = next((c for c in clauses[1:] if not _same(c, first)), "")
    if second:
        goal = phrases.goal_two.format(to=to, ask=first, second=second)
        if len(goal) <= GOAL_MAX:
            return goal
    return phrases.goal.format(to=to, ask=first)


# Narrative -------------------------------------------------------------------------


def _narrative(
    phrases: Phrases,
    brief: StoryBrief,
    evidence: Evidence,
    target: str,
    event: _Event,
    guidance: Guidance,
) -> str:
    mine = [f for f in evidence.facts if _usable(f, phrases.language, guidance)]
    lead = _lead(brief, mine, phrases.language)
    outlets = list(dict.fromkeys(a.outlet for a in brief.articles))
    closing = [
        phrases.closing.format(
            event=event.noun,
            where=event.where,
            target=phrases.subject(target, start=False),
            of_target=phrases.of(target),
        ),
        phrases.sources.format(outlets=phrases.join(outlets)),
    ]
    if guidance.closing:
        closing.append(guidance.closing)
    paragraphs: list[str] = []
    if lead is not None:
        paragraphs.append(_opening(phrases, lead, brief))
    budget = NARRATIVE_MAX - sum(len(p) + 2 for p in [*paragraphs, *closing]) - 400
    cited, cited_outlets = _cited(phrases, mine, lead, budget)
    paragraphs += cited
    # The outlets the narrative does not quote still reported the story: say so.
    rest = [o for o in outlets if o not in cited_outlets]
    if paragraphs and rest:
        paragraphs.append(phrases.also_covered.format(outlets=phrases.join(rest), event=event.noun))
    return "\n\n".join([*paragraphs, *closing]).strip()


def _usable(fact: Fact, language: str, guidance: Guidance) -> bool:
    return (
        fact.language == language
        and not sentence_language(fact.sentence, language)
        and not guidance.avoided_in(fact.sentence)
    )


def _lead(brief: StoryBrief, facts: list[Fact], language: str) -> Fact | None:
    """The earliest report's first citable sentence, in the draft's language."""
    for article in brief.articles:
        if article.language != language:
            continue
        own = [
            f
            for f in facts
            if f.outlet == article.outlet and f.published_at == article.published_at
        ]
        if own:
            return max(own, key=lambda f: f.score)
    return facts[0] if facts else None


def _opening(phrases: Phrases, lead: Fact, brief: StoryBrief) -> str:
    date = phrases.date(lead.published_at)
    sentence = lead.sentence
    if _can_lower(sentence, brief):
        return phrases.opening_that.format(
            date=date, outlet=lead.outlet, sentence=sentence[0].lower() + sentence[1:]
        )
    return phrases.opening_colon.format(date=date, outlet=lead.outlet, sentence=sentence)


# Words that start a sentence in capitals only because they start it.
_SENTENCE_STARTERS = wordset(
    """the a an at in on by for from after before during more most many some several about
    around almost nearly over under with el la los las un una unos unas al en por desde tras
    durante más menos muchos muchas varios varias casi unas cerca"""
)


def _can_lower(sentence: str, brief: StoryBrief) -> bool:
    """Whether the first word is an ordinary word, so "reported that …" can lower it."""
    first = re.match(r"[^\W\d_]+", sentence)
    if not first:
        return False
    word = first.group()
    second = sentence[first.end() :].split()[:1]
    if second and second[0][:1].isupper():
        return False  # "President Joe Biden", "Red Eléctrica": a name
    if fold(word) in _SENTENCE_STARTERS:
        return True
    lowered = word.lower()
    texts = " ".join(a.text or a.summary for a in brief.articles)
    return bool(re.search(rf"(?<![.!?]\s)\b{re.escape(lowered)}\b", texts)) and not re.search(
        rf"(?<=[a-z,;]\s){re.escape(word)}\b", texts
    )


def _cited(
    phrases: Phrases, facts: list[Fact], lead: Fact | None, budget: int
) -> tuple[list[str], set[str]]:
    """Up to FACTS_MAX more facts, each with its outlet, one outlet at a time first."""
    chosen: list[Fact] = [lead] if lead else []
    bags = [set(words(f.sentence)) for f in chosen]
    for pass_ in (1, 2):
        for fact in facts:
            if len(chosen) >= FACTS_MAX:
                break
            if fact in chosen or (pass_ == 1 and fact.outlet in {f.outlet for f in chosen}):
                continue
            bag = set(words(fact.sentence))
            if any(len(bag & other) / max(1, len(bag | other)) > 0.4 for other in bags):
                continue
            chosen.append(fact)
            bags.append(bag)
    lines: list[str] = []
    outlets = {lead.outlet} if lead else set()
    for fact in chosen[1 if lead else 0 :]:
        line = _cite(phrases, fact)
        if len(line) + 2 > budget:
            break
        lines.append(line)
        outlets.add(fact.outlet)
        budget -= len(line) + 2
    # Two facts to a paragraph reads as prose, not as a list.
    return [" ".join(lines[i : i + 2]) for i in range(0, len(lines), 2)], outlets


def _cite(phrases: Phrases, fact: Fact) -> str:
    if _names_outlet(fact.sentence, fact.outlet):
        return fact.sentence  # it says whose report it is already
    sentence = fact.sentence.rstrip(".")
    if re.search(r"\b(?:according to|según)\b", sentence, re.I):
        return phrases.cite_reported.format(sentence=sentence, outlet=fact.outlet)
    return phrases.cite.format(sentence=sentence, outlet=fact.outlet)


# Small helpers ---------------------------------------------------------------------


def _names_outlet(sentence: str, outlet: str) -> bool:
    return f" {' '.join(words(outlet))} " in f" {' '.join(words(sentence))} "


def _sentence(text: str) -> str:
    text = _upper_first(text.strip())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """ "Tens of thousands of people" -> "tens of …", to follow "as"; names keep their
    capital ("Carlos Mazón", "Congress", "ESVAL")."""
    parts = text.split()
    if len(parts) < 2 or (len(parts[0]) > 1 and parts[0].isupper()) or parts[1][:1].isupper():
        return text
    return text[:1].lower() + text[1:]
