from django.core.management.base import BaseCommand

from clarion.petitions import replica
from clarion.petitions.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of petitions from the database."

    def handle(self, *args, **options) -> None:
        count = rebuild_index()
        # On PostgreSQL this machine's copy follows at once; other machines' copies are
        # built again by their next search.
        replica.prepare()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} petitions."))
