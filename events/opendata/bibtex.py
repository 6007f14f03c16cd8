"""
BibTeX (biblatex fields) of a record, written from its CSL-JSON item (citation.py) so the
downloads carry the same facts as the Cite section.

Both kinds of record are `@misc` entries: BibTeX has no type for a talk or an event, and
`@misc` is what every reference manager imports without loss. The event's facts use
biblatex's names for them (`eventtitle`, `eventdate`, `venue`, `urldate`); the chair is an
`editor` with `editortype = {chair}`, as biblatex models it.
"""

import re

# Characters with a meaning in (La)TeX, escaped so a title is read back as written.
SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
SPECIAL_PATTERN = re.compile("|".join(re.escape(character) for character in SPECIAL))


def escape(text):
    return SPECIAL_PATTERN.sub(lambda match: SPECIAL[match.group()], " ".join(str(text).split()))


def name(csl_name):
    """“Family, Given”: BibTeX's unambiguous form, whatever order the name is written in; an
    organization in braces, so it is never split into a family and given name."""
    if "literal" in csl_name:
        return "{" + escape(csl_name["literal"]) + "}"
    parts = [escape(csl_name["family"])]
    if csl_name.get("given"):
        parts.append(escape(csl_name["given"]))
    return ", ".join(parts)


def names(csl_names):
    return " and ".join(name(csl_name) for csl_name in csl_names)


def iso_date(csl_date):
    """An EDTF date (biblatex's `date` fields): 2021-09-09, or 2021-09-09/2021-09-10."""
    return "/".join(
        "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(day))
        for day in csl_date["date-parts"]
    )


def citation_key(item):
    return re.sub(r"[^A-Za-z0-9-]+", ":", item["id"])


def fields(item):
    """(field, value) pairs of the entry, in the order a reader expects them."""
    found = []
    if item.get("author"):
        found.append(("author", names(item["author"])))
    found.append(("title", "{" + escape(item["title"]) + "}"))
    if item.get("genre"):
        found.append(("type", escape(item["genre"])))
    if item.get("event-title"):
        found.append(("eventtitle", escape(item["event-title"])))
    found.append(("eventdate", iso_date(item["event-date"])))
    found.append(("venue", escape(item["event-place"])))
    if item.get("chair"):
        found.append(("editor", names(item["chair"])))
        found.append(("editortype", "chair"))
    if item.get("organizer"):
        found.append(("organization", " and ".join(name(o) for o in item["organizer"])))
    found.append(("publisher", escape(item["publisher"])))
    if item.get("issued"):
        found.append(("date", iso_date(item["issued"])))
        found.append(("year", str(item["issued"]["date-parts"][0][0])))
    found.append(("url", item["URL"]))
    if item.get("accessed"):
        found.append(("urldate", iso_date(item["accessed"])))
    found.append(("langid", item["language"]))
    if item.get("version"):
        found.append(("version", escape(item["version"])))
    return found


def entry(item):
    lines = [f"@misc{{{citation_key(item)},"]
    lines += [f"  {field} = {{{value}}}," for field, value in fields(item)]
    lines.append("}")
    return "\n".join(lines) + "\n"
