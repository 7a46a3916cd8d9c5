from django.core.management.base import BaseCommand

from clarion.petitions.counts import recount_all


class Command(BaseCommand):
    help = "Recount every petition's signatures from the confirmed signatures."

    def handle(self, *args, **options) -> None:
        fixed = recount_all()
        self.stdout.write(self.style.SUCCESS(f"Recounted; {fixed} counts were corrected."))
