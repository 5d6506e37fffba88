"""Settings shared by every environment. Environment-specific modules import from here."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
# The site's public address, e.g. https://schoolwell.example.org: emails link to it (they
# are read outside the app, so a relative link is useless). Production requires it.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "schoolwell.core",
    "schoolwell.accounts",
    "schoolwell.roster",
    "schoolwell.audit",
    "schoolwell.screening",
    "schoolwell.referrals",
    "schoolwell.alerts",
    "schoolwell.safety",
    "schoolwell.consent",
    "schoolwell.sel",
    "schoolwell.reports",
    "schoolwell.support",
    "schoolwell.lifecycle",
    "schoolwell.voice",
    "schoolwell.community",
    "schoolwell.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # PUT, PATCH, DELETE, TRACE never reach a page (core.middleware); the API is exempt.
    "schoolwell.core.middleware.SiteMethodsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second sign-in step?
    "django_otp.middleware.OTPMiddleware",
    # Before LoginRequiredMiddleware: an idle or over-age session is signed out first, so the
    # deny-by-default redirect to the sign-in page follows.
    "schoolwell.accounts.middleware.SessionLimitsMiddleware",
    # Deny by default: every view needs a signed-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ...and a verified second factor where one is required or enrolled (after the above).
    "schoolwell.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cache-Control: no-store on personal pages, Permissions-Policy on every response.
    "schoolwell.core.middleware.PrivacyHeadersMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

# DRF answers each endpoint's methods itself (a 405 for what a viewset does not offer).
HTTP_METHODS_EXEMPT_PREFIXES = ["/api/"]

ROOT_URLCONF = "schoolwell.urls"
WSGI_APPLICATION = "schoolwell.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "schoolwell" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schoolwell.accounts.context_processors.roles",
                "schoolwell.accounts.context_processors.session_limits",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if os.environ.get("REPORTS_DATABASE_URL"):
    # A read replica for the dashboards (schoolwell/reports/routing.py); tests read the
    # primary through it.
    DATABASES["reports"] = dj_database_url.parse(
        os.environ["REPORTS_DATABASE_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["schoolwell.reports.routing.ReportsReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under concurrent use ("database is locked" was a 500 on ordinary
    # pages): WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
    # when a transaction begins, so a writer waits (up to the busy timeout, in seconds) at
    # its start instead of failing when a read lock cannot be upgraded midway; NORMAL
    # synchronous is safe with WAL and spares an fsync per commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: nothing is public

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
# Behind reverse proxies every request comes from a proxy's address: with TRUSTED_PROXY_COUNT
# set to the number of proxies in front of the app, the client is the address the outermost
# proxy appended to X-Forwarded-For. 0 (the default) ignores the header, which a client could
# forge. (django-ipware is not installed, so axes' AXES_IPWARE_* settings would not apply.)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "schoolwell.accounts.client_ip.client_ip"

# Two-step sign-in (django-otp: TOTP app plus single-use recovery codes). When on, counsellors
# and school and district administrators must use it; anyone else may enrol. Production turns
# it on unless the environment says REQUIRE_2FA_FOR_STAFF=0; development and tests leave it off.
REQUIRE_2FA_FOR_STAFF = os.environ.get("REQUIRE_2FA_FOR_STAFF", "0") == "1"
OTP_TOTP_ISSUER = "SchoolWell"
# Failed codes double the wait before the next try: 1, 2, 4, 8 ... seconds per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
LOCALE_PATHS = [BASE_DIR / "schoolwell" / "locale"]
# One date format per language for the whole site (schoolwell/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["schoolwell.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "schoolwell" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the installed plotly package: dashboards never load it from a CDN.
    "schoolwell.reports.finders.PlotlyFinder",
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Roster imports (issue 10): a hostile file is refused within seconds and in bounded memory.
# Per zip member once uncompressed (a 50,000-student OneRoster district is ~100 MB in all),
# and for the whole zip; each member is counted as it is read, whatever its header says.
ROSTER_IMPORT_MAX_MEMBER_BYTES = int(
    os.environ.get("ROSTER_IMPORT_MAX_MEMBER_BYTES", 256 * 1024 * 1024)
)
ROSTER_IMPORT_MAX_TOTAL_BYTES = int(os.environ.get("ROSTER_IMPORT_MAX_TOTAL_BYTES", 1024**3))
# An XLSX template, all parts together: openpyxl holds its shared strings in memory.
ROSTER_IMPORT_MAX_WORKBOOK_BYTES = int(
    os.environ.get("ROSTER_IMPORT_MAX_WORKBOOK_BYTES", 64 * 1024 * 1024)
)
ROSTER_IMPORT_MAX_ROWS = int(os.environ.get("ROSTER_IMPORT_MAX_ROWS", 1_000_000))  # per file
ROSTER_IMPORT_MAX_SECONDS = int(os.environ.get("ROSTER_IMPORT_MAX_SECONDS", 300))  # check pass
# OneRoster zips from this size up are imported by a background job with progress
# (Celery); smaller ones, and the template, while the upload waits.
ROSTER_IMPORT_BACKGROUND_BYTES = int(os.environ.get("ROSTER_IMPORT_BACKGROUND_BYTES", 512 * 1024))
# A background import still running after this long has lost its worker.
ROSTER_IMPORT_JOB_MAX_MINUTES = int(os.environ.get("ROSTER_IMPORT_JOB_MAX_MINUTES", 60))
# Uploads (roster files) are streamed to disk past this size instead of held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000  # a class grid of 60 students × 20 items posts many fields

# Read from the cache, written through to the database: a signed-in request costs no session
# query, and sessions survive a cache that is emptied or does not answer.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A school day at most, counted from sign-in (never extended by activity)...
SESSION_COOKIE_AGE = 8 * 60 * 60
# ...and ended sooner after this many seconds without a request (0: never). The last-activity
# stamp in the session is rewritten at most once per SESSION_ACTIVITY_RESOLUTION seconds, so
# an active user costs one session write a minute, not one per page.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ACTIVITY_RESOLUTION = 60
SESSION_IDLE_WARNING = 2 * 60  # the page offers "Stay signed in" this long before the end
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): only our own origin; no inline script, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "SchoolWell <no-reply@schoolwell.example>"
)

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", None)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks (`celery -A schoolwell beat`): the referral overdue check and escalations.
CELERY_BEAT_SCHEDULE = {
    # Providers that have not acknowledged a referral out: remind its counsellor.
    "community-remind-providers": {
        "task": "schoolwell.community.tasks.loops_remind_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "referrals-check-overdue": {
        "task": "schoolwell.referrals.tasks.referrals_check_overdue",
        "schedule": 60.0,
    },
    # The alert outbox: send rows whose task was lost (broker down) or whose retry is due.
    "alerts-sweep": {"task": "schoolwell.alerts.tasks.deliveries_sweep_task", "schedule": 60.0},
    # One email a day for the people who chose a digest of routine alerts.
    "alerts-daily-digest": {
        "task": "schoolwell.alerts.tasks.digests_send_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Export files hold children's records: delete them once their download link expires.
    "reports-expire-exports": {
        "task": "schoolwell.reports.tasks.export_expire_task",
        "schedule": 15 * 60,
    },
    # An export whose worker died (or whose outcome the database refused) is marked failed.
    "reports-fail-stale-exports": {
        "task": "schoolwell.reports.tasks.export_fail_stale_task",
        "schedule": 5 * 60,
    },
    # The retention schedule: delete what has expired, log counts (lifecycle app).
    "lifecycle-retention": {
        "task": "schoolwell.lifecycle.tasks.retention_apply_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # A roster import job whose worker died is marked failed (its transaction rolled back).
    "roster-fail-stale-import-jobs": {
        "task": "schoolwell.roster.tasks.roster_import_jobs_fail_stale_task",
        "schedule": 5 * 60,
    },
}
# An export still running after this long has died (the largest takes a few minutes).
EXPORT_MAX_RUNNING_MINUTES = int(os.environ.get("EXPORT_MAX_RUNNING_MINUTES", 60))

# JSON bodies and fields (core.input): Python's parser recurses per level, so depth is
# bounded before parsing; the largest legitimate body is a class grid draft (~200 KB).
JSON_MAX_BYTES = int(os.environ.get("JSON_MAX_BYTES", 1024 * 1024))
JSON_MAX_DEPTH = int(os.environ.get("JSON_MAX_DEPTH", 32))

# Alert delivery: a failing row is retried after 30 s, 1 min, 2 min … and given up (then
# escalated to the next on-call counsellor and the administrators) after this many attempts.
ALERT_MAX_ATTEMPTS = int(os.environ.get("ALERT_MAX_ATTEMPTS", "6"))
ALERT_RETRY_BASE_SECONDS = float(os.environ.get("ALERT_RETRY_BASE_SECONDS", "30"))
# A row left "sending" longer than this (a worker died mid-send) is tried again.
ALERT_SENDING_LEASE_SECONDS = 600

REST_FRAMEWORK = {
    # Integration tokens first (their 401 names the scheme); the session, with CSRF, for
    # the app's own scripts.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "schoolwell.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "schoolwell.core.input.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "schoolwell.api.pagination.ApiPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["schoolwell.api.throttling.ApiRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "schoolwell.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "schoolwell.api.errors.api_exception_handler",
}
# Per token (or per signed-in user for session requests).
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "600/min")

SPECTACULAR_SETTINGS = {
    "TITLE": "SchoolWell API",
    "DESCRIPTION": (
        "Students, check-ins, screening, referrals, support plans, consent, SEL and exports "
        "of a district, under the same authorization as the pages. Authenticate with "
        "`Authorization: Token <key>` (tokens are issued by administrators) or the session. "
        'Every error has the body {"error": {"code", "message", "fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's static files: no CDN (CSP: 'self' only).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "schoolwell.referrals.models.referral.Status",
        "PlanStatusEnum": "schoolwell.support.models.PlanStatus",
        "ExportStatusEnum": "schoolwell.reports.models.Export.Status",
        "StudentCheckInChannelEnum": "schoolwell.voice.models.Channel",
        "ConsentChannelEnum": "schoolwell.consent.models.Channel",
        "DeliveryStatusEnum": "schoolwell.sel.models.DeliveryStatus",
        "WorkStatusEnum": [("in_progress", "In progress"), ("triage", "Triage")],
    },
}

# Development and tests: a per-process cache (production: shared Redis, settings/production.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The school and district dashboards' figures are cached per school this long (0: never); the
# services that change them move the school's version, so no one waits this long for their own
# change (core/figures.py). Roster and staff changes show within this time.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))

# Statistical outputs hide cells with fewer students than this (rule 7).
SMALL_CELL_THRESHOLD = int(os.environ.get("SMALL_CELL_THRESHOLD", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # Request logs would carry URLs and form data about children: keep them at WARNING.
    "loggers": {"django.request": {"level": "WARNING"}},
}
AXES_VERBOSE = False
