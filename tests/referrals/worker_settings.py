"""Settings for the real Celery worker started by test_alert_worker.py: the test's own
PostgreSQL database (DATABASE_URL), not eager, and email written to files the test reads."""

import os

from schoolwell.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["SCHOOLWELL_TEST_MAIL_DIR"]
