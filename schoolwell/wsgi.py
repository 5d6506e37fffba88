import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings.production")

application = get_wsgi_application()

# The ~150,000 objects the app holds for its whole life (modules, models, URL patterns)
# moved out of the collector's reach: otherwise every full collection walks them all, which
# cost a dashboard request 100-130 ms CPU every few requests (its p95). Each gunicorn worker
# imports this module itself, so each freezes its own objects.
get_resolver().url_patterns  # noqa: B018  (loaded now, to be frozen with the rest)
gc.freeze()
