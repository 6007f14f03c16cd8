"""Event search: PostgreSQL full-text search with its GIN indexes, the substring fallback."""

import pytest
from django.db import connection

from events.models import Event, KeyPoint, Presentation, Role, Topic
from events.search import StoredSearchVector, full_text_search
from people.models import Organization, Person
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search and its GIN indexes exist only on PostgreSQL",
)


def titles(queryset):
    return [event.title for event in queryset]


def test_search_finds_each_kind_of_record():
    by_title = EventFactory(title="Harbour logistics forum")
    by_presentation = PresentationFactory(title="Harbour dredging costs").event
    by_person = RoleFactory(person=PersonFactory(family_name="Harbourmaster")).event
    by_organization = EventOrganizationFactory(
        organization=OrganizationFactory(name="Harbour Authority")
    ).event
    EventFactory(title="Unrelated budget hearing")
    EventFactory(draft=True, title="Harbour secret draft")

    found = set(Event.objects.published().search("harbour"))

    assert found == {by_title, by_presentation, by_person, by_organization}


def test_search_needs_every_word():
    wanted = EventFactory(title="Harbour logistics forum")
    EventFactory(title="Harbour budget hearing")

    assert list(Event.objects.published().search("harbour logistics")) == [wanted]


def test_search_finds_a_chinese_title():
    event = EventFactory(title_en="Smart cities", title_zh_hans="智慧城市与数字化转型")
    EventFactory(title_en="Budget hearing")

    assert list(Event.objects.published().search("数字化")) == [event]


def test_search_finds_a_chinese_name():
    event = RoleFactory(person=PersonFactory(native_name="王小明")).event

    assert list(Event.objects.published().search("小明")) == [event]


def test_search_of_punctuation_only_finds_nothing():
    EventFactory(title="Harbour logistics forum")

    assert list(Event.objects.published().search("%")) == []


@postgresql_only
def test_full_text_search_ranks_title_matches_first():
    in_description = EventFactory(title="Annual meeting", description="On harbour works.")
    in_title = EventFactory(title="Harbour works")

    assert titles(Event.objects.published().search("harbour")) == [
        in_title.title,
        in_description.title,
    ]


@postgresql_only
def test_full_text_search_matches_word_prefixes():
    event = EventFactory(title="Urbanisation and water")

    assert list(Event.objects.published().search("urban wat")) == [event]


@postgresql_only
def test_full_text_search_sees_the_chinese_columns_of_separate_words():
    event = EventFactory(title_en="Smart cities", title_zh_hans="智慧 城市")

    assert list(full_text_search(Event.objects.published(), ["城市"])) == [event]


@postgresql_only
@pytest.mark.parametrize(
    "model",
    [Event, Presentation, KeyPoint, Role, Person, Organization, Topic],
    ids=lambda model: model.__name__,
)
def test_full_text_search_uses_the_gin_indexes(model):
    from django.contrib.postgres.search import SearchQuery

    for _ in range(30):
        RoleFactory(event=PresentationFactory().event)
    wanted = SearchQuery("'harbour':*", search_type="raw", config="simple")
    query = model.objects.alias(vector=StoredSearchVector()).filter(vector=wanted)
    sql, params = query.query.sql_with_params()

    with connection.cursor() as cursor:
        # Only a bitmap scan of the GIN index is left to the planner; a full scan of a
        # B-tree index (plain or index-only) could otherwise win on a small table.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert f"{model._meta.db_table}_search" in plan
