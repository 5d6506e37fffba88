from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schoolwell.sel.library import FIXTURES, LibraryError, load_library


class Command(BaseCommand):
    help = "Load the CASEL competencies and the starter lesson library (idempotent, by slug)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, default=FIXTURES, help="holds competencies.json, lessons.json"
        )

    def handle(self, *args, **options):
        try:
            competencies, lessons = load_library(options["directory"])
        except LibraryError as exc:
            raise CommandError(f"SEL library not loaded: {exc}") from exc
        self.stdout.write(f"SEL library: {competencies} competencies, {lessons} lessons loaded.")
