"""clarion demo: the demo petitions, letters and news, with the drafts the news desk
writes from them. It sits above every app whose content it loads."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clarion.appeals.demo import load_demo_appeal
from clarion.drafting.services import draft_pending_stories
from clarion.letters.demo import load_demo_letters
from clarion.news.demo_feeds import load_demo_feeds
from clarion.petitions.demo import CONTENT, load_demo_petitions
from clarion.petitions.models import Petition


class Command(BaseCommand):
    help = "Load demo petitions with signatures (written for Clarion; safe to show)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any petition exists."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for signatures.")

    def handle(self, *args, if_empty: bool = False, seed: int = 2026, **options) -> None:
        if if_empty and Petition.objects.exists():
            self.stdout.write("Petitions exist already; demo content not loaded.")
            return
        try:
            created, signatures = load_demo_petitions(seed)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Can't read demo content {CONTENT}: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {created} demo petitions and {signatures} signatures.")
        )
        letters = load_demo_letters()
        self.stdout.write(self.style.SUCCESS(f"Loaded {letters} demo open letters."))
        if load_demo_appeal():
            self.stdout.write(self.style.SUCCESS("Loaded the demo support appeal."))
        # The news desk's demo: bundled feeds become articles, stories and drafts.
        articles = load_demo_feeds()
        drafts = draft_pending_stories(limit=1000)
        self.stdout.write(
            self.style.SUCCESS(
                f"Ingested {articles} demo articles; wrote {len(drafts)} petition drafts."
            )
        )
