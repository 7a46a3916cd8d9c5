"""The LLM drafter: asks an OpenAI-compatible chat endpoint for a JSON draft.

Any failure raises LLMDraftError with a short reason for the operator; the caller
falls back to the offline drafter and keeps that reason on the draft. The answer is
validated, never repaired: a text over its limit is refused rather than cut.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import get_language_info
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clarion.drafting.proposal import (
    DEMAND_MAX,
    DEMANDS_MAX,
    DEMANDS_MIN,
    GOAL_MAX,
    NARRATIVE_MAX,
    TARGETS_MAX,
    TITLE_MAX,
    DraftProposal,
    StoryBrief,
    TargetProposal,
)

ARTICLE_CHARS = 3000
TOTAL_CHARS = 12000
# The model reads the text of at most this many articles (the earliest carry the event);
# the evidence below covers the whole story.
LLM_ARTICLES = 8
FACTS_SENT = 12
CANDIDATES_SENT = 6
CALLS_SENT = 8
_REFUSAL = re.compile(r"\b(I can(?:'|’)?t|I cannot|I'm sorry|I am sorry|unable to help)\b", re.I)


class LLMDraftError(Exception):
    """Why the LLM draft could not be used; str(exc) is a short reason for the operator."""


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    api_key: str = ""
    timeout: float = 60.0

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


def _text(limit: int):
    return Field(min_length=1, max_length=limit)


class TargetSchema(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    name: str = _text(200)
    kind: Literal["person", "office", "body"]
    country: str = Field(default="", pattern=r"^([A-Za-z]{2})?$")


class DraftSchema(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    title: str = _text(TITLE_MAX)
    goal: str = _text(GOAL_MAX)
    narrative: str = _text(NARRATIVE_MAX)
    demands: list[str] = Field(min_length=DEMANDS_MIN, max_length=DEMANDS_MAX)
    # Demands not drawn from a call the coverage reports, copied here word for word.
    fallback_demands: list[str] = Field(default_factory=list)
    targets: list[TargetSchema] = Field(min_length=1, max_length=TARGETS_MAX)
    categories: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)

    @field_validator("demands")
    @classmethod
    def _demands_fit(cls, value: list[str]) -> list[str]:
        cleaned = [item.strip() for item in value]
        if any(not item or len(item) > DEMAND_MAX for item in cleaned):
            raise ValueError(f"each demand must be 1 to {DEMAND_MAX} characters")
        return cleaned

    @field_validator("countries")
    @classmethod
    def _iso_codes(cls, value: list[str]) -> list[str]:
        codes = [item.strip().upper() for item in value]
        if any(not re.fullmatch(r"[A-Z]{2}", code) for code in codes):
            raise ValueError("countries must be ISO 3166-1 alpha-2 codes such as MX")
        return codes


def _excerpt(text: str, limit: int) -> str:
    """Whole sentences up to limit characters: the model is never shown a cut sentence."""
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept


def _language_name(code: str) -> str:
    """The language's English name, which a model follows more surely than a code."""
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


def build_messages(brief: StoryBrief, guidance: str) -> list[dict[str, str]]:
    """The chat request: the same brief the offline drafter works from.

    The model gets the articles, and the evidence read from the whole story: the bodies
    the coverage names, ranked, to choose the addressee from; the calls people made, to
    draw the demands from; and citable facts with their outlets and dates. It is asked
    for the same draft an editor would keep, and held to the same checks afterwards.
    """
    schema = json.dumps(DraftSchema.model_json_schema(), ensure_ascii=False)
    language = _language_name(brief.language)
    system = (
        "You draft petitions for a civic advocacy site from news coverage. Use only facts "
        "the articles state. Write every field in "
        f"{language} (language code '{brief.language}'), the language of the story: "
        "translate anything the coverage says in another language, and never leave a "
        "sentence in another language. Address the body the coverage holds responsible or "
        "able to act, by its name and at the right level: choose among the candidate "
        "targets listed, usually the first; a country's government only if no candidate "
        "fits. The title is a clear ask in sentence case (for example '<Body> must <do "
        "something>'), not a headline and not in quotes. The goal is one complete "
        "sentence that names the target and says what it is asked to do; never write "
        "'act on the demands below'. The narrative tells the facts, each one attributed "
        'to the outlet that reported it ("<Outlet> reported on <date> that ..."), in '
        "Markdown paragraphs; do not copy headlines into it. Draw the demands from the "
        "calls the coverage reports (who asked for what); add generic demands only if "
        "there are too few calls, keep them about this story, and copy each generic one "
        "into fallback_demands. Answer with one JSON object and nothing else, matching "
        f"this JSON schema: {schema}. Limits: title at most {TITLE_MAX} characters, goal "
        f"at most {GOAL_MAX}, narrative at most {NARRATIVE_MAX}, {DEMANDS_MIN} to "
        f"{DEMANDS_MAX} demands of at most {DEMAND_MAX} characters each. Never cut a "
        "sentence to fit: write shorter ones.\n\n"
        f"Editorial guidance from the site's editors:\n{guidance.strip() or '(none)'}"
    )
    parts, budget = [], TOTAL_CHARS
    for n, article in enumerate(brief.articles[:LLM_ARTICLES], 1):
        body = _excerpt(article.text or article.summary, min(ARTICLE_CHARS, budget))
        budget -= len(body)
        parts.append(
            f"Article {n}\nOutlet: {article.outlet}\nLanguage: {article.language}\n"
            f"Headline: {article.headline}\nPublished: {article.published_at.isoformat()}\n"
            f"URL: {article.url}\nSummary: {article.summary}\nText: {body}"
        )
    categories = ", ".join(f"{slug} ({name})" for slug, name in brief.categories) or "none"
    user = (
        "\n\n".join(parts)
        + "\n\n"
        + _evidence_text(brief)
        + f"\n\nChoose categories only among these slugs: {categories}."
        + f"\nCountries the coverage is about: {', '.join(brief.countries) or 'unknown'}."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _call_text(call) -> str:
    who = call.who or "someone in the coverage"
    if call.kind == "do":
        return f"{who} asked {call.whom or 'the authorities'} to: {call.what}"
    if call.kind == "why":
        return f"{who} asked why {call.what}"
    if call.kind == "resign":
        return f"{who} called for the resignation of {call.what}"
    if call.kind == "questions":
        return f"{who} reported questions over {call.what}"
    if call.kind == "promise":
        return f"{who} promised to: {call.what}"
    return f"{who} called for: {call.what}"


def _evidence_text(brief: StoryBrief) -> str:
    evidence = brief.evidence
    lines = [f"Outlets covering the story: {len({a.outlet for a in brief.articles})}"]
    lines.append("Candidate targets (best supported first; outlets naming them, mentions, cues):")
    for c in evidence.candidates[:CANDIDATES_SENT]:
        aliases = f"; also written {', '.join(c.aliases[:3])}" if c.aliases else ""
        lines.append(
            f"- {c.name} (kind {c.kind}, country {c.country or 'international'}, level "
            f"{c.level or 'unknown'}; {c.outlets} outlets, {c.mentions} mentions, "
            f"{c.cues} responsibility cues{aliases})"
        )
    if not evidence.candidates:
        lines.append("- none named: address the government of the main country")
    lines.append("Calls reported in the coverage (who asked whom for what):")
    for call in evidence.calls[:CALLS_SENT]:
        lines.append(f"- [{call.outlet}, {call.language}] {_call_text(call)}")
    if not evidence.calls:
        lines.append("- none: use generic demands about this story, listed in fallback_demands")
    lines.append("Facts to cite (outlet, date, language):")
    for fact in evidence.facts[:FACTS_SENT]:
        lines.append(
            f"- [{fact.outlet}, {fact.published_at.date().isoformat()}, {fact.language}] "
            f"{fact.sentence}"
        )
    return "\n".join(lines)


def _post(config: LLMConfig, payload: dict) -> dict:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    request = urllib.request.Request(  # noqa: S310 - the operator configures the URL
        config.endpoint, data=json.dumps(payload).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310
            raw = response.read(2_000_000)
    except urllib.error.HTTPError as exc:
        body = exc.read(200).decode("utf-8", "replace")
        raise LLMDraftError(f"the endpoint answered HTTP {exc.code}: {body}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise LLMDraftError(f"timed out after {config.timeout:g} s") from None
        raise LLMDraftError(f"could not connect: {exc.reason}") from None
    except TimeoutError:
        raise LLMDraftError(f"timed out after {config.timeout:g} s") from None
    except OSError as exc:
        raise LLMDraftError(f"network error: {exc}") from None
    try:
        return json.loads(raw)
    except ValueError:
        raise LLMDraftError("the endpoint's answer is not JSON") from None


def _content(answer: dict) -> str:
    try:
        choice = answer["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise LLMDraftError("the answer has no choices[0].message") from None
    if message.get("refusal"):
        raise LLMDraftError(f"the model refused: {str(message['refusal'])[:200]}")
    if choice.get("finish_reason") == "content_filter":
        raise LLMDraftError("the model's content filter stopped the answer")
    if choice.get("finish_reason") == "length":
        raise LLMDraftError("the answer was cut off at the model's length limit")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        raise LLMDraftError("the answer is empty")
    return content


def _first_object(content: str) -> str:
    """The first balanced {...} in the text: models like to add fences or a preamble."""
    start = content.find("{")
    if start < 0:
        return ""
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(content)):
        char = content[index]
        if in_string:
            escaped = char == "\\" and not escaped
            if char == '"' and not escaped:
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return content[start : index + 1]
    return content[start:]  # unbalanced: let the JSON parser say what is wrong


def parse_reply(content: str, brief: StoryBrief, model: str) -> DraftProposal:
    candidate = _first_object(content)
    if not candidate:
        if _REFUSAL.search(content):
            raise LLMDraftError(f"the model refused: {content.strip()[:200]}")
        raise LLMDraftError("the answer holds no JSON object")
    try:
        data = json.loads(candidate)
    except ValueError as exc:
        raise LLMDraftError(f"the answer is not valid JSON ({exc.msg})") from None
    try:
        draft = DraftSchema.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'draft'}: {error['msg']}"
            for error in exc.errors()[:3]
        )
        raise LLMDraftError(f"the draft does not fit the schema: {problems}") from None
    known = {slug for slug, _name in brief.categories}
    evidence = brief.evidence
    return DraftProposal(
        title=draft.title,
        goal=draft.goal,
        narrative=draft.narrative,
        demands=draft.demands,
        targets=[TargetProposal(t.name, t.kind, t.country.upper()) for t in draft.targets],
        categories=[slug for slug in draft.categories if slug in known],
        countries=draft.countries,
        language=brief.language,
        drafter=f"llm:{model}",
        fallback_demands=[d.strip() for d in draft.fallback_demands if d.strip() in draft.demands],
        candidates=[c.as_json() for c in evidence.candidates],
        calls=[c.as_json() for c in evidence.calls],
    )


def llm_draft(brief: StoryBrief, *, guidance: str, config: LLMConfig) -> DraftProposal:
    payload = {
        "model": config.model,
        "messages": build_messages(brief, guidance),
        "temperature": 0.2,
        "response_format": {"type": "json_object"},
    }
    return parse_reply(_content(_post(config, payload)), brief, config.model)
