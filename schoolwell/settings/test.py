"""Settings for the test suite: eager tasks, fast hashing, in-memory email."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SITE_URL = "http://testserver"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# runserver / the test client serve static files themselves; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
# Tests turn these on where they test them (the environment must not change the suite).
REQUIRE_2FA_FOR_STAFF = False
TRUSTED_PROXY_COUNT = 0
# Most tests write inside a transaction that never commits, so a figures version moved on
# commit would not move: dashboards are cached only in the tests of that cache.
DASHBOARD_CACHE_SECONDS = 0
