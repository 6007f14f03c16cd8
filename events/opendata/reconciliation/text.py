"""Names and words: how a query's text is compared with a record's."""

from difflib import SequenceMatcher

from django.conf import settings
from django.db.models import Q
from modeltranslation.utils import build_localized_fieldname

from people.models import normalise_name

SCHEMA_ORG = "https://schema.org/"
DEFAULT_LIMIT = 5
MAX_LIMIT = 25
MAX_QUERIES = 50
# Below this a candidate is noise rather than a lead.
MIN_SCORE = 40
# Rows read per query before scoring: names are narrowed in the database first, by the start
# of each word, so that a query costs the same at 100 or 100,000 events.
CANDIDATE_POOL = 60
# Rows matched by name before visibility is checked on them.
NAME_POOL = 300
# Words that stand before a name without being part of it ("Professor Yijia Jing").
# "He" is left out: it is a family name as often as part of "H.E.".
HONORIFICS = frozenset(
    ["professor", "prof", "dr", "doctor", "mr", "mrs", "ms", "miss", "sir", "dame", "excellency"]
)


def site_address(path=""):
    return settings.SITE_URL + path


def localized(field_name):
    return [build_localized_fieldname(field_name, code) for code, _ in settings.LANGUAGES]


def words_of(text):
    return normalise_name(text).split()


def without_honorifics(text):
    return " ".join(word for word in words_of(text) if word not in HONORIFICS)


def similarity(query, name):
    """0–1: how alike two names read, word order, case, accents and honorifics aside. A query
    whose every word is in the name ("Advancing SMART Cities") scores high, never 1."""
    a, b = without_honorifics(query), without_honorifics(name)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    query_words, name_words = set(a.split()), set(b.split())
    contained = len(query_words & name_words) / len(query_words)
    return min(max(SequenceMatcher(None, a, b).ratio(), 0.85 * contained), 0.99)


def narrowing(fields, words, every=True):
    """Rows whose fields contain the start of the query's words (accent-free, lower case): a
    cheap first cut in the database, scored properly afterwards. With `every`, each word must
    be found (in any field), which keeps namesakes of one word out at 50,000 people."""
    condition = Q()
    for word in words:
        if word in HONORIFICS:
            continue
        stem = word[:4]
        found = Q()
        for name in fields:
            found |= Q(**{f"{name}__icontains": stem})
        condition = (condition & found) if every else (condition | found)
    return condition


def narrowed(rows, shown, fields, text, order):
    """Candidates for a query, in two cheap steps: the rows whose names have every word
    (only if none, any word: a sheet may misspell one), then which of those the public may
    see (`shown`, a condition checked on those few rows only, not on the whole table)."""
    words = words_of(text)

    def pick(condition):
        named = rows.filter(condition).order_by(*order).values_list("pk", flat=True)
        ids = list(named[:NAME_POOL])
        return list(rows.filter(shown, pk__in=ids).order_by(*order)[:CANDIDATE_POOL])

    found = pick(narrowing(fields, words))
    if not found and len(words) > 1:
        found = pick(narrowing(fields, words, every=False))
    return found


def as_values(value):
    """A property value from a query as a list of strings (ids or names)."""
    values = value if isinstance(value, list) else [value]
    found = []
    for item in values:
        if isinstance(item, dict):
            found.append(str(item.get("id") or item.get("name") or ""))
        elif isinstance(item, bool):
            found.append("true" if item else "false")
        else:
            found.append(str(item))
    return [item.strip() for item in found if item.strip()]


# Follows an organization up to its top body in the same query (trees are at most five deep).
