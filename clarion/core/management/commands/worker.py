"""clarion worker: poll feeds, draft petitions, send mail, fold counts and run queued tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from clarion.core.jobs import discover as discover_jobs
from clarion.core.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background jobs until stopped (Ctrl-C or SIGTERM): poll due feeds, draft "
        "petitions from new stories, send queued mail, fold confirmations into signature "
        "counts, recount hourly, and run queued tasks, one at a time. Any number of workers "
        "may run, on one machine or several: they share one schedule and one queue."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run every job that is due and every queued task once, then exit (for cron).",
        )

    def handle(self, *args, **options) -> None:
        worker = Worker(discover_jobs(settings.CLARION_WORKER_TICK))
        if options["once"]:
            for name, count in worker.run_round().items():
                self.stdout.write(f"{name}: {count}")
            return
        worker.run_forever()
