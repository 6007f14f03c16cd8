"""
RIS (the Research Information Systems tagged format) of a record, written from its CSL-JSON
item (citation.py).

A presentation is `SLIDE`, the RIS type that Zotero, EndNote and Mendeley read as a
presentation (talk); an event is `GEN`, RIS having no type for an event. `T2` carries the
event's title (Zotero's "meeting name"), `A2` the chair, `CY` the place, `DA` the date of the
event, `PY` the year the record was published, `Y2` the date the reader accessed it.
"""

TYPES = {"speech": "SLIDE", "event": "GEN"}


def name(csl_name):
    if "literal" in csl_name:
        return csl_name["literal"]
    return ", ".join(part for part in [csl_name["family"], csl_name.get("given", "")] if part)


def ris_date(csl_date):
    """RIS dates are YYYY/MM/DD/ (the last slash ends an empty "other" part)."""
    year, month, day = csl_date["date-parts"][0]
    return f"{year:04d}/{month:02d}/{day:02d}/"


def one_line(text):
    # A RIS value ends at the end of its line.
    return " ".join(str(text).split())


def tags(item):
    found = [("TY", TYPES[item["type"]])]
    for author in item.get("author", []):
        found.append(("AU", name(author)))
    found.append(("TI", item["title"]))
    if item.get("event-title"):
        found.append(("T2", item["event-title"]))
    for chair in item.get("chair", []):
        found.append(("A2", name(chair)))
    for organizer in item.get("organizer", []):
        found.append(("A4", name(organizer)))
    if item.get("genre"):
        found.append(("M3", item["genre"]))
    found.append(("DA", ris_date(item["event-date"])))
    found.append(("CY", item["event-place"]))
    if item.get("issued"):
        found.append(("PY", str(item["issued"]["date-parts"][0][0])))
    found.append(("PB", item["publisher"]))
    found.append(("UR", item["URL"]))
    if item.get("accessed"):
        found.append(("Y2", ris_date(item["accessed"])))
    found.append(("LA", item["language"]))
    if item.get("version"):
        found.append(("ET", item["version"]))
    return found


def record(item):
    lines = [f"{tag}  - {one_line(value)}" for tag, value in tags(item)]
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"
