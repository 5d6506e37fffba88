import logging
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from schoolwell.core import demo
from schoolwell.core.registry import demo_steps


class Command(BaseCommand):
    help = "Build the demo district (idempotent) and print a login for each role."

    def handle(self, *args, **options):
        # Demo families and staff are fictional: their alerts and notices go nowhere, and the
        # eager tasks that would send them stay quiet.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        logging.getLogger("celery").setLevel(logging.WARNING)
        started = time.monotonic()
        district = demo.build_roster()
        for _, step in sorted(demo_steps, key=lambda item: item[0]):
            step(district, random.Random(demo.SEED), self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo district ready in {time.monotonic() - started:.1f} s.")
        )
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<14} {login.role:<22} {login.what}")
        if settings.REQUIRE_2FA_FOR_STAFF:
            self.stdout.write(
                "Two-step sign-in is ON (REQUIRE_2FA_FOR_STAFF=1): counsellor, schooladmin and "
                "districtadmin set up an authenticator app at their first sign-in."
            )
        else:
            self.stdout.write(
                "Two-step sign-in is off (REQUIRE_2FA_FOR_STAFF=0, the development default): "
                "the password alone signs these in. See README to turn it on."
            )
