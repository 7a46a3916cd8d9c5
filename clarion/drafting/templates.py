"""The offline drafter's own words, in English and Spanish.

Each template is a whole sentence or a whole clause; the drafter fills in names, the
event, the place and what the coverage reports people asking for, and never trims a
template. Dates come from Django's locale formats, in the draft's language.

Draft text is content, not interface: it is written in the story's language whatever
the reader's, so none of it goes through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, translation

from clarion.drafting.checks import wordset
from clarion.drafting.targets import head_level

# Bodies whose name takes "the" in English, and the gender Spanish gives them ("al
# Ministerio", "a la Secretaría"). Compared with the name's first word.
_EN_THE = wordset(
    """Ministry Department Secretariat Office Agency Authority Commission Council Parliament
    Assembly Senate Congress Board Inspectorate Regulator Executive Government Court
    Tribunal Service Coast Police Army Navy Guard Bureau Administration Centre Center
    Institute Corporation Committee Directorate Federal National State Supreme Royal City
    Environmental Civil Maryland"""
)
_ES_MASCULINE = wordset(
    """Ministerio Departamento Ayuntamiento Gobierno Congreso Senado Parlamento Instituto
    Servicio Centro Consejo Ejército Tribunal Juzgado Consell Govern Governo Estado Operador
    Comité Organismo"""
)
_ES_FEMININE = wordset(
    """Secretaría Consejería Agencia Autoridad Comisión Alcaldía Gobernación Asamblea
    Defensoría Superintendencia Fiscalía Procuraduría Policía Guardia Armada Confederación
    Unidad Dirección Oficina Generalitat Xunta Junta Diputación Corte Municipalidad
    Prefeitura Audiencia Delegación Coordinación Corporación Cancillería Defensa"""
)


def _is_body(name: str) -> bool:
    """A name with a public body's head word takes "the" in English ("the Post Office",
    "the Generalitat Valenciana"); a company or an acronym does not ("Red Eléctrica")."""
    parts = name.split()
    if len(parts) == 1 and (parts[0].isupper() or not head_level(parts[0])):
        return False
    return any(head_level(w) not in ("", "company") for w in parts)


@dataclass(frozen=True)
class Phrases:
    language: str
    and_word: str
    date_format: str  # a Django date format, or a setting name such as "DATE_FORMAT"
    authorities: str
    default_event: str  # how the event is named when the coverage's kind is unknown
    # Title, goal and narrative forms.
    title_ask: str
    title_short: str
    goal: str
    goal_two: str
    opening_that: str
    opening_colon: str
    cite: str
    cite_reported: str  # for a sentence that already says "according to" / "según"
    also_covered: str
    closing: str
    sources: str
    # Demands from calls in the coverage.
    as_asked: str  # ", as {who} asked" appended to a demand
    must: str  # "{whom} must {what}"
    resign: str
    why: str
    why_ask: str  # the same, as the goal's clause
    investigate: str  # an inquiry asked for
    investigate_ask: str
    questions: str  # questions the coverage says are being asked about something
    questions_ask: str
    agree_ask: str  # a thing asked for, as the goal's clause
    # Fallback demands: (demand, goal clause) with {target}, {event}, {where}.
    fallbacks: tuple[tuple[str, str], ...]

    def date(self, when: datetime) -> str:
        with translation.override(self.language):
            return formats.date_format(when, self.date_format)

    def where(self, place: str) -> str:
        if not place:
            return ""
        return f" in {place}" if self.language == "en" else f" en {place}"

    def addressee(self, name: str) -> str:
        """The name as the object of "call on" / "pedimos a": with its article."""
        first = name.split()[0] if name else ""
        if self.language == "es":
            if name.startswith("el "):
                return f"al {name[3:]}"
            if name.startswith("la "):
                return f"a {name}"
            if first in _ES_FEMININE:
                return f"a la {name}"
            if first in _ES_MASCULINE:
                return f"al {name}"
            return f"a {name}"
        return self.subject(name, start=False)

    def subject(self, name: str, *, start: bool = True) -> str:
        """The name as a sentence's subject: "The Ministry of …", "la Generalitat …"."""
        first = name.split()[0] if name else ""
        if self.language == "es":
            if name.startswith(("el ", "la ")):
                return name
            if first in _ES_FEMININE:
                return f"la {name}"
            if first in _ES_MASCULINE:
                return f"el {name}"
            return name
        if name.startswith("the "):
            return f"The {name[4:]}" if start else name
        if first in _EN_THE or _is_body(name):
            return f"{'The' if start else 'the'} {name}"
        return name

    def of(self, name: str) -> str:
        """ "of the Ministry", "de la Generalitat", "del Ayuntamiento"."""
        if self.language == "es":
            article = self.subject(name)
            if article.startswith("el "):
                return f"del {article[3:]}"
            return f"de {article}"
        return f"of {self.subject(name, start=False)}"

    def join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.and_word} {items[-1]}"


ENGLISH = Phrases(
    language="en",
    and_word="and",
    date_format="j F Y",
    authorities="the responsible authorities",
    default_event="what happened",
    title_ask="{subject} must {ask}",
    title_short="{subject} must answer for {event}{where}",
    goal="We call on {to} to {ask}.",
    goal_two="We call on {to} to {ask} and to {second}.",
    opening_that="On {date}, {outlet} reported that {sentence}",
    opening_colon="On {date}, {outlet} reported: {sentence}",
    cite="{sentence}, according to {outlet}.",
    cite_reported="{sentence}, {outlet} reported.",
    also_covered="{outlets} have also reported on {event}.",
    closing="Those affected by {event}{where} are owed a public answer from {target}.",
    sources="Sources: {outlets}.",
    as_asked=", as {who} asked",
    must="{whom} must {what}",
    resign="{person} must resign",
    why="Explain in public why {what}.",
    why_ask="explain in public why {what}",
    investigate="Open {what}",
    investigate_ask="open {what}",
    questions="Answer in public the questions over {what}.",
    questions_ask="answer in public the questions over {what}",
    agree_ask="agree to {what}",
    fallbacks=(
        (
            "Give a full public account, within 30 days, of what {target} knew and "
            "decided about {event}{where}.",
            "give a full public account of what it knew and decided about {event}{where}",
        ),
        (
            "Meet the people affected by {event}{where} in public and answer their questions.",
            "meet those affected in public and answer their questions",
        ),
        (
            "Publish the documents, timelines and data behind every decision {target} took "
            "on {event}.",
            "publish the documents behind every decision it took on {event}",
        ),
        (
            "Set out, with dates and a budget, what will change after {event}{where}.",
            "set out, with dates and a budget, what will change after {event}",
        ),
    ),
)

SPANISH = Phrases(
    language="es",
    and_word="y",
    date_format="DATE_FORMAT",  # "30 de octubre de 2024"
    authorities="las autoridades responsables",
    default_event="lo ocurrido",
    title_ask="Que {subject} {ask}",
    title_short="Que {subject} rinda cuentas por {event}{where}",
    goal="Pedimos {to} que {ask}.",
    goal_two="Pedimos {to} que {ask} y que {second}.",
    opening_that="El {date}, {outlet} informó de que {sentence}",
    opening_colon="El {date}, {outlet} informó: {sentence}",
    cite="{sentence}, según {outlet}.",
    cite_reported="{sentence}, informó {outlet}.",
    also_covered="También han informado sobre {event} {outlets}.",
    closing="Las personas afectadas por {event}{where} merecen una respuesta pública {of_target}.",
    sources="Fuentes: {outlets}.",
    as_asked=", a petición de {who}",
    must="Que {whom} {what}",
    resign="La dimisión de {person}",
    why="Explicar en público por qué {what}.",
    why_ask="explique en público por qué {what}",
    investigate="Abrir {what}",
    investigate_ask="abra {what}",
    questions="Responder en público a las preguntas sobre {what}.",
    questions_ask="responda en público a las preguntas sobre {what}",
    agree_ask="acepte {what}",
    fallbacks=(
        (
            "Rendir cuentas en público, en un plazo de 30 días, de lo que {target} supo "
            "y decidió sobre {event}{where}.",
            "rinda cuentas en público de lo que supo y decidió sobre {event}{where}",
        ),
        (
            "Reunirse en público con las personas afectadas por {event}{where} y "
            "responder a sus preguntas.",
            "se reúna en público con las personas afectadas y responda a sus preguntas",
        ),
        (
            "Publicar los documentos, los plazos y los datos de cada decisión que {target} "
            "tomó sobre {event}.",
            "publique los documentos de cada decisión que tomó sobre {event}",
        ),
        (
            "Presentar, con fechas y presupuesto, lo que cambiará tras {event}{where}.",
            "presente, con fechas y presupuesto, lo que cambiará tras {event}",
        ),
    ),
)

TEMPLATES: dict[str, Phrases] = {"en": ENGLISH, "es": SPANISH}
