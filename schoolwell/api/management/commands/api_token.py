"""manage.py api_token USERNAME [--days N] [--school CODE ...] [--name NAME]

Issues an integration token for the user and prints its key, once: only its hash is kept.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from schoolwell.accounts.models import User
from schoolwell.api.services import api_token_issue
from schoolwell.roster.models import School


class Command(BaseCommand):
    help = "Issue an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=90, help="Days until it expires (1-366).")
        parser.add_argument(
            "--school",
            action="append",
            default=[],
            metavar="CODE",
            help="Narrow the token to this school (repeat for more); default: all of the user's.",
        )
        parser.add_argument("--name", default="Command line", help="What the token is for.")

    def handle(self, *args, username, days, school, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        schools = list(School.objects.filter(code__in=school))
        missing = set(school) - {s.code for s in schools}
        if missing:
            raise CommandError(f"No school with code {', '.join(sorted(missing))}.")
        try:
            token, key = api_token_issue(user=user, name=name, schools=schools, days=days)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(key)
        self.stderr.write(
            f"Token {token.prefix}… for {username}, expires {token.expires_at:%Y-%m-%d}. "
            "Send it as: Authorization: Token <key>. It will not be shown again."
        )
