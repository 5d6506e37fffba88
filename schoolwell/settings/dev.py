"""The embedded default: SQLite, eager tasks, console email, DEBUG on."""

from .base import *  # noqa: F403

DEBUG = True
# Development only; production refuses to start without SECRET_KEY in the environment.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]  # noqa: F405
SITE_URL = SITE_URL or "http://127.0.0.1:8000"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
# runserver / the test client serve static files themselves; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
