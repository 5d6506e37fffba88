from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from schoolwell.roster.importing import (
    ImportRejected,
    roster_import_oneroster,
    roster_import_template,
)
from schoolwell.roster.importing.first_run import district_from_oneroster
from schoolwell.roster.models import District, School

TEMPLATE_SUFFIXES = {".xlsx", ".csv"}


class Command(BaseCommand):
    help = (
        "Import a roster: a OneRoster 1.1 CSV zip into a district, or the SchoolWell "
        "template (.xlsx/.csv) into a school. A bad file changes nothing and exits with 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--district",
            help="district code (OneRoster; optional if only one; with none yet, the file's "
            "orgs.csv district is created)",
        )
        parser.add_argument("--school", help="school code (required for the template)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, then roll back"
        )

    @no_translations  # the operator's messages in English, whatever a caller activated
    def handle(self, *args, path: Path, district, school, dry_run, **options):
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            if path.suffix.lower() in TEMPLATE_SUFFIXES:
                result = roster_import_template(
                    path=path, school=self._school(school), by=None, dry_run=dry_run
                )
            else:
                with transaction.atomic():  # a district created here goes if the file fails
                    result = roster_import_oneroster(
                        path=path,
                        district=self._district(district, school, path),
                        by=None,
                        dry_run=dry_run,
                    )
                    if dry_run:
                        transaction.set_rollback(True)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            if rejected.not_shown:
                self.stderr.write(f"… and {rejected.not_shown} more error(s) not shown.")
            raise CommandError(
                f"{rejected.total} error(s): the file was rejected and nothing was imported.",
                returncode=2,
            ) from None
        self.stdout.write(
            f"{'kind':<22}{'created':>9}{'updated':>9}{'deactivated':>13}{'unchanged':>11}"
            f"{'absent':>8}"
        )
        for _name, label, counts in result.rows():
            absent = "-" if counts.absent is None else counts.absent
            self.stdout.write(
                f"{label!s:<22}{counts.created:>9}{counts.updated:>9}{counts.deactivated:>13}"
                f"{counts.unchanged:>11}{absent!s:>8}"
            )
        done = "Dry run: nothing was saved." if dry_run else "Roster imported."
        self.stdout.write(self.style.SUCCESS(done))

    def _school(self, code: str | None) -> School:
        if not code:
            raise CommandError("--school CODE is required to import the template.")
        found = School.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"No school with code {code!r}.")
        return found

    def _district(self, code: str | None, school_code: str | None, path: Path) -> District:
        if school_code and not code:
            return self._school(school_code).district
        if code:
            found = District.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"No district with code {code!r}.")
            return found
        districts = list(District.objects.all()[:2])
        if not districts:
            # First run: the file's orgs.csv names the district.
            district = district_from_oneroster(path=path)
            self.stdout.write(f"District {district.code} ({district.name}) created from orgs.csv.")
            return district
        if len(districts) != 1:
            raise CommandError("--district CODE is required (there is more than one district).")
        return districts[0]
