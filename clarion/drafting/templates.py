"""The offline drafter's sentences, in English and Spanish.

Each template is a whole sentence; the drafter fills in names and never trims one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

DEMANDS_WANTED = 5

# Bodies that take "the" in English, and their gender in Spanish ("al Ministerio",
# "a la Secretaría").
_EN_KINDS = frozenset(
    [
        "Ministry",
        "Department",
        "Secretariat",
        "Office",
        "Agency",
        "Authority",
        "Commission",
        "Council",
        "Parliament",
        "Assembly",
        "Senate",
        "Congress",
        "Board",
        "Inspectorate",
        "Regulator",
        "Executive",
        "Government",
    ]
)
_ES_MASCULINE = frozenset(
    [
        "Ministerio",
        "Departamento",
        "Ayuntamiento",
        "Gobierno",
        "Congreso",
        "Senado",
        "Parlamento",
        "Instituto",
    ]
)
_ES_FEMININE = frozenset(
    [
        "Secretaría",
        "Consejería",
        "Agencia",
        "Autoridad",
        "Comisión",
        "Alcaldía",
        "Gobernación",
        "Asamblea",
        "Defensoría",
        "Superintendencia",
    ]
)


@dataclass(frozen=True)
class Phrases:
    language: str
    and_word: str
    authorities: str
    authorities_title: str
    short_goal: str
    facts_heading: str
    months: tuple[str, ...]
    government: str  # "the government of {country}"
    title_forms: tuple[str, ...]
    goal_forms: tuple[str, ...]
    opening_one: str
    opening_many: str
    attribution: str
    coverage_line: str
    why_lines: dict[str, str]
    category_demands: dict[str, tuple[str, ...]]
    general_demands: tuple[str, ...]

    def addressee(self, name: str) -> str:
        """The name as the object of "call on" / "pedimos a": with its article."""
        first = name.split()[0] if name else ""
        if self.language == "es":
            if name.startswith("el "):
                return f"al {name[3:]}"
            if first in _ES_FEMININE:
                return f"a la {name}"
            if first in _ES_MASCULINE:
                return f"al {name}"
            return f"a {name}"
        return f"the {name}" if first in _EN_KINDS else name

    def government_of(self, country: str) -> str:
        return self.government.format(country=country)

    def titles(self, target: str, headline: str) -> Iterator[str]:
        for form in self.title_forms:
            yield form.format(
                target=target, to=self.addressee(target), headline=headline.rstrip(".")
            )

    def goals(self, who: str, outlets: str, place: str) -> Iterator[str]:
        where = self.where(place)
        for form in self.goal_forms:
            yield form.format(who=who, outlets=outlets, where=where)

    def where(self, place: str) -> str:
        if not place:
            return ""
        return f" in {place}" if self.language == "en" else f" en {place}"

    def opening(self, outlet: str, date: str, headline: str, outlets: int) -> str:
        form = self.opening_one if outlets == 1 else self.opening_many
        return form.format(outlet=outlet, date=date, headline=headline.rstrip("."), n=outlets)

    def attributed(self, sentence: str, outlet: str) -> str:
        return self.attribution.format(sentence=sentence, outlet=outlet)

    def coverage(self, outlets: str) -> str:
        return self.coverage_line.format(outlets=outlets)

    def why(self, slug: str) -> str:
        return self.why_lines.get(slug, self.why_lines[""])

    def demands(self, slugs: list[str], place: str) -> Iterator[str]:
        where = self.where(place)
        picked: list[str] = []
        # Two from the main category, one from the next, then the general ones.
        for slug, take in zip(slugs, (2, 1), strict=False):
            picked += list(self.category_demands.get(slug, ()))[:take]
        picked += list(self.general_demands)
        for template in dict.fromkeys(picked):
            yield template.format(where=where)

    def date(self, day: int, month: int, year: int) -> str:
        if self.language == "es":
            return f"{day} de {self.months[month - 1]} de {year}"
        return f"{day} {self.months[month - 1]} {year}"


ENGLISH = Phrases(
    language="en",
    and_word="and",
    authorities="the responsible authorities",
    authorities_title="Call on the responsible authorities to act now",
    short_goal=(
        "We call on the responsible authorities to answer this reporting in public "
        "and to act on the demands below."
    ),
    facts_heading="What was reported",
    months=(
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    government="the government of {country}",
    title_forms=(
        "{target}: act now on “{headline}”",
        "Call on {to} to act now",
    ),
    goal_forms=(
        "We call on {who} to answer in public what {outlets} reported{where}, "
        "to explain the decisions taken so far, and to act on the demands below.",
        "We call on {who} to answer this reporting in public and to act on the demands below.",
    ),
    opening_one="On {date}, {outlet} reported: “{headline}”.",
    opening_many=(
        "On {date}, {outlet} reported: “{headline}”. {n} outlets have covered the story since."
    ),
    attribution="{sentence} ({outlet})",
    coverage_line="Sources: {outlets}. Follow the links on this page to read each report.",
    why_lines={
        "": "The people affected deserve clear answers and decisions taken in the open.",
        "climate": "A warming world makes every delay costlier for the people and places "
        "that are already exposed.",
        "health": "Care that is cut or delayed is paid for by patients first, and by the "
        "most vulnerable most of all.",
        "housing": "A safe, affordable home is the ground everything else stands on.",
        "transport": "Cutting a route cuts people off from work, school and care.",
        "human-rights": "Rights that are not defended in practice are not rights at all.",
        "education": "What pupils lose this year they carry for the rest of their lives.",
        "labour": "Fair pay and safe work are the least that working people are owed.",
        "digital-rights": "People cannot protect data they are not told was exposed.",
        "democracy": "Decisions taken out of public view erode the trust that public "
        "institutions depend on.",
        "water": "Water is a human right, and rationing must never fall hardest on those "
        "with least.",
        "food": "Food that families cannot afford, or farmers cannot grow, is a crisis for "
        "everyone.",
        "migration": "People on the move are owed safety, dignity and due process.",
        "justice": "Justice that is not seen to be done is not trusted.",
    },
    category_demands={
        "climate": (
            "Publish the environmental data behind every decision{where}, in full and "
            "in open formats.",
            "Adopt a protection plan with dated targets and a budget, and report on it "
            "every quarter.",
        ),
        "health": (
            "Keep every affected service open until a replacement is running and "
            "reachable for patients.",
            "Publish waiting times and staffing figures for the affected services every month.",
        ),
        "housing": (
            "Freeze the rent increases at issue until an independent review has reported.",
            "Protect tenants from eviction while the review is under way.",
        ),
        "transport": (
            "Restore the service until an equivalent alternative is running.",
            "Consult passengers and their representatives before any further change.",
        ),
        "human-rights": (
            "Open an independent investigation and publish its findings.",
            "Guarantee that no one who speaks out about this faces reprisals.",
        ),
        "education": (
            "Negotiate in good faith with teachers and their unions until an agreement is reached.",
            "Protect pupils' lessons and exams from the consequences of the dispute.",
        ),
        "labour": (
            "Negotiate in good faith with the workers and their unions.",
            "Publish the pay and safety figures the dispute turns on.",
        ),
        "digital-rights": (
            "Tell every affected person, in writing, what data was exposed and what it "
            "means for them.",
            "Commission an independent security audit and publish its findings.",
        ),
        "democracy": (
            "Publish every document behind the decision.",
            "Hold a public hearing before any further step is taken.",
        ),
        "water": (
            "Share any rationing fairly, with protected supplies for homes, schools and clinics.",
            "Publish reservoir and supply figures every week until the crisis ends.",
        ),
        "food": (
            "Protect the families who can least afford the price rises with direct support.",
            "Publish the supply figures behind the decision.",
        ),
        "migration": (
            "Guarantee safe, legal routes and due process for everyone affected.",
            "Give independent monitors access to every facility involved.",
        ),
        "justice": (
            "Open an independent investigation and publish its findings.",
            "Meet the families affected and answer their questions in public.",
        ),
    },
    general_demands=(
        "Give a full public account, within 30 days, of what happened{where} and of the "
        "decisions taken so far.",
        "Meet the people and communities affected, in public, before any further decision.",
        "Set out a timetable of concrete measures, with a budget, and report on progress "
        "every three months.",
        "Publish the documents and data that the decisions rest on.",
    ),
)

SPANISH = Phrases(
    language="es",
    and_word="y",
    authorities="las autoridades responsables",
    authorities_title="Pedimos a las autoridades responsables que actúen ya",
    short_goal=(
        "Pedimos a las autoridades responsables que respondan en público a estas "
        "informaciones y atiendan las demandas que siguen."
    ),
    facts_heading="Lo que se ha informado",
    months=(
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    government="el Gobierno de {country}",
    title_forms=(
        "{target}: actúe ya ante «{headline}»",
        "Pedimos {to} que actúe ya",
    ),
    goal_forms=(
        "Pedimos {who} que responda en público a lo que informaron {outlets}{where}, "
        "que explique las decisiones tomadas hasta ahora y que atienda las demandas que "
        "siguen.",
        "Pedimos {who} que responda en público a estas informaciones y atienda las "
        "demandas que siguen.",
    ),
    opening_one="El {date}, {outlet} informó: «{headline}».",
    opening_many=(
        "El {date}, {outlet} informó: «{headline}». Desde entonces, {n} medios han "
        "cubierto la noticia."
    ),
    attribution="{sentence} ({outlet})",
    coverage_line="Fuentes: {outlets}. Los enlaces de esta página llevan a cada noticia.",
    why_lines={
        "": "Las personas afectadas merecen respuestas claras y decisiones tomadas a la "
        "vista de todos.",
        "climate": "En un mundo que se calienta, cada retraso cuesta más a las personas y "
        "los lugares más expuestos.",
        "health": "Los recortes en la atención los pagan primero los pacientes, y sobre "
        "todo los más vulnerables.",
        "housing": "Una vivienda segura y asequible es la base de todo lo demás.",
        "transport": "Cortar una línea deja a la gente sin acceso al trabajo, la escuela y "
        "la atención médica.",
        "water": "El agua es un derecho humano, y el racionamiento nunca debe recaer sobre "
        "quienes menos tienen.",
        "digital-rights": "Nadie puede proteger datos que no sabe que se han expuesto.",
        "education": "Lo que el alumnado pierde este año lo arrastra toda la vida.",
    },
    category_demands={
        "water": (
            "Repartir el racionamiento de forma justa, garantizando el suministro a "
            "hogares, escuelas y centros de salud.",
            "Publicar cada semana los datos de embalses y suministro hasta que termine la crisis.",
        ),
        "climate": (
            "Publicar íntegros y en formatos abiertos los datos ambientales de cada "
            "decisión{where}.",
            "Adoptar un plan de protección con metas fechadas y presupuesto.",
        ),
        "health": (
            "Mantener abiertos los servicios afectados hasta que exista una alternativa accesible.",
            "Publicar cada mes las listas de espera y las plantillas de los servicios afectados.",
        ),
        "housing": (
            "Congelar las subidas de alquiler hasta que concluya una revisión independiente.",
            "Proteger a los inquilinos de los desahucios mientras dure la revisión.",
        ),
        "transport": (
            "Restablecer el servicio hasta que funcione una alternativa equivalente.",
            "Consultar a las personas usuarias antes de cualquier otro cambio.",
        ),
    },
    general_demands=(
        "Rendir cuentas en público, en un plazo de 30 días, de lo ocurrido{where} y de "
        "las decisiones tomadas.",
        "Reunirse en público con las personas y comunidades afectadas antes de cualquier "
        "nueva decisión.",
        "Presentar un calendario de medidas concretas, con presupuesto, e informar de sus "
        "avances cada tres meses.",
        "Publicar los documentos y datos en que se basan las decisiones.",
    ),
)

TEMPLATES: dict[str, Phrases] = {"en": ENGLISH, "es": SPANISH}
