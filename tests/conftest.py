import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from events.models import Event

SHANGHAI_SLUG = "advancing-smart-cities-2021-09-09"


@pytest.fixture
def shanghai(db):
    """The Shanghai webinar record, loaded from its fixture as a reader would meet it."""
    call_command("loaddata", "shanghai_webinar", verbosity=0)
    return Event.objects.get(slug=SHANGHAI_SLUG)


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Passwords hashed by a cheap hasher: the production one's million rounds cost 0.4–0.7 s
    on this project's 2-core machines for each user a test makes (pytest-django's admin_user
    among them, about 300 tests) and each sign-in. What the tests check of passwords (the
    validators, the lockout, a restore's round trip) holds with any hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_until_a_test_says_otherwise():
    """A request activates its language in the test's thread and Django leaves it active
    after the response; reset it so that one test's Chinese page cannot change the next
    test's reverse() or record text."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with no cached pages: a rolled-back test leaves no record change
    behind to retire the pages it cached."""
    from django.core.cache import cache

    from events.cache.generation import durable

    cache.clear()
    # The database's part of the generation, as if just read (see tests/environment.py).
    durable.values, durable.checked = ("test", "test", "test"), time.monotonic()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def downloads_in_a_folder_of_their_own(settings, tmp_path):
    """Built downloads and dumps go to a folder per test, and a change that commits builds them at
    once (the immediate task backend), so no test reads another test's files."""
    settings.DATA_DOWNLOADS_DIR = tmp_path / "downloads"
    settings.DATA_DUMPS_DIR = tmp_path / "dumps"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "public-counts"],
        }
    }
