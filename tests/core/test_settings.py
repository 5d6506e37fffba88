"""Production settings read the environment and refuse to start insecurely."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update(DJANGO_SETTINGS_MODULE="schoolwell.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="schools.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_site_url():
    # Alert emails link to the site from outside it: a relative link would be useless.
    result = run_manage(
        "check",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-1234567890",
        ALLOWED_HOSTS="schools.example.org",
    )
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_production_check_deploy_is_clean():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-1234567890",
        ALLOWED_HOSTS="schools.example.org",
        SITE_URL="https://schools.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_cache_is_shared_redis_from_the_environment():
    # Every gunicorn worker and machine shares one cache (scopes, dashboard figures).
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; c = settings.CACHES['default'];"
        " print(c['BACKEND'], c['LOCATION'])",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-1234567890",
        ALLOWED_HOSTS="schools.example.org",
        SITE_URL="https://schools.example.org",
        CACHE_URL="redis://cache.internal:6379/5",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "schoolwell.core.cache.ForgivingRedisCache",
        "redis://cache.internal:6379/5",
    ]


def test_production_sessions_are_cached_briefly_in_redis():
    # A sign-out whose cache delete Redis missed must not keep the session usable for hours.
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; from django.core.cache import caches;"
        " print(settings.SESSION_ENGINE, caches[settings.SESSION_CACHE_ALIAS].max_timeout)",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-1234567890",
        ALLOWED_HOSTS="schools.example.org",
        SITE_URL="https://schools.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.contrib.sessions.backends.cached_db",
        "300",
    ]
