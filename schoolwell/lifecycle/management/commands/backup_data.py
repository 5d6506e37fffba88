import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schoolwell.lifecycle.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database to PATH (PostgreSQL: pg_dump -Fc; SQLite: online backup)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *, path: Path, database: str, **options):
        started = time.monotonic()
        try:
            backup(path, database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        self.stdout.write(
            f"backed up to {path} ({size} bytes) in {time.monotonic() - started:.2f} s"
        )
