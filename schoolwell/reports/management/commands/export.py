"""`manage.py export KIND --school CODE --out FILE.xlsx [--user USERNAME]`, for scripted use.

Runs synchronously. With --user, the export is that user's view of the school (the same
selectors as the pages; a superuser operator sees the whole school) and is logged as
disclosed to them. Every kind but the de-identified aggregates requires --user: a
disclosure always has a recipient. Without --user the aggregates cover the whole school.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from schoolwell.accounts.models import User
from schoolwell.reports.exports import KINDS, ExportFilters
from schoolwell.reports.exports.base import operator_scope, user_scope
from schoolwell.reports.services import export_write
from schoolwell.roster.models import School


class Command(BaseCommand):
    help = "Write an XLSX export for one school."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("--school", required=True, help="school code")
        parser.add_argument("--out", required=True, help="path of the .xlsx file to write")
        parser.add_argument("--user", help="username the export is disclosed to")
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD")

    def handle(self, *args, kind, school, out, user, date_from, date_to, **options):
        export_kind = KINDS[kind]
        school_obj = School.objects.filter(code=school).first()
        if school_obj is None:
            raise CommandError(f"No school with code {school!r}.")
        try:
            filters = ExportFilters.from_json(
                {"school": school_obj.pk, "date_from": date_from, "date_to": date_to}
            )
        except Exception as exc:
            raise CommandError("--from/--to must be dates (YYYY-MM-DD).") from exc
        if user:
            operator = User.objects.filter(username=user).first()
            if operator is None:
                raise CommandError(f"No user {user!r}.")
            if not export_kind.allowed_for(operator):
                raise CommandError(f"{user} has no role that may export {kind}.")
            scope = user_scope(operator, export_kind, filters)
            if not scope.schools.exists():
                raise CommandError(f"{user} cannot see school {school}.")
            requested_by = f"{operator.get_full_name() or operator.username} ({operator.username})"
        elif not export_kind.operator_ok:
            raise CommandError(f"{kind} is read through a user's view: --user is required.")
        else:
            scope = operator_scope(school_obj, filters)
            requested_by = "operator (manage.py export)"
        try:
            result = export_write(
                kind=export_kind,
                scope=scope,
                out=out,
                requested_by=requested_by,
                detail="manage.py export",
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        sheets = ", ".join(f"{name}: {n}" for name, n in result.row_counts.items())
        self.stdout.write(
            f"Wrote {result.rows} rows ({sheets}) to {out}; "
            f"{len(result.student_ids)} students logged."
        )
