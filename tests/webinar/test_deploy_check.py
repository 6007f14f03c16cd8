import os
import subprocess
import sys

from django.conf import settings

# What a production host sets (see .env.example); nothing here is silenced.
PRODUCTION_ENVIRONMENT = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "d3pl0y-check-" + "x7Kq9Lm2Vb8Nc4Zr6Tw1Yp5Hs3Jf0Gd" * 2,
    "DJANGO_ALLOWED_HOSTS": "records.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://records.example.org",
    "DJANGO_SITE_URL": "https://records.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_COOKIES": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
}


def run_environment(**overrides):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("PYTEST_CURRENT_TEST", "CACHE_URL")
    }
    environment.update(PRODUCTION_ENVIRONMENT, **overrides)
    return environment


def run_deploy_check(**overrides):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=run_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = run_deploy_check()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_https_redirect_is_off():
    result = run_deploy_check(DJANGO_SECURE_SSL_REDIRECT="false")

    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_refuses_a_process_local_cache():
    """Several workers with a per-process cache would each serve their own copy of a page
    after an edit: refused at start, with what to do instead."""
    result = run_deploy_check(CACHE_URL="locmemcache://")

    assert result.returncode != 0
    assert "CACHE_URL is a process-local cache" in result.stderr
    assert "Traceback" in result.stderr or "ImproperlyConfigured" in result.stderr


def test_production_default_cache_is_shared_by_every_worker_on_the_machine():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])",
        ],
        cwd=settings.BASE_DIR,
        env={**run_environment(), "DJANGO_CACHE_DIR": "/tmp/er-cache-probe"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.split()[-2:] == [
        "django.core.cache.backends.filebased.FileBasedCache",
        "/tmp/er-cache-probe",
    ], result.stderr
