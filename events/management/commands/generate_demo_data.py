"""
Synthetic records for load tests and demonstrations: `manage.py generate_demo_data`.

Every record it makes is marked as demo data: slugs start with `demo-`, and every source is
titled “Demo data — not a real record”. It never touches the real records or fixtures. The
same seed gives the same records (timestamps of creation aside), so benchmarks are
repeatable.
"""

import datetime
import json
import random
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify

from events.cache.receivers import records_changed_in_bulk
from events.models import (
    Citation,
    Event,
    EventOrganization,
    KeyPoint,
    Presentation,
    Role,
    Source,
    Topic,
)
from events.search import documents as search_documents
from people.models import Organization, Person

PREFIX = "demo-"
MARKER_SLUG = "demo-data"
MARKER_TITLE = "Demo data — not a real record"
BATCH_SIZE = 2000

# The words the demo data is made of: names by script, cities, organization and title forms.
DEMO_WORDS = json.loads(
    (Path(__file__).resolve().parents[1] / "demo_data.json").read_text(encoding="utf-8")
)
LATIN_GIVEN = DEMO_WORDS["latin_given"]
LATIN_FAMILY = DEMO_WORDS["latin_family"]
CHINESE = [tuple(name) for name in DEMO_WORDS["chinese"]]
ARABIC = [tuple(name) for name in DEMO_WORDS["arabic"]]
CYRILLIC = [tuple(name) for name in DEMO_WORDS["cyrillic"]]
HONORIFICS = DEMO_WORDS["honorifics"]
CITIES = DEMO_WORDS["cities"]
TOP_LEVEL_KINDS = [(form, Organization.Kind(kind)) for form, kind in DEMO_WORDS["top_level_kinds"]]
UNIT_NAMES = DEMO_WORDS["unit_names"]
TOPICS = DEMO_WORDS["topics"]
EVENT_FORMS = DEMO_WORDS["event_forms"]
POSITIONS = DEMO_WORDS["positions"]
TALK_FORMS = DEMO_WORDS["talk_forms"]

ROLE_KINDS = [kind for kind, _ in Role.Kind.choices]
TIME_ZONES = ["UTC", "Asia/Shanghai", "Europe/Zurich", "America/New_York", "Africa/Nairobi"]
LANGUAGES = ["en", "en", "en", "zh", "fr", "es", "ar", "ru"]


class Progress:
    """A one-line progress bar on a terminal; silent otherwise (logs, CI, pipes)."""

    def __init__(self, stream, total, enabled):
        self.stream, self.total, self.enabled, self.done = stream, max(total, 1), enabled, 0

    def advance(self, step, label):
        self.done += step
        if self.enabled:
            filled = int(30 * self.done / self.total)
            bar = "#" * filled + "." * (30 - filled)
            self.stream.write(f"\r[{bar}] {100 * self.done // self.total:3d}% {label:<14}")
            self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def demo_records_exist():
    return Source.objects.filter(slug=MARKER_SLUG).exists()


def delete_demo_records():
    """Remove every demo record, leaves first, with set-based deletes."""
    events = Event.objects.filter(slug__startswith=PREFIX)
    KeyPoint.objects.filter(presentation__event__in=events).delete()
    Presentation.speakers.through.objects.filter(presentation__event__in=events).delete()
    Presentation.objects.filter(event__in=events).delete()
    Role.objects.filter(event__in=events).delete()
    Citation.objects.filter(event__in=events).delete()
    EventOrganization.objects.filter(event__in=events).delete()
    Event.topics.through.objects.filter(event__in=events).delete()
    Event.sources.through.objects.filter(event__in=events).delete()
    events.delete()
    Person.objects.filter(slug__startswith=PREFIX).delete()
    organizations = Organization.objects.filter(slug__startswith=PREFIX)
    organizations.update(parent=None)
    organizations.delete()
    Topic.objects.filter(slug__startswith=PREFIX).delete()
    Source.objects.filter(slug__startswith=PREFIX).delete()


class Command(BaseCommand):
    help = (
        "Create deterministic synthetic demo records (slugs start with “demo-”) for load tests "
        "and demonstrations. Refuses to run when demo records exist, unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=100, help="How many events.")
        parser.add_argument(
            "--people", type=int, default=None, help="How many people (default: 5 per event)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; same seed, same data."
        )
        parser.add_argument(
            "--replace", action="store_true", help="Delete existing demo records first."
        )
        parser.add_argument(
            "--delete", action="store_true", help="Only delete existing demo records."
        )
        parser.add_argument(
            "--draft-share",
            type=float,
            default=0.05,
            help="Share of events left as drafts, to exercise visibility (default 0.05).",
        )

    def handle(self, *args, events, people, seed, replace, delete, draft_share, **options):
        if delete:
            with transaction.atomic():
                delete_demo_records()
            self.stdout.write("Deleted the demo records.")
            return
        if events < 1:
            raise CommandError("--events must be at least 1.")
        people = people if people is not None else events * 5
        if people < 12:
            raise CommandError("--people must be at least 12 (an event may have 12 roles).")
        if demo_records_exist() and not replace:
            raise CommandError(
                "Demo records already exist. Run again with --replace to regenerate them, "
                "or --delete to remove them."
            )
        show_progress = options["verbosity"] > 0 and sys.stderr.isatty()
        progress = Progress(sys.stderr, events + people, show_progress)
        with transaction.atomic():
            if replace:
                delete_demo_records()
            counts = Generator(random.Random(seed), progress, draft_share).run(events, people, seed)
        progress.close()
        # Fresh planner statistics: without them PostgreSQL plans the new tables as if
        # empty until autovacuum gets round to them, and SQLite has none at all.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # Bulk inserts send no signals: retire every cached page by hand.
        records_changed_in_bulk()
        search_documents.rebuild_all_soon()
        if options["verbosity"] > 0:
            summary = ", ".join(f"{n} {name}" for name, n in counts.items())
            self.stdout.write(f"Created demo data (seed {seed}): {summary}.")


class Generator:
    def __init__(self, rng, progress, draft_share):
        self.rng = rng
        self.progress = progress
        self.draft_share = draft_share
        self.counts = {}

    def bulk(self, model, objects):
        created = model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        name = model._meta.verbose_name_plural
        self.counts[str(name)] = self.counts.get(str(name), 0) + len(created)
        return created

    def run(self, n_events, n_people, seed):
        Source.objects.create(
            slug=MARKER_SLUG,
            title=MARKER_TITLE,
            publisher="generate_demo_data",
            text="Records whose slugs start with “demo-” were generated by a program. "
            "None of their people, organizations, events or quotes are real.",
            # Read by bench/run.py to tell whether the data set it wants is already loaded.
            notes=f"Made by manage.py generate_demo_data with seed {seed}; {n_events} events; "
            f"{n_people} people. Delete with --delete.",
        )
        self.topics = self.make_topics()
        self.organizations = self.make_organizations(max(8, n_events // 25))
        self.people = self.make_people(n_people)
        self.make_events(n_events)
        return self.counts

    def make_topics(self):
        return self.bulk(
            Topic,
            [Topic(name=name, name_en=name, slug=f"{PREFIX}{slugify(name)}") for name in TOPICS],
        )

    def make_organizations(self, n_top):
        rng = self.rng
        tops = []
        for i in range(n_top):
            form, kind = rng.choice(TOP_LEVEL_KINDS)
            name = form.format(city=rng.choice(CITIES))
            short = "".join(word[0] for word in name.split() if word[0].isupper())[:8]
            tops.append(
                Organization(
                    name=name,
                    name_en=name,
                    short_name=short,
                    short_name_en=short,
                    slug=f"{PREFIX}{slugify(name)}-{i}",
                    kind=kind,
                    country=rng.choice(["", "CN", "KZ", "EG", "RU", "BR", "KE", "FR", "DE"]),
                )
            )
        tops = self.bulk(Organization, tops)
        units = []
        for i, top in enumerate(tops):
            for j, unit in enumerate(rng.sample(UNIT_NAMES, rng.randint(0, 3))):
                units.append(
                    Organization(
                        name=unit,
                        name_en=unit,
                        slug=f"{PREFIX}{slugify(unit)}-{i}-{j}",
                        kind=Organization.Kind.DIVISION,
                        parent=top,
                    )
                )
        units = self.bulk(Organization, units)
        return tops + units

    def make_person(self, i):
        rng = self.rng
        script = rng.random()
        honorific = rng.choice(HONORIFICS)
        if script < 0.55:
            given, family, native = rng.choice(LATIN_GIVEN), rng.choice(LATIN_FAMILY), ""
            order = Person.NameOrder.GIVEN_FIRST
        elif script < 0.75:
            # Family name from one pair and given name from another, characters to match.
            (_, family_chars, family), (given, given_chars, _) = rng.sample(CHINESE, 2)
            native = family_chars[0] + given_chars[1:]
            order = Person.NameOrder.FAMILY_FIRST
        elif script < 0.88:
            given, family, native = rng.choice(ARABIC)
            order = Person.NameOrder.GIVEN_FIRST
        else:
            given, family, native = rng.choice(CYRILLIC)
            order = Person.NameOrder.GIVEN_FIRST
        return Person(
            given_name=given,
            family_name=family,
            name_order=order,
            native_name=native,
            honorific=honorific,
            honorific_en=honorific,
            slug=f"{PREFIX}{slugify(f'{given} {family}')}-{i}",
        )

    def make_people(self, n):
        created = []
        for start in range(0, n, BATCH_SIZE):
            batch = [self.make_person(i) for i in range(start, min(n, start + BATCH_SIZE))]
            created += self.bulk(Person, batch)
            self.progress.advance(len(batch), "people")
        # Each person's organization at the time of their roles.
        return [(p, self.rng.choice(self.organizations)) for p in created]

    def make_events(self, n):
        for start in range(0, n, BATCH_SIZE // 4):
            self.make_event_batch(range(start, min(n, start + BATCH_SIZE // 4)))

    def make_event_batch(self, numbers):
        rng = self.rng
        plans = []
        for i in numbers:
            topic = rng.choice(self.topics)
            city = rng.choice(CITIES)
            title = rng.choice(EVENT_FORMS).format(topic=topic.name, city=city)
            title = title[0].upper() + title[1:]
            start = datetime.date(2005, 1, 1) + datetime.timedelta(days=rng.randrange(7850))
            end = start + datetime.timedelta(days=rng.choice([0, 0, 0, 1, 2]))
            timed = rng.random() < 0.6
            start_hour = rng.randint(8, 15)
            counted = rng.random() < 0.7
            published = rng.random() >= self.draft_share
            kind = rng.choice(Event.Kind.values)
            event = Event(
                title=title,
                title_en=title,
                slug=f"{PREFIX}{slugify(title)[:120]}-{i}",
                kind=kind,
                description=f"A {kind} on {topic.name.lower()} held in {city}.",
                description_en=f"A {kind} on {topic.name.lower()} held in {city}.",
                start_date=start,
                end_date=end,
                start_time=datetime.time(start_hour, rng.choice([0, 30])) if timed else None,
                end_time=datetime.time(start_hour + rng.randint(1, 3), 0) if timed else None,
                time_zone=rng.choice(TIME_ZONES) if timed else "",
                attendance_mode=rng.choice(Event.AttendanceMode.values),
                location=city,
                location_en=city,
                language=rng.choice(LANGUAGES),
                participant_count=rng.randint(12, 900) if counted else None,
                participant_count_qualifier=(
                    rng.choice(Event.CountQualifier.values)
                    if counted
                    else Event.CountQualifier.EXACTLY
                ),
                status=Event.Status.PUBLISHED if published else Event.Status.DRAFT,
                published_at=(
                    datetime.datetime.combine(end, datetime.time(12), tzinfo=datetime.UTC)
                    if published
                    else None
                ),
            )
            plans.append((i, event, topic, city))
        events = self.bulk(Event, [plan[1] for plan in plans])

        sources, topic_links, org_links, roles, presentations = [], [], [], [], []
        speaker_plans, key_point_plans, citations = [], [], []
        for (i, _, topic, city), event in zip(plans, events, strict=True):
            sentences = [f"The {event.kind} “{event.title}” took place on {event.start_date}."]
            chosen = rng.sample(self.people, rng.randint(3, 12))
            role_kinds = rng.choices(ROLE_KINDS, k=len(chosen))
            for order, ((person, organization), kind) in enumerate(
                zip(chosen, role_kinds, strict=True), start=1
            ):
                position = rng.choice(POSITIONS)
                sentence = f"{person.name}, {position}, {organization.name}, took part as {kind}."
                sentences.append(sentence)
                roles.append(
                    Role(
                        event=event,
                        person=person,
                        kind=kind,
                        position_title=position,
                        position_title_en=position,
                        organization=organization,
                        order=order,
                        quote=sentence if order % 2 else "",
                    )
                )
            for order in range(1, rng.randint(1, 8) + 1):
                title = rng.choice(TALK_FORMS).format(topic=topic.name.lower(), city=city)
                title = title[0].upper() + title[1:]
                sentence = f"Presentation {order} was titled “{title}”."
                sentences.append(sentence)
                presentations.append(
                    Presentation(
                        event=event,
                        title=title,
                        title_en=title,
                        slug=f"{order}-{slugify(title)[:140]}",
                        kind=Presentation.Kind.PRESENTATION,
                        order=order,
                        summary=f"On {topic.name.lower()} in {city}.",
                        summary_en=f"On {topic.name.lower()} in {city}.",
                        quote=sentence,
                    )
                )
                speaker_plans.append(
                    [p.pk for p, _ in rng.sample(chosen, rng.randint(1, min(2, len(chosen))))]
                )
                key_point_plans.append(
                    [
                        f"Point {k} on {topic.name.lower()}: evidence from {city}."
                        for k in range(1, rng.randint(0, 2) + 1)
                    ]
                )
            for order, organization in enumerate(rng.sample(self.organizations, rng.randint(1, 3))):
                org_links.append(
                    EventOrganization(
                        event=event,
                        organization=organization,
                        part=EventOrganization.Part.HOST
                        if order == 0
                        else rng.choice(EventOrganization.Part.values[1:]),
                        order=order,
                    )
                )
            topic_links.append(Event.topics.through(event=event, topic=topic))
            extra = rng.choice(self.topics)
            if extra.pk != topic.pk:
                topic_links.append(Event.topics.through(event=event, topic=extra))
            sources.append(
                Source(
                    title=f"{MARKER_TITLE}: programme {i}",
                    slug=f"{PREFIX}source-{i}",
                    publisher="generate_demo_data",
                    text=" ".join(sentences),
                )
            )
            citations.append((event, sentences[0]))

        sources = self.bulk(Source, sources)
        for (event, _), source in zip(citations, sources, strict=True):
            event._demo_source = source
        self.bulk(
            Event.sources.through,
            [Event.sources.through(event=e, source=e._demo_source) for e, _ in citations],
        )
        self.bulk(
            Citation,
            [
                Citation(event=e, fact=Citation.Fact.DATE, source=e._demo_source, quote=sentence)
                for e, sentence in citations
            ],
        )
        for role in roles:
            role.source = role.event._demo_source if role.quote else None
        for presentation in presentations:
            presentation.source = presentation.event._demo_source
        self.bulk(Topic.events.through, topic_links)
        self.bulk(EventOrganization, org_links)
        self.bulk(Role, roles)
        presentations = self.bulk(Presentation, presentations)
        speakers, key_points = [], []
        for presentation, person_ids, points in zip(
            presentations, speaker_plans, key_point_plans, strict=True
        ):
            speakers += [
                Presentation.speakers.through(presentation=presentation, person_id=pk)
                for pk in person_ids
            ]
            key_points += [
                KeyPoint(presentation=presentation, order=k, text=text, text_en=text)
                for k, text in enumerate(points, start=1)
            ]
        self.bulk(Presentation.speakers.through, speakers)
        self.bulk(KeyPoint, key_points)
        self.progress.advance(len(events), "events")
