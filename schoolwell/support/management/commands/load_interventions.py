from django.core.management.base import BaseCommand, CommandError

from schoolwell.support.catalogue import CatalogueError, interventions_sync


class Command(BaseCommand):
    help = "Load the support intervention catalogue from fixtures/support (idempotent, by code)."

    def handle(self, *args, **options):
        try:
            count = interventions_sync()
        except CatalogueError as exc:
            raise CommandError(f"Interventions not loaded: {exc}") from exc
        self.stdout.write(f"Support interventions: {count} loaded.")
