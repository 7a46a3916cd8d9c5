"""clarion purge: apply the retention periods now (the worker does it daily)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from clarion.privacy.services import privacy_purge


class Command(BaseCommand):
    help = (
        "Delete unconfirmed signatures older than CLARION_PURGE_UNCONFIRMED_DAYS and forget "
        "IP hashes older than CLARION_PURGE_IP_DAYS, and delete sent mail older than "
        "CLARION_PURGE_MAIL_DAYS."
    )

    def handle(self, *args, **options) -> None:
        result = privacy_purge()
        self.stdout.write(
            f"Deleted {result.unconfirmed} unconfirmed signature(s) older than "
            f"{settings.CLARION_PURGE_UNCONFIRMED_DAYS} days; cleared {result.ip_hashes} IP "
            f"hash(es) older than {settings.CLARION_PURGE_IP_DAYS} days; deleted {result.mail} "
            f"sent email(s) older than {settings.CLARION_PURGE_MAIL_DAYS} days."
        )
