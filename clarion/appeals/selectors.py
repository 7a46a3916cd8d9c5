"""Which appeal a page shows."""

from __future__ import annotations

from django.db.models import Q

from clarion.appeals.models import AppealText


def appeal_for(override_id: int | None, language: str) -> AppealText | None:
    """The appeal to show in ``language``: the override's text, else the site-wide one's.

    One query. A language the override has no text for falls back to the site-wide
    appeal's text in that language, and else to none: an appeal in a language the
    reader did not ask for is worse than no appeal.
    """
    chosen = Q(appeal__site_wide=True)
    if override_id is not None:
        chosen |= Q(appeal_id=override_id)
    texts = list(AppealText.objects.filter(chosen, language=language)[:2])
    texts.sort(key=lambda text: text.appeal_id != override_id)
    return texts[0] if texts else None
