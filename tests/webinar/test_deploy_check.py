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


def run_deploy_check(**overrides):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "PYTEST_CURRENT_TEST"
    }
    environment.update(PRODUCTION_ENVIRONMENT, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
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
