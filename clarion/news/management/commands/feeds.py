"""clarion feeds add URL | clarion feeds list"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clarion.news.models import Feed
from clarion.news.services import feed_add


class Command(BaseCommand):
    help = "Add or list the news feeds Clarion watches."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Watch a new RSS or Atom feed.")
        add.add_argument("url")
        add.add_argument("--name", default="", help="Outlet name (default: the feed's title).")
        add.add_argument("--interval", type=int, default=15, help="Minutes between polls.")
        sub.add_parser("list", help="List feeds with their last success and error.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "add":
            try:
                feed = feed_add(
                    options["url"], name=options["name"], interval_minutes=options["interval"]
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self.stdout.write(
                self.style.SUCCESS(f"Watching {feed.url} every {feed.interval_minutes} minutes.")
            )
            return
        for feed in Feed.objects.all():
            state = "active" if feed.active else "paused"
            ok = feed.last_success_at.isoformat() if feed.last_success_at else "never"
            line = f"{feed.pk}\t{state}\t{feed.url}\tlast success: {ok}"
            if feed.consecutive_failures:
                line += f"\tfailing ({feed.consecutive_failures}): {feed.last_error}"
            self.stdout.write(line)
