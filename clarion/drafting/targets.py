"""Who a draft should address: the bodies the coverage names as responsible or able to act.

Names are read from the articles as written: capitalised runs of words with an
institution's head word in English, Spanish or Portuguese ("Ministerio de Energía y
Minas", "National Transportation Safety Board", "Prefeitura de Porto Alegre"),
companies ("Synergy Marine Group", "Thames Water"), acronyms the text defines ("Red
Eléctrica (REE)") or uses as a body ("the NTSB said"), and names an apposition marks
as a body ("the grid operator Red Eléctrica", "el regulador, Ofwat,"). Spanish "el
Gobierno" is the story's national government, named as such.

Variants of one body become one candidate ("Coast Guard", "U.S. Coast Guard"; "Fiscalía
de Jalisco", "Fiscalía del Estado de Jalisco (FEJ)"; "NTSB"), and candidates are ranked
by how many outlets name them, whether the coverage holds them responsible or asks
them to act ("X ordered", "blamed X", "pidieron a X que"), whether headlines name them,
and whether they belong to the story's country. A national government ranks below a
named body with the same weight of evidence: "the government of <country>" is what a
template says, not what the coverage says.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.utils import translation
from django_countries import countries as country_names

from clarion.drafting.checks import split_sentences, wordset
from clarion.drafting.proposal import CoverageItem
from clarion.news.geo import countries_in
from clarion.news.textnorm import fold, words


@dataclass(frozen=True)
class Candidate:
    """A body the coverage names, with the evidence that ranks it."""

    name: str
    kind: str  # "office" or "body" (petitions.Target.Kind)
    country: str  # ISO alpha-2, "" for an international body
    level: str  # national, regional, local, company, international or ""
    score: float
    outlets: int
    mentions: int
    cues: int
    aliases: tuple[str, ...] = ()
    # How articles in each language name it: {"en": "Federal Electricity Commission",
    # "es": "Comisión Federal de Electricidad"}; a draft uses its own language's name.
    localized: dict[str, str] = field(default_factory=dict)

    def name_in(self, language: str) -> str:
        return self.localized.get(language) or self.name

    def as_json(self) -> dict:
        data = asdict(self)
        data["aliases"] = list(self.aliases)
        data["score"] = round(self.score, 2)
        return data


# Head words: a capitalised run holding one names an institution. Lower-case forms are
# compared. Levels say where the body sits, so a draft about a town can prefer its
# council and a draft about a country its ministry.
_HEADS: dict[str, str] = {}
for _level, _words in {
    "national": wordset(
        """ministry ministerio ministério secretariat secretaría secretaria department
        departamento agency agencia agência authority autoridad autoridade commission
        comisión comissão board bureau administration office oficina inspectorate regulator
        ombudsman defensor
        executive parliament parlamento congress congreso senate senado assembly asamblea
        assembleia court corte tribunal juzgado audiencia fiscalía procuraduría prosecutor
        prosecutors police policía polícia guard guardia army ejército navy armada brigade
        institute instituto service servicio serviço services servicios coordinación
        coordination commissioner defensoría superintendencia confederación unidad unit
        dirección directorate centro centre center operador committee comité consejo
        corporation corporación cancillería delegación inquiry inspección fuerza forces
        defesa defensa defense defence cámara chamber"""
    ),
    "regional": wordset(
        "generalitat xunta junta diputación cabildo consell governorate gobernación"
    ),
    "local": wordset(
        """council ayuntamiento alcaldía municipalidad municipio prefeitura borough city ciudad
        mayoralty"""
    ),
    "company": wordset(
        """group grupo ltd limited inc plc corp company compañía empresa holdings utilities
        water airlines club"""
    ),
}.items():
    for _word in _words:
        _HEADS.setdefault(_word, _level)
# A body named after its office ("Ministry of …", "Fiscalía de …") is an office.
_OFFICE_WORDS = wordset(
    "ministry ministerio ministério department departamento secretaría secretariat office "
    "oficina fiscalía procuraduría"
)
# Government words: the body is a whole government, whose level its place tells.
_GOVERNMENT = frozenset(["government", "gobierno", "governo", "govern"])
# Heads that belong to a parent body another name may sit inside ("… de la Generalitat").
_PARENTS = _GOVERNMENT | frozenset(
    ["generalitat", "xunta", "junta", "ministerio", "ministry", "ayuntamiento", "prefeitura"]
)
_CONNECTORS = wordset("""of for on and the de del la las los el y e para do da dos das""")
_AND = frozenset(["and", "y", "e"])
# Words a sentence or a name may start with that are not part of the body's name.
_NOISE = wordset(
    """the a an el la los las un una but and in on at after as by for from if since while when
    with según desde tras para por con sin ante en y o al del also however meanwhile then
    this that these those este esta estos estas ese esa ni nor neither both even only yet
    still"""
)
# Titles: a capitalised run that starts with one names a person holding an office.
_TITLES = wordset(
    """president presidente presidenta prime minister ministro ministra governor gobernador
    gobernadora gov mayor alcalde alcaldesa intendente secretary secretario secretaria chair
    chairman chairwoman chief director directora fiscal judge juez jueza king rey queen
    reina prince mr mrs ms dr sr sra don doña rear adm admiral colonel coronel general
    commissioner comisionado senator senador senadora rep sen lord lady sir dame mp
    canciller chancellor"""
)
_MEDIA = wordset(
    """news radio tv televisión television noticias press diario times herald journal gazette
    tribune channel cadena canal periódico revista magazine"""
)
_PARTIES = frozenset(["party", "partido", "partit", "partido popular"])
# Acronyms that are not bodies: units, times, honours, countries, media.
_NOT_BODIES = wordset(
    """US USA UK EU GMT UTC ET EST PST CET TV AM PM TEU MW GW KW CEO CBE OBE MBE MP MPS IT AI
    DNA SUV GPS PDF RTVE EFE AFP AP BBC CNN ITV TVE ABC NBC CBS SOS OK LGBT LGBTQ PP PSOE
    PSDB PRI PAN VOX II III IV XX XXI DANA AVE ES NGO ONG ONGS NGOS LIVE BREAKING UPDATE
    WATCH VIDEO EXCLUSIVE DIRECTO VIVO FOTOS"""
)
# Those who speak for the people affected ("the survivors' group X", "el colectivo X",
# "X, which represents the families"): the petition's side, never its addressee.
_CAMPAIGN_BEFORE = re.compile(
    r"\b(?:(?:survivors|victims|families|relatives|residents|tenants|campaign|"
    r"campaigners|advocacy|protest|search|pressure|bereaved)['’]?\s+(?:group|groups|"
    r"collective|association|organi[sz]ation|network|coalition)|colectivos?|"
    r"asociación de (?:víctimas|vecinos|familiares|afectados)|plataforma)\s*,?\s*$",
    re.I,
)
_CAMPAIGN_AFTER = re.compile(
    r"^\s*,\s*(?:which|who|que|quienes?)\s+(?:represents?|speaks? for|campaigns?|"
    r"representa|agrupa|defiende)\b",
    re.I,
)
# An apposition that marks the next capitalised name as a body or a company.
_ROLE_NOUNS = re.compile(
    r"\b(?:regulator|watchdog|operator|company|firm|utility|agency|insurer|supplier|"
    r"contractor|manufacturer|owner|manager|provider|developer|carrier|body|"
    r"regulador|operador|empresa|compañía|distribuidora|eléctrica|gestor|organismo|"
    r"concesionaria|aseguradora|constructora|propietaria)\s*,?\s*$",
    re.I,
)

# Responsibility: verbs that show a body acting or answerable, right after its name...
_CUE_AFTER = re.compile(
    r"^\W{0,3}(?:\([^)]*\)\s*)?(?:,[^,]{0,60},\s*)?(?:has |had |have |was |were |is |"
    r"are |ha |han |había |habían |fue |es |será )?"
    r"(?:said|says|told|announced|ordered|confirmed|admitted|acknowledged|failed|"
    r"blamed|responsible|should|must|sent|issued|decreed|ruled|fined|manages|managed|"
    r"operates|operated|runs|ran|owns|owned|oversees|oversaw|leads|led|apologi[sz]ed|"
    r"promised|pledged|investigat\w*|insisted|warned|denied|refused|ignored|reported|"
    r"stated|explained|estimated|added|noted|claimed|argued|agreed|accepted|"
    r"comunic\w+|indic\w+|explic\w+|afirm\w+|declar\w+|sostuv\w+|advirti\w+|"
    r"precis\w+|detall\w+|report\w+|estim\w+|calcul\w+|acept\w+|atribu\w+|"
    r"descart\w+|inform\w+|anunci\w+|orden\w+|decret\w+|confirm\w+|reconoc\w+|"
    r"admiti\w+|envi\w+|activ\w+|gestion\w+|dirig\w+|investig\w+|promet\w+|asegur\w+|"
    r"señal\w+|debe\w*|responsable|multad\w+|sancion\w+|culpable|neg\w+|omiti\w+|"
    r"cometi\w+|dej\w+)\b",
    re.I,
)
# ... and words before it that blame it, ask it to act, or put it in charge.
_CUE_BEFORE = re.compile(
    r"\b(?:blamed|blames|against|criticis\w+|criticiz\w+|accus\w+|called on|calls on|"
    r"urged|urges|demanded that|demand that|asked|asks|fined|pressure on|"
    r"responsibility of|in charge of|run by|managed by|operated by|owned by|led by|"
    r"culpa a|culpan a|contra|acusa\w* a|pidi\w+ a|pid\w+ a|exig\w+ a|reclam\w+ a|"
    r"señala a|critic\w+ a|multa a|a cargo de|responsabilidad de|competencia de|"
    r"dependiente de|gestionad\w+ por|omisiones de|fallas de|errores de|"
    r"dimisión de|dimisión del|resignation of|presión sobre|salpica a|"
    r"blame (?:for [^.]{0,60})?on)"
    r"\s+(?:the |el |la |los |las |al )?$",
    re.I,
)

_TOKEN = re.compile(r"[^\W_][\w'’&-]*(?:\.(?=\w))?[\w'’&-]*|\(|\)|,|;|:")


@dataclass
class _Mention:
    name: str
    outlet: str
    headline: bool
    cue: int
    level: str
    kind: str
    country: str = ""
    language: str = ""


@dataclass
class _Cluster:
    names: Counter[str] = field(default_factory=Counter)
    outlets: set[str] = field(default_factory=set)
    mentions: int = 0
    cues: int = 0
    headlines: int = 0
    level: str = ""
    kind: str = "body"
    country: str = ""
    by_language: dict[str, Counter[str]] = field(default_factory=dict)
    levels: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)


def candidates(
    articles: list[CoverageItem], countries: list[str], *, limit: int = 8
) -> list[Candidate]:
    """The bodies the coverage names, best first (at most ``limit``)."""
    home = countries[0] if countries else ""
    texts = [
        (article, is_headline, split_sentences(_normalise(text)))
        for article in articles
        for is_headline, text in (
            (True, article.headline),
            (False, article.text or article.summary),
        )
    ]
    known = _Known(
        *_people_and_names(sentence for _a, _h, sentences in texts for sentence in sentences),
        outlets=frozenset(" ".join(words(a.outlet)) for a in articles),
    )
    mentions: list[_Mention] = []
    acronyms: dict[str, str] = {}
    same: dict[str, str] = {}  # a name -> the first name defined with the same acronym
    heads_of: dict[str, _Mention] = {}  # surname -> the body that person leads
    by_sentence: list[tuple[CoverageItem, bool, str, list[_Mention]]] = []
    for article, is_headline, sentences in texts:
        for sentence in sentences:
            found, defined = _sentence_mentions(sentence, home, known)
            for acronym, name in defined.items():
                # "Comisión Federal de Electricidad (CFE)" and "Federal Electricity
                # Commission (CFE)": one body, written in two languages.
                first = acronyms.setdefault(acronym, name)
                if first != name:
                    same.setdefault(name, first)
            for mention in found:
                mention.outlet = article.outlet
                mention.headline = is_headline
                mention.language = article.language
                heads_of.update(_leaders(sentence, mention))
            mentions += found
            by_sentence.append((article, is_headline, sentence, found))
    # What a body's head says or is asked to do is the body's: "Mazón, dimisión".
    for article, is_headline, sentence, found in by_sentence:
        named = {m.name for m in found}
        for surname, body in heads_of.items():
            at = _word_at(sentence, surname)
            if at is None or body.name in named:
                continue
            mentions.append(
                _Mention(body.name, article.outlet, is_headline,
                         _cue(sentence[:at], sentence[at + len(surname):]),
                         body.level, body.kind, body.country)
            )  # fmt: skip
    clusters = _cluster(mentions, acronyms, same)
    ranked = sorted(
        (_rank(cluster, home) for cluster in clusters),
        key=lambda c: (-c.score, -c.outlets, c.name),
    )
    return [c for c in ranked if c.score > 0][:limit]


# "el president de la Generalitat, Carlos Mazón", "the chair of the NTSB, Jennifer
# Homendy", "National Transportation Safety Board chair Jennifer Homendy".
_LEADER_ROLE = (
    r"(?:president[ea]?|president|jef[ea]|titular|director[a]?|alcalde(?:sa)?|"
    r"gobernador[a]?|fiscal|ministr[oa]|consejer[oa](?: delegad[oa])?|secretari[oa]|"
    r"head|chief|chair(?:man|woman)?|leader|minister|secretary|mayor|governor|"
    r"prosecutor|chief executive|commissioner|boss)"
)
_ROLE_BEFORE = re.compile(rf"\b{_LEADER_ROLE}(?: general)? (?:de|del|de la|of|of the)\s*$", re.I)
_ROLE_AFTER = re.compile(rf"^(?:['’]s)?\s+{_LEADER_ROLE}\b", re.I)
_PERSON = r"([A-ZÁÉÍÓÚÑ][\w'’-]+(?:\s+(?:de\s+los\s+|de\s+la\s+|de\s+)?[A-ZÁÉÍÓÚÑ][\w'’-]+){1,3})"
_PERSON_AFTER_COMMA = re.compile(rf"^\s*,\s*{_PERSON}")
_PERSON_AFTER_ROLE = re.compile(rf"^(?:['’]s)?\s+{_LEADER_ROLE}\s*,?\s*{_PERSON}", re.I)


def _leaders(sentence: str, mention: _Mention) -> dict[str, _Mention]:
    """Surname -> body, for the body's head named beside it in this sentence."""
    at = sentence.find(mention.name)
    if at < 0:
        return {}
    before, after = sentence[:at], sentence[at + len(mention.name) :]
    person = None
    if _ROLE_BEFORE.search(before) or _PORTFOLIO.search(before):
        person = _PERSON_AFTER_COMMA.match(after)
    else:
        person = _PERSON_AFTER_ROLE.match(after)
    if person is None:
        return {}
    surname = person.group(person.lastindex or 1).split()[-1]
    return {surname: mention} if len(surname) > 2 else {}


def _word_at(sentence: str, word: str) -> int | None:
    match = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", sentence)
    return match.start() if match else None


def _normalise(text: str) -> str:
    """Dotted abbreviations as one word ("U.S." -> "US"), spaces flattened."""
    text = re.sub(
        r"\b([A-Z])\.([A-Z])\.(?:([A-Z])\.)?",
        lambda m: "".join(g or "" for g in m.groups()),
        text,
    )
    return " ".join(text.split())


def _tokens(sentence: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def _people_and_names(sentences) -> tuple[frozenset[str], Counter[str]]:
    """Last names of the people the coverage names ("Mr Bates", "Jennifer Homendy"),
    and how often each capitalised run occurs.

    A person is a run of capitalised words after a title, or a run without any head
    word whose last word the text also uses alone, as reports do with surnames.
    """
    after_title: set[str] = set()
    alone: set[str] = set()
    last_words: set[str] = set()
    runs: Counter[str] = Counter()
    for sentence in sentences:
        tokens = _tokens(sentence)
        for start, end in _runs(tokens):
            run = [t for t, _s, _e in tokens[start:end]]
            runs[" ".join(run)] += 1
            lowered = [w.lower() for w in run]
            if len(run) == 1:
                alone.add(run[0])
            elif (
                len(run) >= 2
                and not any(head_level(w) for w in run)
                and not (set(lowered) & _CONNECTORS)
            ):
                last_words.add(run[-1])
            for i, word in enumerate(lowered[:-1]):
                if (
                    word in _TITLES
                    and run[i + 1][:1].isupper()
                    and run[i + 1].lower() not in _TITLES
                ):
                    tail = [w for w in run[i + 1 : i + 4] if w.lower() not in _CONNECTORS]
                    after_title.add(tail[-1])
    return frozenset(after_title | (alone & last_words)), runs


# One sentence ----------------------------------------------------------------------

# "la ministra de Energía y Minas", "el fiscal del Estado de Jalisco": the office's
# body, named by its portfolio.
_PORTFOLIO = re.compile(
    r"\b(ministr[oa]|secretari[oa]|consejer[oa]|fiscal|gobernador[a]?)\s+(de|del|de la)\s*$",
    re.I,
)
_PORTFOLIO_BODY = {
    "ministro": "Ministerio", "ministra": "Ministerio", "secretario": "Secretaría",
    "secretaria": "Secretaría", "consejero": "Consejería", "consejera": "Consejería",
    "fiscal": "Fiscalía", "gobernador": "Gobierno", "gobernadora": "Gobierno",
}  # fmt: skip


@dataclass(frozen=True)
class _Known:
    """What the whole coverage tells about names, for reading each sentence."""

    surnames: frozenset[str]
    runs: Counter[str]
    outlets: frozenset[str]

    def is_outlet(self, name: str) -> bool:
        mine = set(words(name))
        return any(mine <= set(outlet.split()) for outlet in self.outlets)


def _sentence_mentions(
    sentence: str, home: str, known: _Known
) -> tuple[list[_Mention], dict[str, str]]:
    tokens = _tokens(sentence)
    found: list[_Mention] = []
    defined: dict[str, str] = {}
    for start, end in _runs(tokens):
        run = tokens[start:end]
        for part in _split_run([t for t, _s, _e in run], known.surnames):
            first = next(t for t in run if t[0] == part[0])
            last = next(t for t in reversed(run) if t[0] == part[-1])
            before, after = sentence[: first[1]], sentence[last[2] :]
            portfolio = _PORTFOLIO.search(before)
            if portfolio and first is run[0]:
                body = _PORTFOLIO_BODY[portfolio.group(1).lower()]
                part = [body, portfolio.group(2).lower(), *part]
            mention = _classify(part, before, after, known)
            if mention is None or known.is_outlet(mention.name):
                continue
            mention.cue = _cue(before, after)
            found.append(mention)
            for inner in _parents_inside(mention.name.split()):
                found.append(_Mention(inner, "", False, mention.cue, *_level_kind(inner.split())))
            # "Red Eléctrica (REE)", "Corporación Nacional Forestal (Conaf)": another
            # name for the same body.
            acronym = re.match(r"\s*\(\s*([A-ZÁÉÍÓÚ][\w-]{1,11})\s*\)", after)
            if acronym and len(mention.name.split()) > 1:
                defined[acronym.group(1)] = mention.name
    found += _government_mentions(sentence, home)
    return found, defined


def _runs(tokens: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised words, small connecting words allowed inside."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i][0]):
            i += 1
            continue
        j = i + 1
        last_cap = i
        while j < len(tokens):
            word = tokens[j][0]
            if _capitalised(word):
                last_cap = j
            elif word.lower() not in _CONNECTORS:
                break
            j += 1
        runs.append((i, last_cap + 1))
        i = last_cap + 1
    return runs


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _split_run(run: list[str], surnames: frozenset[str] = frozenset()) -> list[list[str]]:
    """The names in a run of capitalised words.

    A run may hold two bodies ("the Coast Guard and the Maryland State Police"), a body
    and a person ("US Coast Guard Rear Admiral Shannon Gilreath", "Post Office Paula
    Vennells"), or words in front of the body ("Fuentes del Ministerio de …").
    """
    parts: list[list[str]] = [[]]
    for i, word in enumerate(run):
        lower = word.lower()
        if lower in _TITLES and parts[-1] and _person_follows(run, i):
            parts.append([])  # a title starts a person: the body, if any, ends here
        if lower in _AND and i + 1 < len(run):
            nxt = run[i + 1].lower()
            left_has_head = any(head_level(w) for w in parts[-1])
            right_has_head = any(head_level(w) for w in run[i + 1 :])
            if nxt in ("the", "el", "la", "los", "las") or (left_has_head and right_has_head):
                parts.append([])
                continue
        parts[-1].append(word)
    cleaned = []
    for part in parts:
        part = _drop_person_tail(part, surnames)
        while part and (part[0].lower() in _NOISE or part[0].lower() in _CONNECTORS):
            part = part[1:]
        part = _from_first_head(part)
        while part and part[-1].lower() in _CONNECTORS:
            part = part[:-1]
        if part:
            cleaned.append(part)
    return cleaned


def _person_follows(run: list[str], i: int) -> bool:
    """After the title at i (and any more titles) comes a name, not more of a body."""
    j = i
    while j < len(run) and run[j].lower() in _TITLES:
        j += 1
    if j == len(run):
        return True  # "Coast Guard Rear Adm." : titles end the run, a name follows
    return not head_level(run[j]) and run[j].lower() not in _CONNECTORS


def _drop_person_tail(part: list[str], surnames: frozenset[str]) -> list[str]:
    """ "Post Office Paula Vennells" -> "Post Office": a known surname ends a person."""
    if len(part) < 3 or part[-1] not in surnames:
        return part
    for size in (2, 3):
        tail = part[-size:]
        rest = part[:-size]
        if (
            rest
            and not any(head_level(w) or w.lower() in _CONNECTORS for w in tail)
            and any(head_level(w) for w in rest)
        ):
            return rest
    return part


def _from_first_head(part: list[str]) -> list[str]:
    """ "Fuentes del Ministerio para …" -> "Ministerio para …": words before "de + body"."""
    if not part or head_level(part[0]):
        return part
    for i in range(1, len(part)):
        if head_level(part[i]) and part[i - 1].lower() in _CONNECTORS:
            return part[i:]
        if head_level(part[i]):
            return part  # kind-last English: "National Transportation Safety Board"
    return part


def head_level(word: str) -> str:
    """The level of the body a head word names ("ministry" -> "national"), or ""."""
    lower = word.lower()
    if lower in _GOVERNMENT:
        return "government"
    return _HEADS.get(lower, "")


def _classify(part: list[str], before: str, after: str, known: _Known) -> _Mention | None:
    """The mention a capitalised run makes, or None when it names no body."""
    words_ = list(part)
    # "Spain's", "Mexico's": whose body it is, not its name.
    while words_ and re.search(r"['’]s$", words_[0]) and len(words_) > 1:
        words_ = words_[1:]
    lowered = [w.lower() for w in words_]
    if not words_ or any(w in _PARTIES for w in lowered):
        return None
    if lowered[0] in _TITLES:
        return None  # a person with a title: "Governor Wes Moore"
    if _CAMPAIGN_BEFORE.search(before) or _CAMPAIGN_AFTER.search(after):
        return _Mention(" ".join(words_), "", False, 0, "campaign", "body")
    if len(words_) == 1:
        return _single(words_[0], before, after)
    heads = [head_level(w) for w in words_]
    if not any(heads) and _TITLE_BEFORE.search(before):
        return None  # "the chief executive, David Black": a person
    if not any(heads):
        if _ROLE_NOUNS.search(before) and len(words_) <= 5:
            return _Mention(" ".join(words_), "", False, 0, "company", "body")
        if _acts_as_body(words_, after, known):
            return _Mention(" ".join(words_), "", False, 0, "", "body")
        return None
    if any(w in _MEDIA for w in lowered) and not any(h for h in heads if h != "company"):
        return None
    if len(words_) > 10:
        return None
    level, kind = _level_kind(words_)
    return _Mention(" ".join(words_), "", False, 0, level, kind)


_TITLE_BEFORE = re.compile(
    r"\b(?:" + "|".join(sorted(_TITLES, key=len, reverse=True)) + r")\s*,?\s*$", re.I
)


def _acts_as_body(words_: list[str], after: str, known: _Known) -> bool:
    """A name without a head word that acts ("Red Eléctrica descartó …"): a body, unless
    it is a person or a place. A person is named in full once and by surname after, so
    a name written in full more than once, and not ending in a surname, is a body."""
    if len(words_) > 4 or words_[-1] in known.surnames or not _CUE_AFTER.search(after[:90]):
        return False
    if known.runs[" ".join(words_)] < 2:
        return False
    if any(w.lower() in _CONNECTORS for w in words_):
        return False
    return not countries_in(" ".join(words_))


def _single(word: str, before: str, after: str) -> _Mention | None:
    """One capitalised word: an acronym or a one-word body, when the text says so."""
    bare = re.sub(r"['’]s$", "", word)
    lower = bare.lower()
    if _looks_like_acronym(bare) and bare.isalpha() and bare.upper() not in _NOT_BODIES:
        return _Mention(bare, "", False, 0, "", "body")
    if lower in ("generalitat", "xunta", "consell", "govern"):
        return _Mention(bare, "", False, 0, "regional", "body")
    # Spanish gives a body its article and a person none: "el Senapred ordenó", "la
    # Conaf informó" (a place may take one too, so the body must also act).
    if (
        re.search(r"\b(?:el|la|del|al)\s+$", before)
        and _CUE_AFTER.search(after[:90])
        and lower not in _NOISE
        and not countries_in(bare)
    ):
        return _Mention(bare, "", False, 0, "", "body")
    if _ROLE_NOUNS.search(before) and lower not in _NOISE:
        return _Mention(bare, "", False, 0, "company", "body")
    return None


def _looks_like_acronym(word: str) -> bool:
    """NTSB, CHJ, FGR, CELEC; not a word in capitals inside a shouted headline."""
    letters = re.sub(r"[^A-Za-zÁÉÍÓÚÑ]", "", word)
    return 2 <= len(letters) <= 8 and letters.isupper()


def _level_kind(words_: list[str]) -> tuple[str, str]:
    heads = [head_level(w) for w in words_]
    first = next((h for h in heads if h), "")
    level = first
    if first == "government":
        level = "national"
        # "Gobierno del Estado de Oaxaca", "State of Maryland": a state's government.
        if any(
            w.lower() in ("estado", "state", "provincia", "province", "regional") for w in words_
        ):
            level = "regional"
    if "national" in [h for h in heads] and first in ("regional", "local"):
        level = first
    kind = "office" if words_[0].lower() in _OFFICE_WORDS else "body"
    return level, kind


def _parents_inside(part: list[str]) -> list[str]:
    """Parent bodies named inside a longer name: "… de la Generalitat Valenciana"."""
    found = []
    for i in range(1, len(part)):
        if part[i].lower() in _PARENTS and part[i - 1].lower() in _CONNECTORS:
            inner = part[i:]
            if len(inner) < len(part):
                found.append(" ".join(inner))
    return found


def _cue(before: str, after: str) -> int:
    score = 0
    if _CUE_BEFORE.search(before[-60:]):
        score += 2
    if _CUE_AFTER.search(after[:90]):
        score += 1
    return score


# Governments named without a head-word run: "el Gobierno", "the Spanish government".
_ES_GOVERNMENT = re.compile(
    r"\b(?:[Ee]l|del|al)\s+(Gobierno|Ejecutivo)\b(?:\s+([a-záéíóúñ]{4,}))?(?!\s+(?:de|del)\s+[A-ZÁÉÍÓÚ])"
)
# "Gobierno central": the national one; "Gobierno valenciano": a region's.
_NATIONAL_ADJECTIVES = frozenset(["central", "federal", "nacional", "estatal"])
# Adjectives of a region's people ("valenciano", "bonaerense", "vasco"), not verbs
# ("el Gobierno espera …").
_REGIONAL_ADJECTIVE = re.compile(r"(?:ano|ana|ense|eño|eña|és|esa|ego|ega|asco|asca|aco|aca|uz)$")
_EN_GOVERNMENT = re.compile(
    r"\b([A-Z][a-z]+(?:['’]s)?)\s+(?:federal\s+|national\s+|central\s+)?government\b"
)


def _government_mentions(sentence: str, home: str) -> list[_Mention]:
    found = []
    for match in _ES_GOVERNMENT.finditer(sentence):
        before, after = sentence[: match.start(1)], sentence[match.end() :]
        adjective = (match.group(2) or "").lower()
        if (
            adjective
            and adjective not in _NATIONAL_ADJECTIVES
            and not countries_in(adjective)
            and _REGIONAL_ADJECTIVE.search(adjective)
        ):
            found.append(
                _Mention(f"Gobierno {adjective}", "", False, _cue(before, after),
                         "regional", "body", home)
            )  # fmt: skip
            continue
        after = sentence[match.end(1) :]  # "el Gobierno espera …": the verb is a cue
        if home:
            found.append(
                _Mention(national_government(home, "es"), "", False, _cue(before, after),
                         "national", "body", home)
            )  # fmt: skip
    for match in _EN_GOVERNMENT.finditer(sentence):
        code = (countries_in(match.group(1)) or [""])[0]
        if code:
            before, after = sentence[: match.start()], sentence[match.end() :]
            found.append(
                _Mention(national_government(code, "en"), "", False, _cue(before, after),
                         "national", "body", code)
            )  # fmt: skip
    return found


def national_government(code: str, language: str) -> str:
    """The national government's name as a draft writes it: "Gobierno de España"."""
    with translation.override(language):
        name = str(country_names.name(code)) or code
    if language == "es":
        return f"Gobierno de {name}"
    if language == "pt":
        return f"Governo de {name}"
    the = "the " if name.startswith(("United", "Dominican", "Netherlands", "Philippines")) else ""
    return f"Government of {the}{name}"


# Variants, clusters, ranks ---------------------------------------------------------


def _key(name: str) -> tuple[str, ...]:
    return tuple(words(name))


def _content(key: tuple[str, ...]) -> set[str]:
    return {w for w in key if w not in _CONNECTORS}


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w.lower() not in _CONNECTORS)


def _cluster(
    mentions: list[_Mention], acronyms: dict[str, str], same: dict[str, str]
) -> list[_Cluster]:
    # Names first: each distinct name, then variants folded into the fullest one.
    by_name: dict[tuple[str, ...], list[_Mention]] = defaultdict(list)
    for mention in mentions:
        name = acronyms.get(mention.name, mention.name)
        by_name[_key(same.get(name, name))].append(mention)
    keys = sorted(by_name, key=lambda k: (-len(_content(k)), k))
    # An acronym that spells a longer name's initials is that name ("NTSB").
    spelled = {}
    for key in keys:
        written = by_name[key][0].name
        if len(key) > 1:
            spelled.setdefault(_initials(written).lower(), key)
    parent: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in keys:
        if len(key) == 1 and key[0] in spelled:
            parent[key] = spelled[key[0]]
            continue
        for longer in keys:
            if longer == key or len(_content(longer)) <= len(_content(key)):
                continue
            if _variant_of(key, longer):
                parent[key] = parent.get(longer, longer)
                break
    clusters: dict[tuple[str, ...], _Cluster] = {}
    for key in keys:
        root = key
        while root in parent:
            root = parent[root]
        cluster = clusters.setdefault(root, _Cluster())
        for mention in by_name[key]:
            written = acronyms.get(mention.name, mention.name)
            cluster.names[written] += 1
            if written != mention.name:
                cluster.acronyms.add(mention.name)
            if mention.language:
                cluster.by_language.setdefault(mention.language, Counter())[written] += 1
            if mention.outlet:
                cluster.outlets.add(mention.outlet)
            cluster.mentions += 1
            cluster.cues += mention.cue
            cluster.headlines += mention.headline
            cluster.level = cluster.level or mention.level
            cluster.levels.add(mention.level)
            cluster.kind = mention.kind if key == root else cluster.kind
            cluster.country = cluster.country or mention.country
    return list(clusters.values())


def _variant_of(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether a shorter name is another way of writing a longer one."""
    small, large = _content(short), _content(long)
    if not small <= large:
        return False
    # Same head word first ("Fiscalía de Jalisco", "Fiscalía del Estado de Jalisco")...
    if short[0] == long[0]:
        return True
    # ... or the longer one only adds places or qualifiers in front ("US Coast Guard").
    n = len(short)
    if long[-n:] == short:
        return not any(head_level(w) or w in _CONNECTORS for w in long[:-n])
    return False


def _rank(cluster: _Cluster, home: str) -> Candidate:
    name = _display_name(cluster.names)
    country = cluster.country or _country_of(name, home)
    outlets = len(cluster.outlets)
    score = (
        2.0 * outlets
        + 0.5 * min(cluster.mentions, 10)
        + 1.5 * min(cluster.cues, 6)
        + 1.0 * min(cluster.headlines, 3)
    )
    level = cluster.level
    if "campaign" in cluster.levels:
        score = 0.0  # the people asking, not the body asked
    if name.split()[0].lower() in _GOVERNMENT and level == "national":
        score *= 0.6  # a whole government: the last thing to address, not the first
    if country and home and country != home:
        score *= 0.3  # a foreign body, probably mentioned in passing
    if country == "" and level == "international":
        score *= 0.5
    return Candidate(
        name=name,
        kind=cluster.kind,
        country=country,
        level=level,
        score=score,
        outlets=outlets,
        mentions=cluster.mentions,
        cues=cluster.cues,
        aliases=(
            *(n for n, _c in cluster.names.most_common() if n != name),
            *sorted(cluster.acronyms),
        )[:6],
        localized={
            language: _display_name(names)
            for language, names in cluster.by_language.items()
            if any(not _looks_like_acronym(n) for n in names)
        },
    )


def _display_name(names: Counter[str]) -> str:
    """The fullest way the coverage writes the name, unless that is a rare variant."""
    full = [n for n in names if not _looks_like_acronym(n)]
    if not full:
        return names.most_common(1)[0][0]
    top = max(names[n] for n in full)
    usual = [n for n in full if names[n] * 4 >= top]
    return max(usual, key=lambda n: (len(_content(_key(n))), names[n]))


_INTERNATIONAL = ("european", "united nations", "un ", "world ", "international", "onu ")


def _country_of(name: str, home: str) -> str:
    if fold(name).startswith(_INTERNATIONAL):
        return ""
    found = countries_in(name)
    return found[0] if found else home


def same_body(a: str, b: str) -> bool:
    """Whether two names are one body's ("the Generalitat", "Generalitat Valenciana")."""
    ka = _key(re.sub(r"^(?:the|el|la|los|las)\s+", "", a.strip(), flags=re.I))
    kb = _key(re.sub(r"^(?:the|el|la|los|las)\s+", "", b.strip(), flags=re.I))
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    return _variant_of(short, long) or (len(short) == 1 and short[0] == _initials_key(long))


def _initials_key(key: tuple[str, ...]) -> str:
    return "".join(w[0] for w in key if w not in _CONNECTORS)
