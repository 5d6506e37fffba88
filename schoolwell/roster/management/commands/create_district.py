"""manage.py create_district CODE NAME — the first step of a fresh install (see README)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from schoolwell.roster.services import district_create


class Command(BaseCommand):
    help = "Create a district (CODE: a short slug such as riverside; NAME: its full name)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("name")
        parser.add_argument("--sourced-id", default=None, help="its OneRoster sourcedId, if known")

    @no_translations  # the operator's messages in English, whatever a caller activated
    def handle(self, *args, code, name, sourced_id, **options):
        try:
            district = district_create(code=code, name=name, sourced_id=sourced_id)
        except ValidationError as error:
            details = "; ".join(
                f"{field}: {' '.join(m)}" for field, m in error.message_dict.items()
            )
            raise CommandError(f"The district was not created: {details}") from None
        self.stdout.write(
            self.style.SUCCESS(f"District {district.code} ({district.name}) created.")
        )
