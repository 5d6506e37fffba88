from django.core.management.base import BaseCommand, CommandError

from schoolwell.screening.instruments import InstrumentDefinitionError
from schoolwell.screening.services import concern_tags_sync, crisis_plans_sync, instrument_sync


class Command(BaseCommand):
    help = (
        "Load instrument fixtures (each new code/version becomes a row; stored versions are "
        "never changed), default concern tags and default crisis plans. Idempotent."
    )

    def handle(self, *args, **options):
        try:
            rows = instrument_sync()
        except InstrumentDefinitionError as exc:
            raise CommandError(str(exc)) from exc
        tags = concern_tags_sync()
        plans = crisis_plans_sync()
        for row in rows:
            self.stdout.write(f"{row.code} {row.version}{'' if row.active else ' (retired)'}")
        self.stdout.write(f"{tags} concern tags added, {plans} crisis plans added")
