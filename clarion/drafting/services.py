"""From stories to petition drafts, and the review actions on those drafts."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from clarion.core import locks
from clarion.drafting.checks import Coverage, DraftText, draft_problems
from clarion.drafting.guidance import Guidance
from clarion.drafting.models import DraftEvidence, DraftingSettings
from clarion.drafting.offline import offline_draft
from clarion.drafting.proposal import CoverageItem, DraftProposal, StoryBrief
from clarion.drafting.targets import same_body
from clarion.drafting.templates import TEMPLATES, Phrases
from clarion.news.models import Article, Story
from clarion.petitions import services as petition_services
from clarion.petitions.models import Demand, Petition, offset_name
from clarion.taxonomy.models import CONTENT_LANGUAGES, Target

logger = logging.getLogger("clarion.drafting")

# The drafters read at most this many articles of a story, earliest first: enough to
# see which bodies most outlets name; the LLM is sent the text of fewer (llm.py).
BRIEF_ARTICLES = 40
_LANGUAGES = {code for code, _name in CONTENT_LANGUAGES}


def story_brief(story: Story) -> StoryBrief:
    articles = list(
        Article.objects.filter(story=story).order_by("published_at", "id")[:BRIEF_ARTICLES]
    )
    return StoryBrief(
        articles=[
            CoverageItem(
                headline=a.headline,
                outlet=a.outlet_name,
                url=a.url,
                published_at=a.published_local,
                summary=a.summary,
                text=a.text,
                language=a.language,
            )
            for a in articles
        ],
        categories=list(story.categories.order_by("name").values_list("slug", "name")),
        countries=main_countries(story),
        language=story.language if story.language in _LANGUAGES else "en",
    )


def main_countries(story: Story) -> list[str]:
    """The story's countries, the one its coverage weighs most first.

    Story.countries is stored in alphabetical order; the tallies in the story's profile
    say which country the coverage is about.
    """
    weights = (story.profile or {}).get("countries", {})
    codes = [str(code) for code in story.countries]
    return sorted(codes, key=lambda code: (-float(weights.get(code, 0) or 0), codes.index(code)))


def propose(brief: StoryBrief, guidance: Guidance) -> DraftProposal:
    """The LLM's draft when one is configured and its answer holds; else the offline one."""
    if not settings.CLARION_LLM_URL:
        return offline_draft(brief, guidance)
    from clarion.drafting.llm import LLMConfig, LLMDraftError, llm_draft

    config = LLMConfig(
        url=settings.CLARION_LLM_URL,
        model=settings.CLARION_LLM_MODEL,
        api_key=settings.CLARION_LLM_API_KEY,
        timeout=float(settings.CLARION_LLM_TIMEOUT),
    )
    try:
        proposal = llm_draft(brief, guidance=guidance.text, config=config)
        _enforce(proposal, guidance)
        _hold_to_checks(proposal, brief)
    except LLMDraftError as exc:
        logger.warning("LLM draft not used, falling back to the offline drafter: %s", exc)
        fallback = offline_draft(brief, guidance)
        fallback.note = f"The LLM draft was not used: {exc}"
        return fallback
    return proposal


def _enforce(proposal: DraftProposal, guidance: Guidance) -> None:
    """Hold an LLM draft to the guidance rules the offline drafter obeys by construction."""
    from clarion.drafting.llm import LLMDraftError

    texts = [proposal.title, proposal.goal, proposal.narrative, *proposal.demands]
    for text in texts:
        avoided = guidance.avoided_in(text)
        if avoided:
            raise LLMDraftError(f"the draft used “{avoided}”, which the guidance avoids")
    for demand in guidance.always_demand:
        if demand not in proposal.demands and len(proposal.demands) < 6:
            proposal.demands.append(demand)
    if guidance.closing and guidance.closing not in proposal.narrative:
        proposal.narrative = f"{proposal.narrative.rstrip()}\n\n{guidance.closing}"


def _hold_to_checks(proposal: DraftProposal, brief: StoryBrief) -> None:
    """Refuse an LLM draft an editor would not keep, by the offline drafter's own checks."""
    from clarion.drafting.llm import LLMDraftError

    problems = proposal_problems(proposal, brief)
    if problems:
        more = f" (and {len(problems) - 2} more)" if len(problems) > 2 else ""
        raise LLMDraftError(f"the draft failed the checks: {'; '.join(problems[:2])}{more}")


def proposal_problems(proposal: DraftProposal, brief: StoryBrief) -> list[str]:
    """What an editor would fault in a proposal: the draft checks, and a target or
    demands that leave the coverage aside."""
    text = DraftText(
        language=proposal.language,
        title=proposal.title,
        goal=proposal.goal,
        narrative=proposal.narrative,
        demands=proposal.demands,
        targets=[t.name for t in proposal.targets],
        fallback_demands=frozenset(proposal.fallback_demands),
    )
    coverage = Coverage(
        outlets=list(dict.fromkeys(a.outlet for a in brief.articles)),
        headlines=[a.headline for a in brief.articles],
        texts=[a.text or a.summary for a in brief.articles],
    )
    problems = draft_problems(text, coverage, brief.language)
    evidence = brief.evidence
    known = [n for c in evidence.candidates for n in (c.name, *c.aliases, *c.localized.values())]
    for target in proposal.targets:
        # "the regional government, the Generalitat Valenciana", "Red Eléctrica (REE)":
        # any part of the name may be the one the coverage uses.
        parts = [p.strip() for p in re.split(r"[,()]", target.name) if p.strip()]
        if known and not any(same_body(part, name) for part in parts for name in known):
            problems.append(f"the draft addresses {target.name}, which the coverage does not name")
    drawn = [d for d in proposal.demands if d not in proposal.fallback_demands]
    if evidence.calls and not drawn:
        problems.append("no demand is drawn from the calls the coverage reports")
    return problems


def stories_awaiting_draft(threshold: int) -> QuerySet[Story]:
    return Story.objects.filter(
        draft_claimed_at__isnull=True, outlet_count__gte=max(1, threshold)
    ).order_by("first_published_at", "id")


def draft_pending_stories(limit: int = 10) -> list[Petition]:
    """Draft the stories that have enough coverage and no draft yet."""
    options = DraftingSettings.load()
    if not options.enabled:
        return []
    guidance = Guidance.parse(options.guidance)
    drafted = []
    for story in stories_awaiting_draft(options.threshold)[:limit]:
        petition = draft_story(story, guidance)
        if petition is not None:
            drafted.append(petition)
    return drafted


def draft_lease() -> float:
    """Seconds a drafter holds a story before another may take it over.

    Long enough for the slowest honest run (the LLM's timeout, then the offline
    drafter and the write), so only a drafter that died loses its story.
    """
    return float(settings.CLARION_LLM_TIMEOUT + 60)


def draft_story(story: Story, guidance: Guidance) -> Petition | None:
    """Draft one story, once: a story that is drafted, or being drafted, is left alone.

    The story is held with a lock that has a lease, not marked in its row, while the
    (possibly slow) LLM is asked: no database lock is held while waiting, a second
    worker skips the story, and if this worker dies mid-way (killed, out of memory) the
    lease runs out and the next round drafts the story again instead of losing it.
    The story is marked drafted (``draft_claimed_at``) in the same transaction that
    writes the petition, by a conditional UPDATE: should a drafter that outlived its
    lease finish after another took over, exactly one of them writes a petition.
    """
    with locks.lock(f"draft-story:{story.pk}", ttl=draft_lease()) as held:
        if held is None:
            return None
        if Story.objects.filter(pk=story.pk, draft_claimed_at__isnull=False).exists():
            return None  # drafted by someone else since it was listed
        proposal = propose(story_brief(story), guidance)
        with transaction.atomic():
            first = Story.objects.filter(pk=story.pk, draft_claimed_at__isnull=True).update(
                draft_claimed_at=timezone.now()
            )
            if not first:
                return None
            petition = _create_petition(story, proposal, guidance)
            if settings.CLARION_AUTOPUBLISH:
                petition_services.petition_publish(petition)
            petition_services.petition_reindex(petition)
    logger.info("drafted petition %s from story %s (%s)", petition.slug, story.pk, proposal.drafter)
    return petition


def _create_petition(story: Story, proposal: DraftProposal, guidance: Guidance) -> Petition:
    lead = Article.objects.filter(story=story).order_by("published_at", "id").first()
    petition = Petition.objects.create(
        title=proposal.title,
        slug=_unique_slug(proposal.title),
        goal=proposal.goal,
        narrative=proposal.narrative,
        language=proposal.language if proposal.language in _LANGUAGES else "en",
        countries=proposal.countries,
        signature_goal=guidance.signature_goal or 1000,
        related_headline=lead.headline[:300] if lead else "",
        related_outlet=lead.outlet_name[:120] if lead else "",
        related_url=lead.url if lead and len(lead.url) <= 500 else "",
        related_published_at=lead.published_at if lead else None,
        related_time_zone=offset_name(lead.published_offset_minutes) if lead else "",
        drafter=proposal.drafter[:120],
        draft_note=proposal.note,
    )
    Demand.objects.bulk_create(
        [Demand(petition=petition, position=i, text=t) for i, t in enumerate(proposal.demands)]
    )
    targets = []
    for proposed in proposal.targets:
        target, _created = Target.objects.get_or_create(
            name=proposed.name[:200],
            country=proposed.country,
            defaults={"kind": proposed.kind},
        )
        targets.append(target)
    petition.targets.set(targets)
    DraftEvidence.objects.create(
        petition=petition,
        candidates=proposal.candidates,
        calls=proposal.calls,
        fallback_demands=[d for d in proposal.fallback_demands if d in proposal.demands],
    )
    petition.categories.set(story.categories.filter(slug__in=proposal.categories))
    Story.objects.filter(pk=story.pk).update(petition=petition)
    return petition


def _unique_slug(title: str) -> str:
    base = slugify(title)[:80].rsplit("-", 1)[0] if len(slugify(title)) > 80 else slugify(title)
    base = base or "petition"
    slug, n = base, 2
    while Petition.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Review ----------------------------------------------------------------------------


def draft_publish(petition: Petition) -> Petition:
    return petition_services.petition_publish(petition)


def draft_discard(petition: Petition) -> Petition:
    """Throw a draft away. It stays linked to its story so that story is never redrafted."""
    if petition.status != Petition.Status.DRAFT:
        raise ValueError("Only a draft can be discarded.")
    Petition.objects.filter(pk=petition.pk, status=Petition.Status.DRAFT).update(
        status=Petition.Status.DISCARDED, updated_at=timezone.now()
    )
    petition.refresh_from_db(fields=["status", "updated_at"])
    return petition


def draft_switch_target(petition: Petition, index: int) -> Petition:
    """Address the draft to another of the bodies its drafter found in the coverage.

    The chosen candidate becomes the draft's only target and moves to the front of the
    candidates; the old target's name is replaced by the new one wherever the draft's
    title, goal, narrative and demands name it, in the forms the drafter writes it
    ("the …", "a la …", "del …"), so an editor's own edits elsewhere are kept.
    """
    if petition.status != Petition.Status.DRAFT:
        raise ValueError("Only a draft's target can be switched.")
    evidence = DraftEvidence.objects.get(petition=petition)
    if not 0 <= index < len(evidence.candidates):
        raise ValueError("No such candidate.")
    chosen = evidence.candidates[index]
    country = chosen.get("country", "")
    name = candidate_name(chosen, petition.language)
    new, _created = Target.objects.get_or_create(
        name=name[:200], country=country, defaults={"kind": chosen.get("kind", "body")}
    )
    phrases = TEMPLATES.get(petition.language) or TEMPLATES["en"]
    with transaction.atomic():
        for old in petition.targets.all():
            if old.pk == new.pk:
                continue
            petition.title = rename(petition.title, old.name, new.name, phrases)
            petition.goal = rename(petition.goal, old.name, new.name, phrases)
            petition.narrative = rename(petition.narrative, old.name, new.name, phrases)
            for demand in petition.demands.all():
                text = rename(demand.text, old.name, new.name, phrases)
                if text != demand.text:
                    Demand.objects.filter(pk=demand.pk).update(text=text)
        petition.updated_at = timezone.now()
        petition.save(update_fields=["title", "goal", "narrative", "updated_at"])
        petition.targets.set([new])
        evidence.candidates = [
            chosen,
            *(c for i, c in enumerate(evidence.candidates) if i != index),
        ]
        evidence.save(update_fields=["candidates"])
    return petition


def candidate_name(candidate: dict, language: str) -> str:
    """A stored candidate's name as a draft in that language writes it."""
    return (candidate.get("localized") or {}).get(language) or candidate["name"]


def rename(text: str, old: str, new: str, phrases: Phrases) -> str:
    """The text with one body's name swapped for another's, articles and all."""
    forms = (
        phrases.addressee,
        phrases.of,
        phrases.subject,
        lambda name: phrases.subject(name, start=False),
        lambda name: name,
    )
    for form in forms:
        text = text.replace(form(old), form(new))
    return text


def drafts_awaiting_review() -> QuerySet[Petition]:
    return (
        Petition.objects.filter(status=Petition.Status.DRAFT)
        .exclude(drafter="")
        .order_by(F("created_at").desc())
    )
