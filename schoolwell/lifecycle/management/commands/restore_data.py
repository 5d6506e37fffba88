import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schoolwell.lifecycle.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by backup_data."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *, path: Path, database: str, **options):
        started = time.monotonic()
        try:
            restore(path, database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored from {path} in {time.monotonic() - started:.2f} s")
