"""What a drafter is given (a story brief) and what it proposes (a draft).

Both drafters, offline and LLM, speak these types; neither touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clarion.drafting.evidence import Evidence

# Limits every draft must respect. A drafter that cannot fit a text into them must
# choose shorter whole sentences; nothing is ever cut mid-word or mid-sentence.
TITLE_MAX = 120
GOAL_MAX = 500
NARRATIVE_MAX = 4000
DEMAND_MAX = 300
DEMANDS_MIN = 3
DEMANDS_MAX = 6
TARGETS_MAX = 5


@dataclass(frozen=True)
class CoverageItem:
    """One article of the story, as the drafter sees it."""

    headline: str
    outlet: str
    url: str
    published_at: datetime  # aware, in the outlet's own offset
    summary: str
    text: str
    language: str


@dataclass(frozen=True)
class StoryBrief:
    articles: list[CoverageItem]  # earliest first
    categories: list[tuple[str, str]]  # (slug, name) from the taxonomy
    countries: list[str]  # ISO 3166-1 alpha-2, most mentioned first
    language: str  # the language the draft should be written in (en, es, ...)

    @cached_property
    def evidence(self) -> Evidence:
        """Candidate targets, citable facts, calls, the event: read once, for both drafters."""
        from clarion.drafting.evidence import gather

        return gather(self)


@dataclass(frozen=True)
class TargetProposal:
    name: str
    kind: str  # "person", "office" or "body" (petitions.Target.Kind)
    country: str = ""  # ISO alpha-2, or "" for an international body


@dataclass
class DraftProposal:
    title: str
    goal: str
    narrative: str  # Markdown
    demands: list[str]
    targets: list[TargetProposal]
    categories: list[str] = field(default_factory=list)  # category slugs
    countries: list[str] = field(default_factory=list)
    language: str = "en"
    drafter: str = "offline"  # "offline" or "llm:<model>"
    note: str = ""  # why the LLM draft was not used, when the offline one was
    # Demands written from the drafter's own templates, not from calls in the coverage.
    fallback_demands: list[str] = field(default_factory=list)
    # What the drafter found, kept for review (DraftEvidence): ranked candidate targets
    # and the calls, as JSON-ready dicts.
    candidates: list[dict] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
