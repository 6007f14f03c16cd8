"""
Print, as JSON, the events each of 20 searches finds (in the order the list shows them), so
that two versions of the search can be compared on the same database:

    DATABASE_URL=… python bench/search_sets.py > before.json
    (change the search)
    DATABASE_URL=… python bench/search_sets.py > after.json
    python bench/search_sets.py --compare before.json after.json

Words of event titles, people's and organizations' names drawn as the bench's search mix
draws them, and fixed ones: several words, a parent organization, Chinese, words of one or
two letters, punctuation, and words found nowhere.
"""

import json
import os
import sys
import time
from pathlib import Path

FIXED = [
    "urban",
    "smart city",
    "digital transformation",
    "university",
    "institute",
    "un",
    "a",
    "e-government",
    "城市",
    "上海",
    "data 2021",
    "no such words anywhere",
]


def compare(before_file, after_file):
    before = json.loads(Path(before_file).read_text())
    after = json.loads(Path(after_file).read_text())
    same = 0
    for query, found in before["found"].items():
        other = after["found"].get(query)
        if other is None:
            print(f"{query!r}: not asked after")
            continue
        if sorted(found) != sorted(other):
            print(f"{query!r}: {len(found)} before, {len(other)} after, different events")
        elif found != other:
            print(f"{query!r}: same {len(found)} events, in another order")
            same += 1
        else:
            same += 1
    print(f"{same} of {len(before['found'])} searches find the same events")
    return same == len(before["found"])


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")
    import django

    django.setup()
    from bench.pages import search_terms
    from events.models import Event

    queries = search_terms(count=8) + FIXED
    found, seconds = {}, {}
    for query in queries:
        started = time.perf_counter()
        found[query] = list(Event.objects.published().search(query).values_list("pk", flat=True))
        seconds[query] = round(time.perf_counter() - started, 4)
    json.dump({"found": found, "seconds": seconds}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        sys.exit(0 if compare(*sys.argv[2:4]) else 1)
    main()
