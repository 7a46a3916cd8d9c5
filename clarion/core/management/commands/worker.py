"""clarion worker: poll feeds, draft petitions from stories and send mail, until stopped."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from clarion.core.worker import Worker, default_jobs


class Command(BaseCommand):
    help = (
        "Run the background jobs: poll due feeds, draft petitions from new stories, "
        "send queued mail and recount signatures. Stop with Ctrl-C or SIGTERM."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Run every job once and exit (for cron)."
        )

    def handle(self, *args, **options) -> None:
        tick = settings.CLARION_WORKER_TICK
        worker = Worker(default_jobs(tick), tick)
        if options["once"]:
            for name, count in worker.run_round().items():
                self.stdout.write(f"{name}: {count}")
            return
        worker.run_forever()
