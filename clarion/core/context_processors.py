from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "site_name": settings.CLARION_SITE_NAME,
        "mail_outbox_only": settings.CLARION_MAIL_OUTBOX_ONLY,
        "show_dev_outbox": settings.CLARION_MAIL_OUTBOX_ONLY and settings.DEBUG,
    }
