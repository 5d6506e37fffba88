"""The Celery application: alerts, exports and periodic escalations run here.

In the embedded default and in tests tasks run eagerly (CELERY_TASK_ALWAYS_EAGER);
production points CELERY_BROKER_URL at Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings.dev")

app = Celery("schoolwell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
