"""Production: everything comes from the environment; refuses to start without a secret."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment for production.")
if not SITE_URL:  # noqa: F405
    raise ImproperlyConfigured(
        "SITE_URL must be set in the environment for production (e.g. https://schools.example.org)."
    )

DEBUG = False
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe the app processes directly over plain HTTP; the probe carries no data.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# Staff who read suicide-risk data sign in with a second factor unless explicitly turned off.
REQUIRE_2FA_FOR_STAFF = os.environ.get("REQUIRE_2FA_FOR_STAFF", "1") == "1"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"

# One cache shared by every gunicorn worker and machine (access scopes, dashboard figures):
# Redis, a different database number from the Celery broker's. Unreachable Redis is a miss.
CACHES = {
    "default": {
        "BACKEND": "schoolwell.core.cache.ForgivingRedisCache",
        "LOCATION": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/2"),
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "schoolwell"),
        # A Redis that does not answer costs a request a fraction of a second, not a hang.
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    }
}
# Sessions in the same Redis, each entry kept at most 5 minutes: a sign-out whose cache delete
# Redis missed stops counting by then (the database row is gone at once).
CACHES["sessions"] = CACHES["default"] | {"MAX_TIMEOUT": 5 * 60}
SESSION_CACHE_ALIAS = "sessions"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
