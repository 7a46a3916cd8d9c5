"""clarion ingest --once: poll every active feed once, draft from new stories, report.

It lives with drafting, above the news desk, because it runs both in turn."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from clarion.drafting.services import draft_pending_stories
from clarion.news.models import Feed
from clarion.news.services import feed_poll


class Command(BaseCommand):
    help = "Poll every active feed once, store new articles and report each feed's result."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            required=True,
            help="Poll each feed once and exit (the worker polls continuously).",
        )

    def handle(self, *args, **options) -> None:
        total = 0
        for feed in Feed.objects.filter(active=True):
            result = feed_poll(feed)
            total += result.new
            if result.error:
                self.stdout.write(self.style.WARNING(f"{feed.url}: failed: {result.error}"))
            elif result.not_modified:
                self.stdout.write(f"{feed.url}: not modified")
            else:
                self.stdout.write(f"{feed.url}: {result.new} new, {result.seen} already known")
        drafted = draft_pending_stories(limit=1000)
        self.stdout.write(
            self.style.SUCCESS(f"{total} new articles; {len(drafted)} petition drafts written.")
        )
