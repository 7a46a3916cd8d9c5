"""The draft checks for the news desk's evaluation (make eval-news).

`draft_problems` holds a drafted petition to what an editor would keep (the same checks
both drafters must pass in clarion.drafting.checks); `target_matches` says whether the
draft addresses one of an event's labelled institutions (events/*.json), by its name
or an alias, accents and case folded.
"""

from __future__ import annotations

import re

from clarion.drafting.checks import petition_problems
from clarion.news.textnorm import words

_ARTICLE = re.compile(r"^(?:the|el|la|los|las|o|a)\s+", re.I)


def draft_problems(petition, story_language: str) -> list[str]:
    """Readable failures of the petition's title, goal, narrative, demands and language."""
    return petition_problems(petition, story_language)


def _key(name: str) -> str:
    return " ".join(words(_ARTICLE.sub("", name.strip())))


def name_variants(target: str) -> set[str]:
    """The ways a target's name may carry an institution's name.

    "the regional government, the Generalitat Valenciana" carries it after the comma;
    "Red Eléctrica (REE)" carries it before the brackets and in them.
    """
    variants = {target}
    for part in re.split(r",|\s[-–—]\s", target):
        variants.add(part)
    for part in list(variants):
        bracketed = re.search(r"\(([^)]+)\)", part)
        if bracketed:
            variants.add(bracketed.group(1))
            variants.add(part[: bracketed.start()])
    return {key for key in (_key(v) for v in variants) if key}


def matched_institution(target: str, institutions: list[dict]) -> str:
    """The labelled institution's name the target names, or ""."""
    mine = name_variants(target)
    for institution in institutions:
        names = [institution["name"], *institution.get("aliases", [])]
        if mine & {_key(n) for n in names}:
            return institution["name"]
    return ""


def target_matches(petition, institutions: list[dict]) -> bool:
    """Whether any of the draft's targets is a labelled responsible institution."""
    return any(matched_institution(t.name, institutions) for t in petition.targets.all())
