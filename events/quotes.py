"""
Quoted passages matched to the text of their source.

A passage pasted from a web page or typed by hand often differs from the source only in
typography: straight quote marks where the source has curly ones, a hyphen for an en dash, a
non-breaking space, a line break in the middle of a sentence. `locate` finds such a passage
in the source and returns the source's own characters with their offsets, so that what is
stored is what the source says, and a later edit of the source can be checked against it.
A passage that differs in words is not found; `closest_passage` then shows where the source
comes nearest and which characters differ.
"""

import difflib
import functools
import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

# Characters read as the same when matching a quote to its source.
EQUIVALENT = {
    **dict.fromkeys('"“”„‟«»〝〞＂', '"'),
    **dict.fromkeys("'‘’‚‛′`´＇", "'"),
    **dict.fromkeys("-‐‑‒–—―−﹣－", "-"),
}
# Zero-width characters that a copy from a web page may carry along: ignored.
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Passage:
    """A stretch of a source's text: its own characters and where they are."""

    text: str
    start: int
    end: int


def plain_line_breaks(text):
    """The text with every line break one newline: a browser sends a textarea's breaks as
    CR LF and shows them as LF, so offsets counted in the page match the stored text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Each character class and what it folds to; three substitutions cost far less than
# str.translate, which looks every character up.
FOLDS = [
    (re.compile("[" + re.escape("".join(sorted(variants))) + "]"), folded_to)
    for folded_to in sorted(set(EQUIVALENT.values()))
    if (variants := {k for k, v in EQUIVALENT.items() if v == folded_to and k != v})
]
# What folding changes: a run of white space and invisible characters, a white space other
# than a plain space, an invisible character. A plain space between words is kept as it is.
# Every character str.isspace() calls white space, spelled out: a regular expression's \s
# means the same characters but matches three times slower.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_INVISIBLE = "".join(sorted(INVISIBLE))
GAPS = re.compile(
    f"[{re.escape(WHITE_SPACE + _INVISIBLE)}]{{2,}}"
    f"|[{re.escape(WHITE_SPACE.replace(' ', '') + _INVISIBLE)}]"
)
SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=64)
def folded(text):
    """The text with typographic variants folded and every run of white space made one
    space, and, for each character of the result, its offset in `text`. Kept for the last
    few texts: checking each quote of a source folds the same source text again.

    Worked a stretch at a time (the characters between gaps are copied whole), since a
    loop over every character of a long source took most of an import's time."""
    characters, offsets, position = [], [], 0
    for gap in GAPS.finditer(text):
        start, end = gap.span()
        characters.append(text[position:start])
        offsets.extend(range(position, start))
        space = SPACE.search(text, start, end)
        if space:
            characters.append(" ")
            offsets.append(space.start())
        position = end
    characters.append(text[position:])
    offsets.extend(range(position, len(text)))
    result = "".join(characters)
    for variants, folded_to in FOLDS:
        result = variants.sub(folded_to, result)
    return result, tuple(offsets)


def locate(quote, text, near=None):
    """The passage of `text` that `quote` reproduces, ignoring differences of quote marks,
    apostrophes, dashes, spaces and line breaks; None if the words differ.

    Where the passage occurs more than once, the occurrence starting nearest `near` (an
    offset in `text`, such as where it was found before) is taken, else the first."""
    wanted, _offsets = folded(quote)
    wanted = wanted.strip()
    if not wanted:
        return None
    haystack, offsets = folded(text)
    starts = []
    found = haystack.find(wanted)
    while found != -1:
        starts.append(found)
        if near is None:
            break
        found = haystack.find(wanted, found + 1)
    if not starts:
        return None
    if near is not None:
        found = min(starts, key=lambda index: abs(offsets[index] - near))
    else:
        found = starts[0]
    start = offsets[found]
    end = offsets[found + len(wanted) - 1] + 1
    return Passage(text[start:end], start, end)


def passage_at(quote, text, start, end):
    """The passage of `text` from `start` to `end` (an editor's selection) if `quote`
    reproduces it, with the same tolerance as `locate`; None if it does not, or if the
    offsets do not fall within the text."""
    if not 0 <= start < end <= len(text):
        return None
    wanted = folded(quote)[0].strip()
    if not wanted or folded(text[start:end])[0].strip() != wanted:
        return None
    passage = locate(quote, text[start:end])
    return Passage(passage.text, start + passage.start, start + passage.end)


def closest_passage(quote, text):
    """Where `text` comes nearest `quote`, or None if they share nothing: the Passage, the
    ranges of its characters that differ (offsets in the passage), the folded quote and the
    ranges of the quote's characters that differ."""
    wanted = folded(quote)[0].strip()
    haystack, offsets = folded(text)
    if not wanted or not haystack:
        return None
    # Anchor on the longest stretch the two share, take a window of the quote's length
    # around it widened to whole words, then trim what the quote does not cover at its ends.
    anchor = difflib.SequenceMatcher(None, haystack, wanted, autojunk=False).find_longest_match(
        0, len(haystack), 0, len(wanted)
    )
    if anchor.size < min(len(wanted), 4):
        return None
    first = max(0, anchor.a - anchor.b)
    last = min(len(haystack), first + 2 * len(wanted) + 10)
    while first > 0 and haystack[first - 1] != " ":
        first -= 1
    while last < len(haystack) and haystack[last] != " ":
        last += 1
    opcodes = difflib.SequenceMatcher(
        None, wanted, haystack[first:last], autojunk=False
    ).get_opcodes()
    if opcodes[-1][0] == "insert":
        last -= opcodes[-1][4] - opcodes[-1][3]
    if opcodes[0][0] == "insert":
        first += opcodes[0][4] - opcodes[0][3]
    while first < last and haystack[first] == " ":
        first += 1
    while last > first and haystack[last - 1] == " ":
        last -= 1
    if first >= last:
        return None
    window = haystack[first:last]
    start, end = offsets[first], offsets[last - 1] + 1
    in_source, in_quote = [], []
    for source_range, quote_range in differing_words(window, wanted):
        (j1, j2), (i1, i2) = source_range, quote_range
        if j2 > j1:
            in_source.append((offsets[first + j1] - start, offsets[first + j2 - 1] + 1 - start))
        if i2 > i1:
            in_quote.append((i1, i2))
    return Passage(text[start:end], start, end), in_source, wanted, in_quote


def differing_words(source, quote):
    """Pairs of character ranges (in `source`, in `quote`) of the words that differ: a whole
    word is marked rather than the scattered letters a character diff would pick."""
    source_words = [m.span() for m in WORD.finditer(source)]
    quote_words = [m.span() for m in WORD.finditer(quote)]
    matcher = difflib.SequenceMatcher(
        None,
        [source[a:b] for a, b in source_words],
        [quote[a:b] for a, b in quote_words],
        autojunk=False,
    )
    for tag, s1, s2, q1, q2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        source_range = (source_words[s1][0], source_words[s2 - 1][1]) if s2 > s1 else (0, 0)
        quote_range = (quote_words[q1][0], quote_words[q2 - 1][1]) if q2 > q1 else (0, 0)
        yield source_range, quote_range


def marked(text, spans):
    """HTML of `text` with the character ranges in `spans` inside <mark>."""
    pieces = []
    position = 0
    for start, end in spans:
        if end <= start:
            continue
        pieces.append(("{}", text[position:start]))
        pieces.append(("<mark>{}</mark>", text[start:end]))
        position = end
    pieces.append(("{}", text[position:]))
    return format_html_join("", "{}", ((format_html(template, part),) for template, part in pieces))


def mismatch_message(quote, text):
    """What an editor reads when the quote is not in the source: the closest passage of the
    source, in its own characters, and the quote as given, the differences marked in each."""
    nearest = closest_passage(quote, text)
    if nearest is None:
        return _("This passage does not appear in the text of the source.")
    passage, in_source, wanted, in_quote = nearest
    return format_html(
        '{} <span class="quote-mismatch">{} “{}”. {} “{}”.</span>',
        _("This passage does not appear in the text of the source."),
        _("The closest passage of the source reads"),
        marked(passage.text, in_source),
        _("The passage given reads"),
        marked(wanted, in_quote),
    )
