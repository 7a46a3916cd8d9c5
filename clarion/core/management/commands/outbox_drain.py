from django.core.management.base import BaseCommand

from clarion.core.outbox import outbox_drain


class Command(BaseCommand):
    help = "Send every email in the outbox that is due, retrying earlier failures."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="Send at most this many.")

    def handle(self, *args, limit: int = 1000, **options) -> None:
        sent = outbox_drain(limit=limit)
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} emails."))
