"""The operator's drafting switches, and the review queue of machine drafts."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clarion.petitions.models import Petition


class DraftingSettings(models.Model):
    """One row (pk=1) of switches the operator edits in admin, without a restart."""

    guidance = models.TextField(
        _("editorial guidance"),
        blank=True,
        help_text=_(
            "House style for every draft. The LLM drafter reads all of it. Both drafters "
            "obey these lines: 'Always demand: …', 'Avoid: word, word', "
            "'Signature goal: 5000', 'Closing: …' (see docs/drafting.md)."
        ),
    )
    threshold = models.PositiveSmallIntegerField(
        _("outlets needed before drafting"),
        default=1,
        help_text=_("A story gets a draft once this many outlets have covered it."),
    )
    enabled = models.BooleanField(
        _("draft petitions from stories"),
        default=True,
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("drafting settings")
        verbose_name_plural = _("drafting settings")

    def __str__(self) -> str:
        return str(_("Drafting settings"))

    @classmethod
    def load(cls) -> DraftingSettings:
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings


class PetitionDraft(Petition):
    """Machine drafts waiting for review: the same rows as Petition, its own admin queue."""

    class Meta:
        proxy = True
        verbose_name = _("petition draft to review")
        verbose_name_plural = _("petition drafts to review")


class DraftEvidence(models.Model):
    """What the drafter found in a story's coverage, kept beside its draft for review.

    The ranked candidate targets let an editor switch the draft to another body with
    one click (admin → Petition drafts to review); the calls are who asked for what in
    the coverage; fallback demands are those the drafter wrote from its own templates
    because the coverage reported too few calls, so reviewers and checks can tell them
    apart.
    """

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, related_name="draft_evidence"
    )
    # [{"name", "kind", "country", "level", "score", "outlets", "cues"}], best first.
    candidates = models.JSONField(_("candidate targets"), default=list, blank=True)
    # [{"who", "what", "outlet"}] in the order the coverage reported them.
    calls = models.JSONField(_("calls in the coverage"), default=list, blank=True)
    fallback_demands = models.JSONField(_("fallback demands"), default=list, blank=True)

    class Meta:
        verbose_name = _("drafting evidence")
        verbose_name_plural = _("drafting evidence")

    def __str__(self) -> str:
        return str(self.petition)
