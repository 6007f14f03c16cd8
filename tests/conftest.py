import pytest
from django.core.management import call_command

from events.models import Event

SHANGHAI_SLUG = "advancing-smart-cities-2021-09-09"


@pytest.fixture
def shanghai(db):
    """The Shanghai webinar record, loaded from its fixture as a reader would meet it."""
    call_command("loaddata", "shanghai_webinar", verbosity=0)
    return Event.objects.get(slug=SHANGHAI_SLUG)


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with no cached pages: a rolled-back test leaves no record change
    behind to retire the pages it cached."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
