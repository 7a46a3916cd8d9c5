"""The demo's support appeal, written for Clarion, in both interface languages."""

from __future__ import annotations

from clarion.appeals.models import Appeal, AppealText

DEMO_URL = "https://example.org/support-clarion"

TEXTS = {
    "en": (
        "Clarion is run by volunteers and paid for by the people who use it. A small "
        "monthly gift keeps the servers on and the petitions free of advertising.",
        "Support this site",
    ),
    "es": (
        "Clarion lo sostienen personas voluntarias y quienes lo usan. Un aporte mensual "
        "pequeño mantiene los servidores encendidos y las peticiones sin publicidad.",
        "Apoya este sitio",
    ),
}


def load_demo_appeal() -> int:
    """The site-wide demo appeal, unless the site has one already. Returns 1 if created."""
    if Appeal.objects.filter(site_wide=True).exists():
        return 0
    appeal = Appeal.objects.create(name="Demo: keep the site running", site_wide=True)
    for language, (text, label) in TEXTS.items():
        AppealText.objects.create(
            appeal=appeal, language=language, text=text, link_label=label, url=DEMO_URL
        )
    return 1
