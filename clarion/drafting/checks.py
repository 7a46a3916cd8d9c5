"""What an editor would keep: the checks every machine draft must pass.

Both drafters are held to them (an LLM draft that fails is refused and the offline one
used instead), and the news desk's evaluation (eval/news) reports them on real
coverage. Each failure is one readable sentence naming the part and what is wrong.

The checks read only text: the draft's parts and the coverage it was drafted from
(outlets, headlines, article texts). They are heuristics tuned to English and Spanish
drafts; a text in another language is checked for form, not for language.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from clarion.news.language import STOPWORDS
from clarion.news.textnorm import fold, words


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLE_MIN, TITLE_MAX = 15, 120
GOAL_MIN, GOAL_MAX = 40, 500
DEMANDS_MIN, DEMANDS_MAX = 3, 6
# Words cut to this many letters meet across inflections and across English and
# Spanish ("alert"/"alerta", "flood"/"floods", "investigation"/"investigación").
STEM = 5


@dataclass(frozen=True)
class DraftText:
    """A draft's words, from a proposal or a stored petition."""

    language: str
    title: str
    goal: str
    narrative: str
    demands: list[str]
    targets: list[str]
    # Demands the drafter wrote from its own templates because the coverage reports too
    # few calls: allowed, but only when marked, and still about the story.
    fallback_demands: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Coverage:
    """What the draft was written from."""

    outlets: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def draft_problems(draft: DraftText, coverage: Coverage, language: str) -> list[str]:
    """Every way the draft falls short, as readable sentences; [] when it holds."""
    found: list[str] = []
    if draft.language != language:
        found.append(
            f"the draft is written in {draft.language or '?'}, the story in {language or '?'}"
        )
    if not draft.targets:
        found.append("the draft addresses no one")
    found += title_problems(draft, coverage)
    found += goal_problems(draft)
    found += narrative_problems(draft, coverage)
    found += demand_problems(draft, coverage)
    found += language_problems(draft)
    return found


# Title -----------------------------------------------------------------------------

# Verbs a title or demand may open with to ask for something (English imperative).
ASK_VERBS_EN = wordset(
    """accept act adopt answer apologise apologize audit ban bring build call cancel
    charge clean close commission compensate consult cut disclose drop end enforce
    ensure expand explain extend fix free fund give guarantee halt hold implement
    improve increase inspect install investigate keep launch let lift listen make meet
    modernise modernize open pay prevent prosecute protect provide publish raise rebuild
    recognise recognize reduce reform rehouse reinstate release relocate reopen repair
    replace require resign respect restore return reveal review revoke save scrap set
    share stop strengthen support suspend tell upgrade warn withdraw"""
)
_ASK_EN = re.compile(
    r"\b(must|should|need to|needs to|call on|calls on|urge|urges|demand|demands)\b", re.I
)
_ASK_ES = re.compile(
    r"^(?:¡\s*)?que\b|\b(debe|deben|tiene que|tienen que|pedimos|exigimos|reclamamos|"
    r"instamos|solicitamos)\b",
    re.I,
)
_INFINITIVE_ES = re.compile(r"^[a-záéíóúñ]+(?:ar|er|ir)(?:se)?$", re.I)
_QUOTES = re.compile(r"[“«\"„]([^”»\"“]{3,})[”»\"“]")


def title_problems(draft: DraftText, coverage: Coverage) -> list[str]:
    title = draft.title.strip()
    found: list[str] = []
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        found.append(f"title has {len(title)} characters ({TITLE_MIN} to {TITLE_MAX} wanted)")
    letters = [ch for ch in title if ch.isalpha()]
    if not letters:
        return [*found, "title has no words"]
    if not letters[0].isupper():
        found.append("title starts in lower case")
    if _all_caps(title):
        found.append("title is in capitals")
    elif _title_case(title, draft.targets, coverage):
        found.append("title is in Title Case, not sentence case")
    for quoted in _QUOTES.findall(title):
        if len(quoted.split()) >= 3:
            found.append("title quotes a headline")
            break
    else:
        if any(_contains_headline(title, h) for h in coverage.headlines):
            found.append("title repeats a headline")
    if not _is_ask(title, draft.language):
        found.append("title is not an ask (no one is asked to do anything)")
    return found


def _all_caps(text: str) -> bool:
    long_words = [w for w in re.findall(r"[^\W\d_]{4,}", text)]
    shouting = [w for w in long_words if w.isupper()]
    return len(long_words) >= 3 and len(shouting) * 2 > len(long_words)


def _title_case(title: str, targets: list[str], coverage: Coverage) -> bool:
    """Most words capitalised that are neither names nor the first word."""
    known = {fold(w) for t in targets for w in t.split()} | _names(coverage)
    tokens = re.findall(r"[^\W\d_][^\W_'’-]*", title)[1:]
    long_words = [w for w in tokens if len(w) >= 4 and fold(w) not in known]
    capitalised = [w for w in long_words if w[0].isupper()]
    return len(capitalised) >= 3 and len(capitalised) * 3 >= len(long_words) * 2


def _names(coverage: Coverage) -> set[str]:
    """Folded words the coverage writes with a capital inside a sentence: names."""
    found: set[str] = set()
    for text in coverage.texts:
        for sentence in split_sentences(text):
            for word in re.findall(r"(?<=\s)[A-ZÁÉÍÓÚÑÜ][^\s,.;:!?()«»“”\"]*", sentence):
                found.add(fold(word))
    return found


def _contains_headline(text: str, headline: str) -> bool:
    head = " ".join(words(headline))
    return len(head.split()) >= 5 and head in " ".join(words(text))


def _is_ask(text: str, language: str) -> bool:
    first = re.findall(r"[^\W\d_]+", text)[:1]
    if language == "es":
        return bool(_ASK_ES.search(text)) or bool(first and _INFINITIVE_ES.match(first[0]))
    if first and first[0].lower() in ASK_VERBS_EN:
        return True
    return bool(_ASK_EN.search(text))


# Goal ------------------------------------------------------------------------------

# Words that point at the demands instead of saying what is asked.
PLACEHOLDERS = (
    "demands below",
    "the demands listed",
    "act on the demands",
    "demandas que siguen",
    "demandas de abajo",
    "atienda las demandas",
    "listed below",
)


def goal_problems(draft: DraftText) -> list[str]:
    goal = " ".join(draft.goal.split())
    found: list[str] = []
    if not GOAL_MIN <= len(goal) <= GOAL_MAX:
        found.append(f"goal has {len(goal)} characters ({GOAL_MIN} to {GOAL_MAX} wanted)")
    if not goal:
        return found
    folded = fold(goal)
    for placeholder in PLACEHOLDERS:
        if placeholder in folded:
            found.append(f"goal points at the demands (“{placeholder}”) instead of stating the ask")
            break
    if not goal[0].isupper() and goal[0] not in "¿¡":
        found.append("goal does not start a sentence")
    if goal[-1] not in ".!":
        found.append("goal does not end as a sentence")
    if len(split_sentences(goal)) > 1:
        found.append("goal is more than one sentence")
    if draft.targets and not any(_mentions(goal, n) for t in draft.targets for n in name_parts(t)):
        found.append("goal does not name the target")
    if not _is_ask(goal, draft.language):
        found.append("goal asks for nothing")
    return found


def name_parts(name: str) -> list[str]:
    """A target's name and the names inside it: "the regional government, the
    Generalitat Valenciana" is named by either part; "Red Eléctrica (REE)" by either."""
    parts = [p.strip() for p in re.split(r"[,()]", name) if len(p.strip()) > 1]
    return [name, *parts]


def _mentions(text: str, name: str) -> bool:
    bare = re.sub(r"^(the|el|la|los|las)\s+", "", name.strip(), flags=re.I)
    return " ".join(words(bare)) in " ".join(words(text))


# Narrative -------------------------------------------------------------------------

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_ENDS_SENTENCE = re.compile(r"[.!?…:;»”\"')\]]$")
_ATTRIBUTION = re.compile(
    r"\b(according to|reported|reports|said|told|según|informó|informa|publicó|recoge|"
    r"señaló|dijo|afirmó)\b",
    re.I,
)


def narrative_problems(draft: DraftText, coverage: Coverage) -> list[str]:
    narrative = draft.narrative.strip()
    if not narrative:
        return ["narrative is empty"]
    found: list[str] = []
    lines = [line.rstrip() for line in narrative.splitlines()]
    for line, following in itertools.pairwise(lines):
        if _plain(line) and _plain(following) and not _ENDS_SENTENCE.search(line):
            found.append(f"narrative runs a line without final punctuation into the next: {line!r}")
    for headline in coverage.headlines:
        if _glued(narrative, headline):
            found.append(f"narrative glues the headline {headline!r} to the next words")
    facts = [s for s in narrative_sentences(narrative) if _is_fact(s)]
    unattributed = [s for s in facts if not _attributed(s, coverage.outlets)]
    for sentence in unattributed[:3]:
        found.append(f"narrative states a fact without its outlet: {sentence[:90]!r}")
    if coverage.outlets and not any(_names_outlet(narrative, o) for o in coverage.outlets):
        found.append("narrative cites no outlet")
    return found


def _plain(line: str) -> bool:
    """A line of running text: not blank, a heading, a list item or a quote block."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", ">")) and not _LIST_ITEM.match(line)


def _glued(narrative: str, headline: str) -> bool:
    """The headline runs straight into more words, with no punctuation between."""
    head = headline.strip().rstrip(".!?…")
    if len(head.split()) < 4:
        return False
    pattern = re.escape(" ".join(head.split())).replace(r"\ ", r"\s+")
    for match in re.finditer(pattern, narrative, flags=re.I):
        rest = narrative[match.end() :]
        if re.match(r"\s*[\w¿¡(]", rest):
            return True
    return False


def narrative_sentences(narrative: str) -> list[str]:
    sentences: list[str] = []
    for line in narrative.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        sentences += split_sentences(_LIST_ITEM.sub("", stripped))
    return sentences


def _is_fact(sentence: str) -> bool:
    """A sentence that reports something: it carries a figure (a toll, a time, a sum)."""
    return bool(re.search(r"\d", sentence))


def _attributed(sentence: str, outlets: list[str]) -> bool:
    if outlets:
        return any(_names_outlet(sentence, outlet) for outlet in outlets)
    return bool(_ATTRIBUTION.search(sentence))


def _names_outlet(text: str, outlet: str) -> bool:
    name = " ".join(words(outlet))
    return bool(name) and f" {name} " in f" {' '.join(words(text))} "


# Demands ---------------------------------------------------------------------------

# Words any petition uses about anything: a demand must share more than these with the
# story to be about it.
GENERIC_WORDS = wordset(
    """account accountability action actions act affected answer answers budget call
    calls clear communities community concrete data decision decisions deliver
    demand demands documents every explain full give independent measures meet months
    people plan progress public publish report reports responsible review set steps
    timetable within days year years future further need needs public protect ensure
    guarantee rights right support help justice proper properly make take full
    cuentas rendir datos decisiones documentos medidas plazo publicar personas
    afectadas afectados comunidades calendario presupuesto reunirse publico publica
    responsables garantizar justicia apoyo ayuda derechos"""
)


def demand_problems(draft: DraftText, coverage: Coverage) -> list[str]:
    demands = [d.strip() for d in draft.demands]
    found: list[str] = []
    if not DEMANDS_MIN <= len(demands) <= DEMANDS_MAX:
        found.append(f"{len(demands)} demands ({DEMANDS_MIN} to {DEMANDS_MAX} wanted)")
    story = content_stems(" ".join([*coverage.headlines, *coverage.texts]))
    fallback = {fold(d.strip()) for d in draft.fallback_demands}
    for demand in demands:
        if not demand:
            found.append("a demand is empty")
            continue
        if not demand[0].isupper() and demand[0] not in "¿¡":
            found.append(f"demand does not start a sentence: {demand[:80]!r}")
        shared = content_stems(demand) & story if story else {"?"}
        if not shared:
            found.append(f"demand is off-topic (shares no words with the story): {demand[:80]!r}")
        elif fold(demand) not in fallback and len(shared) < 2:
            found.append(f"demand is generic but not marked as a fallback: {demand[:80]!r}")
    return found


def content_stems(text: str) -> set[str]:
    """Stems of the words that say what a text is about (no function or generic words)."""
    stop = _STOP
    return {
        w[:STEM]
        for w in words(text)
        if len(w) >= 3 and not w.isdigit() and w not in stop and w not in GENERIC_WORDS
    }


_STOP = frozenset().union(*STOPWORDS.values()) | wordset(
    """about after also been before being could from have into more most must only other
    over said same says should some such than that their them then there these they
    this those under very were what when where which while will with would your
    como cada desde donde entre esta este estos estas hasta hemos nuestra nuestro para
    pero porque sobre todo todos tras unas unos fueron sido tiene tienen debe deben"""
)


# One language ----------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# A sentence is in another language when that language's small words outnumber the
# draft's by this factor, and there are at least FOREIGN_MIN of them.
FOREIGN_FACTOR = 2
FOREIGN_MIN = 3


def language_problems(draft: DraftText) -> list[str]:
    if draft.language not in STOPWORDS:
        return []
    parts = [
        ("title", [draft.title]),
        ("goal", split_sentences(draft.goal)),
        ("narrative", narrative_sentences(draft.narrative)),
        ("demand", draft.demands),
    ]
    found = []
    for part, sentences in parts:
        for sentence in sentences:
            other = sentence_language(sentence, draft.language)
            if other:
                found.append(f"{part} has a sentence in {other}: {sentence[:80]!r}")
    return found


def sentence_language(sentence: str, expected: str) -> str:
    """Another language the sentence is clearly written in, or "".

    Small words inside a name ("Ministerio para la Transición Ecológica", "Governo do
    Estado") are not counted: a name keeps its language in any draft.
    """
    tokens = _TOKEN.findall(sentence)
    counts = dict.fromkeys(STOPWORDS, 0)
    for i, token in enumerate(tokens):
        lower = token.lower()
        if _inside_name(tokens, i):
            continue
        for code, small in STOPWORDS.items():
            if lower in small:
                counts[code] += 1
    own = counts.get(expected, 0)
    best = max(counts, key=lambda code: counts[code])
    if (
        best != expected
        and counts[best] >= FOREIGN_MIN
        and counts[best] >= FOREIGN_FACTOR * max(1, own)
    ):
        return best
    return ""


def _inside_name(tokens: list[str], i: int) -> bool:
    """A small word inside a name: between two capitalised words, small words skipped."""
    if tokens[i][:1].isupper():
        return i > 0  # a capitalised word inside a sentence is a name, not a small word
    before = next((t for t in reversed(tokens[:i]) if t.lower() not in _SMALL), "")
    after = next((t for t in tokens[i + 1 :] if t.lower() not in _SMALL), "")
    return before[:1].isupper() and after[:1].isupper()


_SMALL = frozenset().union(*STOPWORDS.values())


# Sentences -------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]?\s+(?=[\"“«¿¡(]?[A-ZÁÉÍÓÚÑÜ0-9])")
# Abbreviations whose full stop ends no sentence.
_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Sr|Sra|Gov|Gen|Rep|Sen|Lt|Col|Capt|No|núm|Dña|Av|U\.S|U\.K|"
    r"EE\.UU|a\.m|p\.m|etc|approx|vs|Inc|Ltd|Co|Jr)\.$",
    re.I,
)


def split_sentences(text: str) -> list[str]:
    """Sentences of running text, not split after abbreviations or initials."""
    flat = " ".join(text.split())
    pieces = [p for p in _SENTENCE_END.split(flat) if p.strip()]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and (
            _ABBREVIATIONS.search(sentences[-1]) or re.search(r"\b[A-Z]\.$", sentences[-1])
        ):
            sentences[-1] = f"{sentences[-1]} {piece.strip()}"
        else:
            sentences.append(piece.strip())
    return sentences


# Stored petitions ------------------------------------------------------------------


def petition_text(petition) -> DraftText:
    """A stored petition's words, with the demands its drafter marked as fallbacks."""
    from clarion.drafting.models import DraftEvidence

    evidence = DraftEvidence.objects.filter(petition=petition).first()
    return DraftText(
        language=petition.language,
        title=petition.title,
        goal=petition.goal,
        narrative=petition.narrative,
        demands=[d.text for d in petition.demands.all()],
        targets=[t.name for t in petition.targets.all()],
        fallback_demands=frozenset(evidence.fallback_demands if evidence else ()),
    )


def petition_coverage(petition) -> Coverage:
    """The coverage of the story the petition was drafted from (none for a person's)."""
    from clarion.news.models import Article

    articles = Article.objects.filter(story__petition=petition).order_by("published_at", "id")
    return Coverage(
        outlets=list(dict.fromkeys(a.outlet_name for a in articles)),
        headlines=[a.headline for a in articles],
        texts=[a.text or a.summary for a in articles],
    )


def petition_problems(petition, story_language: str) -> list[str]:
    return draft_problems(petition_text(petition), petition_coverage(petition), story_language)
