"""manage.py generate_district --schools N --students M --days D [--seed S] [--code CODE]"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from schoolwell.core.generator import district_generate
from schoolwell.roster.models import District


class Command(BaseCommand):
    help = (
        "Generate a realistic district (roster, daily check-ins, screening, referrals, "
        "consent, SEL, support plans, the risk pathway, alert deliveries) for benchmarks; "
        "deterministic by seed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--schools", type=int, required=True)
        parser.add_argument("--students", type=int, required=True)
        parser.add_argument("--days", type=int, required=True, help="school days of check-ins")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--code", default="generated", help="the new district's code")

    def handle(self, *args, **options) -> None:
        if options["schools"] < 1 or options["students"] < options["schools"]:
            raise CommandError("Give at least one school and one student per school.")
        if options["days"] < 0:
            raise CommandError("--days cannot be negative.")
        if District.objects.filter(code=options["code"]).exists():
            raise CommandError(f"District {options['code']} exists; choose another --code.")
        started = time.perf_counter()
        counts = district_generate(
            code=options["code"],
            schools=options["schools"],
            students=options["students"],
            days=options["days"],
            seed=options["seed"],
        )
        for kind, count in counts.items():
            self.stdout.write(f"{kind:<20} {count}")
        self.stdout.write(f"generated in {time.perf_counter() - started:.1f} s")
