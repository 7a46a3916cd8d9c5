from django.core.management.base import BaseCommand

from clarion.petitions.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of petitions from the database."

    def handle(self, *args, **options) -> None:
        count = rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} petitions."))
