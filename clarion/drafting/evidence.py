"""What the coverage gives a drafter: facts to cite, calls people made, the event and place.

Both drafters get the same evidence: the offline drafter builds its draft from it, the
LLM drafter is sent it with the articles. Everything here is read from the articles as
written; nothing is invented. A fact is one whole sentence of one outlet; a call is
who asked whom for what, as one sentence reports it; the event is the kind of thing
that happened ("the floods", "el apagón") and the place the coverage puts it in.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache

from django.utils import translation
from django_countries import countries as country_names

from clarion.drafting.checks import split_sentences, wordset
from clarion.drafting.proposal import CoverageItem, StoryBrief
from clarion.drafting.targets import Candidate, candidates, head_level, same_body
from clarion.news.geo import DATA as PLACES
from clarion.news.textnorm import fold, words

FACT_MIN, FACT_MAX = 50, 320


@dataclass(frozen=True)
class Fact:
    """One sentence of one article that reports something, with where it came from."""

    sentence: str
    outlet: str
    published_at: datetime
    language: str
    score: float

    def as_json(self) -> dict:
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat()
        return data


@dataclass(frozen=True)
class Call:
    """Someone in the coverage asking for something: who, of whom, what."""

    # "do" (whom must do what), "thing" (what is asked for), "why" (a question to answer),
    # "resign" (what is a person), "promise" (what someone said they would do),
    # "questions" (what questions are being asked about)
    kind: str
    who: str  # as the report names them ("advocates for Mexico's missing"), or ""
    whom: str  # who is asked ("Congress"), or ""
    what: str  # the verb phrase, the thing, the question or the person
    outlet: str
    language: str
    sentence: str

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EventWords:
    """How a draft names the event: "the floods", "las inundaciones", and where."""

    noun: dict[str, str]  # language -> noun phrase with its article, or "" if unknown
    place: str  # the town, region or country the coverage puts the event in


@dataclass(frozen=True)
class Evidence:
    candidates: list[Candidate]
    facts: list[Fact]
    calls: list[Call]
    event: EventWords


def gather(brief: StoryBrief) -> Evidence:
    found = candidates(brief.articles, brief.countries)
    bodies = [name for c in found for name in (c.name, *c.aliases)]
    # A body asking another for something (a company asking its regulator for leniency)
    # is no call for a petition to take up; people's and groups' calls are.
    people = [
        call
        for call in calls(brief.articles)
        if not (call.who and any(same_body(call.who, body) for body in bodies))
    ]
    return Evidence(
        candidates=found,
        facts=facts(brief.articles, found),
        calls=people,
        event=event_words(brief.articles, brief.countries),
    )


# Facts -----------------------------------------------------------------------------

# Sentences about the report rather than the event ("The paper notes …"), and openings
# that need the sentence before them ("She said …", "Eso …").
_META = re.compile(
    r"^(?:the (?:paper|newspaper|magazine|publication|outlet|broadcaster|blog|trade "
    r"(?:site|publication)|site|channel|report|piece|article|network|agency)|"
    r"(?:el|la) (?:diario|periódico|medio|crónica|pieza|cadena|emisora|revista|texto|"
    r"portal|agencia|cobertura|información|nota)|"
    r"(?:he|she|they|it|this|that|these|those|his|her|their|its|él|ella|ellos|ellas|"
    r"esto|eso|este|esta|aquello|sus?|también|además|but|and|yet|so|however|still|"
    r"otherwise|meanwhile|then)\b)",
    re.I,
)
_NUMBER = re.compile(r"\d")
_QUOTE = re.compile(r"[“”«»\"]")


def facts(articles: list[CoverageItem], found: list[Candidate]) -> list[Fact]:
    """Sentences worth citing, best first: ledes, figures, the bodies the story names."""
    names = [c.name for c in found[:3]]
    ranked: list[Fact] = []
    for index, article in enumerate(articles):
        for position, raw in enumerate(split_sentences(article.text or article.summary)):
            sentence = strip_self_attribution(raw, article.outlet)
            if not _citable(sentence) or _about_the_report(sentence, article.outlet):
                continue
            score = 3.0 if position == 0 else 0.0
            score += 1.5 if _NUMBER.search(sentence) else 0.0
            score += 1.5 * sum(1 for name in names if _mentions(sentence, name))
            score -= 0.1 * position + 0.05 * index
            ranked.append(
                Fact(sentence, article.outlet, article.published_at, article.language, score)
            )
    ranked.sort(key=lambda f: -f.score)
    return ranked


# Phrases that make a sentence about the report, wherever they stand.
_META_ANYWHERE = re.compile(
    r"\b(?:the paper|the newspaper|the magazine|the publication|the outlet|the broadcaster|"
    r"the blog|the trade (?:site|publication)|live coverage|el diario|el periódico|"
    r"el medio|la crónica|la cobertura|la pieza|la emisora|la revista|reconstruye|"
    r"the piece|the report says|this article|este artículo)\b",
    re.I,
)


def _about_the_report(sentence: str, outlet: str) -> bool:
    """ "ABC pone el foco en …", "The Clinic se detiene en …": the outlet, not the event."""
    starts = [outlet, *outlet_aliases(outlet)]
    return any(
        re.match(rf"(?:the\s+)?{re.escape(name)}\b(?!['’]s)", sentence, re.I) for name in starts
    )


def outlet_aliases(outlet: str) -> list[str]:
    """Shorter names an outlet goes by in text: "AP" for Associated Press."""
    initials = "".join(w[0] for w in outlet.split() if w[:1].isupper())
    return [initials] if len(initials) >= 2 and len(outlet.split()) >= 2 else []


def _citable(sentence: str) -> bool:
    if not FACT_MIN <= len(sentence) <= FACT_MAX or not sentence.endswith("."):
        return False
    if _META.match(sentence) or _META_ANYWHERE.search(sentence):
        return False
    if "?" in sentence or len(_QUOTE.findall(sentence)) % 2:
        return False
    return not re.search(r"\b(?:I|we|my|our|yo|nosotros)\b", sentence)


def _mentions(text: str, name: str) -> bool:
    return f" {' '.join(words(name))} " in f" {' '.join(words(text))} "


_REPORT_VERBS = (
    r"(?:reported|reports|said|says|noted|notes|wrote|writes|recalled|added|explained|"
    r"informó|informa|publicó|publica|reportó|recogió|recoge|señaló|escribió|apuntó|"
    r"recordó|destacó|detalló)"
)


def strip_self_attribution(sentence: str, outlet: str) -> str:
    """The sentence without its own outlet's byline phrases, to attribute it once.

    "…, FreightWaves reported in an update on Wednesday." -> "…."; "Según El País, …"
    -> "…". A sentence that is only about the outlet is returned as it is.
    """
    name = re.escape(outlet)
    trailing = re.compile(
        rf",?\s+(?:(?:the\s+)?{name}|the paper|the magazine)\s+{_REPORT_VERBS}"
        rf"(?:\s+[\w'’-]+){{0,5}}\s*\.$",
        re.I,
    )
    stripped = trailing.sub(".", sentence)
    # Spanish puts the verb first: "…, informó El País." / "…, reportó Infobae México."
    reversed_ = re.compile(
        rf",?\s+{_REPORT_VERBS}\s+(?:el diario\s+|la agencia\s+)?{name}"
        rf"(?:\s+[\w'’-]+){{0,2}}\s*\.$",
        re.I,
    )
    stripped = reversed_.sub(".", stripped)
    leading = re.compile(rf"^(?:according to|según|de acuerdo con)\s+{name}\s*,\s*", re.I)
    stripped = leading.sub("", stripped)
    reports_that = re.compile(rf"^{name}\s+{_REPORT_VERBS}\s+(?:that|que)\s+", re.I)
    stripped = reports_that.sub("", stripped)
    if stripped != sentence and stripped[:1].islower():
        stripped = stripped[0].upper() + stripped[1:]
    return stripped


# Calls -----------------------------------------------------------------------------

# Who is asked: not the public told to stay indoors, but someone with power to act.
_PUBLIC = re.compile(
    r"^(?:the\s+)?(?:residents?|people|population|public|citizens?|locals|everyone|"
    r"la\s+población|los\s+vecinos|las\s+vecinas|los\s+residentes|los\s+ciudadanos|"
    r"los\s+habitantes|quienes|la\s+gente|todos|los\s+usuarios|travell?ers|passengers|"
    r"viajeros|pasajeros)\b",
    re.I,
)
_EN_CALL_ON = re.compile(
    r"\b(?:called on|calls on|calling on|urged|urges|urging|asked|asks|asking|pressed|"
    r"pressing|chanted (?:at|for))\s+(?!for\s)(?P<whom>[^,.;]{2,80}?)\s+to\s+(?P<what>[^.;]+)",
    re.I,
)
_EN_CALL_FOR_TO = re.compile(
    r"\b(?:called for|calls for|calling for|demanded|demanding|demand|demands|wants?|"
    r"wanted|chanted for)\s+(?P<whom>(?:[A-Z][\w'’-]+\s*){1,4})\s+to\s+"
    r"(?P<what>(?:be\s+)?[a-z][^.;]+)",
)
_EN_DEMAND_THAT = re.compile(
    r"\bdemand(?:ed|ing|s)?\s+that\s+(?P<whom>[A-Z][^,]{2,60}?)(?:,[^,]{3,120},)?\s+"
    r"(?P<what>[a-z][^.;]+)"
)
_EN_CALL_FOR = re.compile(
    r"\b(?:called for|calls for|calling for|demanded|demanding|demands|demand|asked for|"
    r"asks for|asking for|pressing for|pushing for|appealed for|seeking|sought|want|wants|"
    r"wanted)\s+"
    r"(?P<what>(?:an?|the|their|full|immediate|urgent|independent|more|new|every|all|each)"
    r"\s+[^.;]+)",
    re.I,
)
# Promises are calls too: what a body said it would do is what it can be held to.
_EN_PROMISE = re.compile(r"\b(?:promised|pledged|vowed)\s+to\s+(?P<what>[a-z][^.;]+)")
_ES_PROMISE = re.compile(
    r"\b(?:prometi(?:ó|eron)|se comprometi(?:ó|eron) a)\s+(?P<what>[a-z]+(?:ar|er|ir)\b[^.;]*)"
)
_EN_WHY = re.compile(
    r"\b(?:questioned|questioning|asked|asking|wondered|demanded to know|want to know|"
    r"wants to know)\s+why\s+(?P<what>[^.;?]+)",
    re.I,
)
_ES_PEDIR_QUE = re.compile(
    r"\b(?:pidi(?:ó|eron)|pide|piden|exigi(?:ó|eron)|exige|exigen|reclam(?:ó|aron|a|an)|"
    r"solicit(?:ó|aron|a|an)|inst(?:ó|aron|a|an)|urgi(?:ó|eron))\s+a[l]?\s+"
    r"(?P<whom>[^,.;]{2,80}?)\s+que\s+(?P<what>[^.;]+)",
    re.I,
)
_ES_PEDIR = re.compile(
    r"\b(?:pidi(?:ó|eron)|pide|piden|pedir|exigi(?:ó|eron)|exige|exigen|exigir|"
    r"reclam(?:ó|aron|a|an|ar)|solicit(?:ó|aron|a|an|ar)|demand(?:ó|aron|a|an|ar)|"
    r"reivindic(?:ó|aron|a|an|ar))\s+(?P<what>(?:la|el|las|los|una|un|más|mayor|"
    r"mejores)\s+[^.;]+)",
    re.I,
)
_ES_WHY = re.compile(r"\bpor qué\s+(?P<what>[^.;?¿]+)", re.I)
# Questions the coverage says are being asked: "questions grew over the alert".
_EN_QUESTIONS = re.compile(
    r"\bquestions\s+(?:(?:grew|grow|mounted|mount|were raised|have been raised|remain|"
    r"remained|arose)\s+)?(?:over|about)\s+(?P<what>the\s[^.;?]+)",
    re.I,
)
_ES_QUESTIONS = re.compile(
    r"\b(?:preguntas|dudas|interrogantes)\s+sobre\s+(?P<what>(?:el|la|los|las)\s[^.;?]+)", re.I
)
_CHANT = re.compile(r"[«\"“]¡?\s*(?P<who>[A-ZÁÉÍÓÚ][\w'’-]+),?\s+dimisión\s*!?[»\"”]")
_RESIGN_EN = re.compile(r"^(?:resign|step down|quit|stand down)\b", re.I)
_RESIGN_ES = re.compile(
    r"^(?:la|su)\s+dimisión\s+(?:de|del)\s+(?P<who>[^,.;]+)"
    r"(?:,\s*(?P<name>[A-ZÁÉÍÓÚ][\w'’-]+(?:\s+(?:de\s+)?[A-ZÁÉÍÓÚ][\w'’-]+){0,3}))?",
    re.I,
)
# Where a clause asked for ends.
_CLAUSE_END = re.compile(
    r",\s*(?:which|who|while|after|as|but|and|when|where|said|says|according|que|quien|"
    r"según|mientras|aunque|tras|luego|cuando|donde|lo que|y|others|otros|some|algunos)\b|"
    r"\s+(?:and|y)\s+\w+(?:ed|ó|aron)\b|\s+and\s+(?:would|will|could|should|said|is|was)\b|"
    r"\s+(?:and|y)\s+(?:that|que)\b|"
    r"\s(?:has|have|had|is|was|were|are)\s+\w+(?:ed|en)\b|"
    r"\s+(?:after|because|although|since|luego de que|tras|porque|aunque|mientras)\s|"
    r"\s[–—-]\s|:|\(",
    re.I,
)
_APPOSITION = re.compile(r",\s*(?:which|who|que|quien)[^,]{3,120},")
_WHO_CUT = re.compile(
    r"\b(?:are|is|was|were|have|has|had|se|han|ha|había|habían|marched|gathered|said|"
    r"says|told|warned|dijo|dijeron|afirmó|aseguró|advirtió|"
    r"took|came|went|protested|rallied|salieron|se manifestaron|recorrieron|"
    r"reclamaron|pidieron|exigieron|llegaron|marcharon|\w+ed)\b",
    re.I,
)


def calls(articles: list[CoverageItem]) -> list[Call]:
    """The calls the coverage reports, in its order, without repeats."""
    found: list[Call] = []
    # Repeats are told apart within a language: each drafter may use only its own.
    seen: dict[str, list[set[str]]] = {}
    for article in articles:
        for raw in split_sentences(article.text or article.summary):
            sentence = strip_self_attribution(raw, article.outlet)
            for call in _calls_in(sentence, article):
                bag = set(words(call.what))
                if call.kind == "resign":
                    bag = {"resign", *list(words(call.what))[-1:]}
                mine = seen.setdefault(call.language, [])
                if not bag or any(len(bag & other) / len(bag | other) > 0.5 for other in mine):
                    continue
                mine.append(bag)
                found.append(call)
    return found


def _calls_in(sentence: str, article: CoverageItem) -> list[Call]:
    made: list[Call] = []

    def add(kind: str, who: str, whom: str, what: str) -> None:
        resign = _RESIGN_ES.match(" ".join(what.split()))
        if resign:
            # "la dimisión del alcalde, Tomás Ferrer": the person, by name if given.
            person = resign.group("name") or resign.group("who")
            person = re.split(r"\s+(?:por|tras|después)\s", person)[0].strip()
            made.append(Call("resign", who, "", person, article.outlet, article.language, sentence))
            return
        if kind in ("thing", "questions"):
            # A thing asked for ends at its first aside: "the warning, which … sent".
            what = what.split(",")[0]
        what = _clause(what)
        whom = " ".join(whom.split())
        if not what or (whom and _PUBLIC.match(whom)) or _trivial(what):
            return
        if whom and (len(whom.split()) > 8 or re.search(r"\b(?:that|que)\b", whom)):
            return
        to = re.match(
            r"^(?P<whom>(?:the|every|all|each|los|las|el|la)\s.+?)\s+to\s+(?P<vp>[a-z].+)$", what
        )
        if kind == "thing" and to:
            kind, whom, what = "do", to["whom"], to["vp"]
        if kind in ("do", "promise") and article.language == "en" and not _base_verb(what):
            return
        if kind in ("do", "thing") and _RESIGN_EN.match(what):
            kind, what = "resign", whom
        made.append(Call(kind, who, whom, what, article.outlet, article.language, sentence))

    if article.language == "es":
        for match in _ES_PEDIR_QUE.finditer(sentence):
            add("do", _who(sentence[: match.start()]), match["whom"], match["what"])
        for match in _ES_PEDIR.finditer(sentence):
            add("thing", _who(sentence[: match.start()]), "", match["what"])
        for match in _ES_WHY.finditer(sentence):
            add("why", _who(sentence[: match.start()]), "", match["what"])
        for match in _ES_QUESTIONS.finditer(sentence):
            add("questions", _who(sentence[: match.start()]), "", match["what"])
        for match in _ES_PROMISE.finditer(sentence):
            add("promise", _who(sentence[: match.start()]), "", match["what"])
        for match in _CHANT.finditer(sentence):
            made.append(
                Call("resign", "", "", match["who"], article.outlet, article.language, sentence)
            )
    else:
        for pattern, kind in (
            (_EN_CALL_ON, "do"),
            (_EN_DEMAND_THAT, "do"),
            (_EN_CALL_FOR_TO, "do"),
        ):
            for match in pattern.finditer(sentence):
                add(kind, _who(sentence[: match.start()]), match["whom"], match["what"])
        if not made:
            for match in _EN_CALL_FOR.finditer(sentence):
                add("thing", _who(sentence[: match.start()]), "", match["what"])
        for match in _EN_WHY.finditer(sentence):
            add("why", _who(sentence[: match.start()]), "", match["what"])
        for match in _EN_QUESTIONS.finditer(sentence):
            add("questions", _who(sentence[: match.start()]), "", match["what"])
        for match in _EN_PROMISE.finditer(sentence):
            add("promise", _who(sentence[: match.start()]), "", match["what"])
    return made


def _base_verb(phrase: str) -> bool:
    """ "publish the records", "be compensated"; not "supporting …" or "helped …"."""
    first = phrase.split()[0].lower() if phrase.split() else ""
    return (bool(first) and not first.endswith(("ing", "ed"))) or first in ("need", "feed", "shed")


def _clause(text: str) -> str:
    """The asked-for clause alone: no trailing reasons, asides or attributions."""
    text = _APPOSITION.sub("", " ".join(text.split()))
    cut = _CLAUSE_END.search(text)
    if cut:
        text = text[: cut.start()]
    text = text.strip(' ,;:-–—"“”«»')
    if len(text) > 200 or len(text.split()) < 2:
        return ""
    return text


def _trivial(what: str) -> bool:
    """Help, calm or patience: asked in every emergency, no petition's business."""
    content = [w for w in words(what) if len(w) > 3]
    return len(content) < 1 or set(content) <= {"help", "ayuda", "calma", "paciencia", "auxilio"}


_PEOPLE = re.compile(
    r"\b(?:people|residents|families|relatives|victims|survivors|protesters|marchers|"
    r"demonstrators|campaigners|advocates|activists|groups?|collective|unions?|MPs|"
    r"associations?|committees?|officials?|councill?ors|charities|charity|"
    r"lawmakers|experts|neighbou?rs|organi[sz]ations|opposition|mothers|parents|workers|"
    r"personas|vecin[oa]s|familias|familiares|víctimas|manifestantes|colectivos?|"
    r"sindicatos|asociaci\w+|organizaciones|expert[oa]s|diputad[oa]s|oposición|madres|"
    r"trabajador[ae]s|afectad[oa]s|damnificad[oa]s|miles|cientos|thousands|hundreds)\b",
    re.I,
)


def _who(before: str) -> str:
    """Who made the call: the subject before the verb, when it names people or a body."""
    clause = re.split(r"[;:]|\b(?:reports|informa|relata|says|dice) that\b", before)[-1]
    clause = clause.split(",")[0].strip()
    relative = re.search(r"\s(?:that|who|which|que|quien|quienes)\s", clause)
    if relative:
        clause = clause[: relative.start()]
    cut = _WHO_CUT.search(clause)
    if cut:
        clause = clause[: cut.start()]
    clause = re.sub(r"\b(?:to|para|a)\s*$", "", clause).strip(" ,")
    if not clause or len(clause.split()) > 8:
        return ""
    if not (_PEOPLE.search(clause) or _is_name(clause)):
        return ""
    return clause


_NOT_WHO = wordset(
    """some many others other she he they it we you this that these those its his her their
    there here algunos otros otras ella él ellos ellas esto eso"""
)


def _is_name(text: str) -> bool:
    parts = text.split()
    if not parts or len(parts) > 4 or fold(parts[0]) in _NOT_WHO:
        return False
    return all(w[:1].isupper() for w in parts if len(w) > 3)


# The event and its place -----------------------------------------------------------


# Kinds of event: the words that mark them in either language (compared folded, as
# the start of the coverage's words), how a draft names one, and how it names several,
# when the coverage speaks of several ("the fires" but "the fire at the tower").
@dataclass(frozen=True)
class EventKind:
    markers: tuple[str, ...]
    one: dict[str, str]
    many: dict[str, str] | None = None
    many_markers: tuple[str, ...] = ()


EVENT_KINDS: list[EventKind] = [
    EventKind(("flood", "inundac", "riada", "dana", "crecida", "desbord"),
              {"en": "the floods", "es": "las inundaciones"}),
    EventKind(("hurricane", "huracan", "cyclone", "ciclon", "typhoon", "tifon"),
              {"en": "the hurricane", "es": "el huracán"}),
    EventKind(("wildfire", "incendio", "bushfire", "fire", "fuego", "blaze"),
              {"en": "the fire", "es": "el incendio"},
              {"en": "the fires", "es": "los incendios"},
              ("wildfires", "incendios", "fires", "blazes", "bushfires")),
    EventKind(("blackout", "apagon", "outage", "power cut", "cortes de luz",
               "cortes de energia", "racionamiento"),
              {"en": "the blackout", "es": "el apagón"},
              {"en": "the power cuts", "es": "los cortes de luz"},
              ("power cuts", "cortes", "apagones", "racionamiento", "outages")),
    EventKind(("storm", "tormenta", "temporal"), {"en": "the storm", "es": "el temporal"}),
    EventKind(("collapse", "collapsed", "derrumbe", "colapso", "desplom"),
              {"en": "the collapse", "es": "el derrumbe"}),
    EventKind(("earthquake", "terremoto", "sismo", "quake"),
              {"en": "the earthquake", "es": "el terremoto"}),
    EventKind(("drought", "sequia"), {"en": "the drought", "es": "la sequía"}),
    EventKind(("sewage", "vertido", "spill", "derrame"),
              {"en": "the sewage spills", "es": "los vertidos"}),
    EventKind(("disappear", "desaparec", "missing", "crematori", "fosa"),
              {"en": "the disappearances", "es": "las desapariciones"}),
    EventKind(("wrongful", "convictions", "condena", "scandal", "escandalo"),
              {"en": "the scandal", "es": "el escándalo"}),
    EventKind(("breach", "leak", "hack", "exposed", "filtracion", "brecha", "hackeo"),
              {"en": "the data breach", "es": "la filtración de datos"}),
    EventKind(("closure", "closing", "close", "cierre", "cerrar", "cierra"),
              {"en": "the closure", "es": "el cierre"}),
    EventKind(("rent", "rents", "alquiler", "desahucio", "eviction"),
              {"en": "the rent rises", "es": "las subidas del alquiler"}),
    EventKind(("strike", "huelga", "walkout", "paro"), {"en": "the strike", "es": "la huelga"}),
]  # fmt: skip


def event_words(articles: list[CoverageItem], countries: list[str]) -> EventWords:
    folded = " ".join(fold(f"{a.headline} {a.text or a.summary}") for a in articles)
    headlines = " ".join(fold(a.headline) for a in articles)

    def count(markers: tuple[str, ...]) -> int:
        return sum(
            len(re.findall(rf"\b{re.escape(m)}", folded))
            + 3 * len(re.findall(rf"\b{re.escape(m)}", headlines))
            for m in markers
        )

    best, best_count = None, 0
    for kind in EVENT_KINDS:
        found = count(kind.markers)
        if found > best_count:
            best, best_count = kind, found
    noun: dict[str, str] = {}
    if best is not None and best_count >= 2:
        several = count(kind.many_markers) if (kind := best).many else 0
        noun = best.many if best.many and several * 2 >= best_count else best.one
    return EventWords(noun=noun, place=_place(articles, countries))


_LOCATIVE = re.compile(
    r"\b(?:in|en|near|cerca de|at)\s+((?:[A-ZÁÉÍÓÚÑ][\w'’-]+)(?:\s+(?:de\s+|del\s+|do\s+|"
    r"la\s+)?[A-ZÁÉÍÓÚÑ][\w'’-]+){0,2})"
)
_NOT_PLACES = wordset(
    """january february march april may june july august september october november december
    enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
    monday tuesday wednesday thursday friday saturday sunday lunes martes miercoles jueves
    viernes sabado domingo the el la los las"""
)


def _place(articles: list[CoverageItem], countries: list[str]) -> str:
    """The town or region the coverage most often puts things in, else the country."""
    counts: Counter[str] = Counter()
    outlets = {fold(a.outlet) for a in articles}
    for article in articles:
        named: set[str] = set()
        for text in (article.headline, article.text or article.summary):
            for match in _LOCATIVE.finditer(text):
                name = match.group(1)
                first = fold(name.split()[0])
                if first in _NOT_PLACES or any(head_level(w) for w in name.split()):
                    continue
                if fold(name) in outlets or _is_country(name):
                    continue
                named.add(name)
        counts.update(named)  # articles that name the place, not mentions
    in_country = sum(
        bool(_names_country(f"{a.headline}. {a.text or a.summary}", countries[:1]))
        for a in articles
    )
    if not counts:
        return ""
    top, top_count = counts.most_common(1)[0]
    # A known town or region named almost as often is the better name for the place:
    # "Valencia" rather than its hardest-hit suburb.
    known = _known_places(countries[:1])
    for name, count in counts.most_common():
        if fold(name) in known and count * 4 >= top_count * 3:
            top, top_count = name, count
            break
    # An event across a country ("el apagón en España") is the country's.
    if top_count >= min(2, len(articles)) and top_count * 5 >= in_country * 3:
        return top
    return ""  # the drafter names the country, in its own language


@lru_cache(maxsize=1)
def _places() -> dict:
    """The news desk's places and demonyms per country (clarion/news/data/places.json)."""
    return json.loads(PLACES.read_text(encoding="utf-8"))


def place_entry(code: str) -> dict:
    return _places().get(code, {}) if code else {}


def _known_places(codes: list[str]) -> set[str]:
    return {fold(place) for place in place_entry(codes[0] if codes else "").get("places", [])}


def _names_country(text: str, codes: list[str]) -> bool:
    """Whether the text names the country itself (not only one of its towns)."""
    if not codes:
        return False
    entry = place_entry(codes[0])
    names = {country_name(codes[0], "en"), country_name(codes[0], "es")}
    names |= set(entry.get("demonyms_en", [])) | set(entry.get("demonyms_es", []))
    folded = f" {' '.join(words(text))} "
    return any(f" {' '.join(words(n))} " in folded for n in names if n)


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    return frozenset(
        fold(country_name(code, language))
        for code, _n in country_names
        for language in ("en", "es")
    )


def _is_country(name: str) -> bool:
    return fold(name) in _country_names()


def country_name(code: str, language: str) -> str:
    with translation.override(language):
        return str(country_names.name(code)) or code
