from django.core.management.base import BaseCommand, CommandError

from schoolwell.sel.library import LibraryError, load_library


class Command(BaseCommand):
    help = "Load the CASEL competencies and the starter lesson library (idempotent, by slug)."

    def handle(self, *args, **options):
        try:
            competencies, lessons = load_library()
        except LibraryError as exc:
            raise CommandError(f"SEL library not loaded: {exc}") from exc
        self.stdout.write(f"SEL library: {competencies} competencies, {lessons} lessons loaded.")
