"""Locate: where does the paper (or the article) say this?

The text's sentences are ranked by the terms they share with what is asked
(words by their stems, figures by their values, as words.py reads them),
each term weighted by how rare it is in the text.  The best five are given
with their section, page and score, and the best one as a block to paste
into the claims file.  A term the text never holds is said to be absent.

It reads the text's word index (words.py), built once: the sentences that
hold a term are found from the offsets of its words, never by a scan per
sentence.
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import math
import re
from array import array
from typing import TYPE_CHECKING

import yaml

from claimkit.load import read_text
from claimkit.model import TEXT_LINE_BREAK, record, shorten

if TYPE_CHECKING:
    from claimkit.texts import SearchText

# cli imports this module for locate's command line on every run; the texts
# and their word index (texts.py, words.py, quotes.py: regexes that take a
# while to compile) are imported where a text is located.

# How many passages are shown.
SHOWN = 5
# A sentence longer than this (a table's rows, a run of words without a
# full stop) is cut into passages of about this many characters.
MAX_PASSAGE = 400
# Where a sentence ends in normalised text: a full stop, a question or an
# exclamation mark, perhaps a closing quote or bracket, then a space before
# what can open a sentence.  (It starts with the stop, not a look-behind, so
# the regex engine skips to the next stop.)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]? (?=[\"'(\[]?[A-Z0-9])")
# Punctuation around a word as the query writes it.
_PUNCTUATION = ".,;:!?\"'()[]{}"
# How wide a pasted quote's lines are, in the claims file.
_PASTE_WIDTH = 76


@record
class Hit:
    """A passage of the text, where it stands and how well it matches."""

    start: int  # its span in the text
    end: int
    score: float  # the share of the query's weight it holds, 0 to 1
    section: str | None  # the section number it stands under, if headings are known
    page: int | None  # its first page, if the text has pages
    words: str  # the passage as written, on one line


@record
class Located:
    hits: list[Hit]
    absent: list[str]  # the query's words and figures that the text never holds


def passage_starts(normal: str) -> array:
    """Where each passage of the normalised text starts: at each sentence,
    and every MAX_PASSAGE characters within a longer one."""
    # Arrays of 32-bit offsets: a text of millions of tiny sentences must not
    # cost a Python int for each.
    sentences = array("I", [0])
    sentences.extend(match.end() for match in _SENTENCE_END.finditer(normal))
    sentences.append(len(normal))
    starts = array("I")
    for start, end in itertools.pairwise(sentences):
        starts.append(start)
        while end - starts[-1] > MAX_PASSAGE:  # rare: cut at spaces
            cut = normal.rfind(" ", starts[-1] + 1, starts[-1] + MAX_PASSAGE)
            if cut < 0:
                cut = normal.find(" ", starts[-1] + MAX_PASSAGE, end)
                if cut < 0:
                    break
            starts.append(cut + 1)
    return starts or array("I", [0])


def locate(text: SearchText, query: str, headings: tuple[list[int], list[str]],
           shown: int = SHOWN) -> Located:
    """The passages of a text that best match a query, best first."""
    from claimkit.texts import normalize  # lazy: see the note at the top
    from claimkit.words import STOP_TERMS, read_terms

    index = text.words()
    terms, absent, seen = [], [], set()
    for written, keys in read_terms(normalize(query)):
        if keys in seen or keys[0] in STOP_TERMS:
            continue
        seen.add(keys)
        count = index.count(keys)
        if count:
            terms.append((keys, count))
        else:
            absent.append(written.strip(_PUNCTUATION))
    starts = passage_starts(text.normal)
    words = max(1, len(text.normal) // 6)  # about how many words the text holds
    scores: dict[int, float] = {}
    total = 0.0
    for keys, count in terms:
        weight = math.log(1 + words / count)  # a rare term tells more
        total += weight
        for number in {bisect.bisect_right(starts, offset) - 1 for offset in index.where(keys)}:
            scores[number] = scores.get(number, 0.0) + weight
    ranked = sorted(scores, key=lambda number: (
        -scores[number], _end(starts, number, text.normal) - starts[number], number))
    hits = [_hit(text, starts, number, scores[number] / total, headings)
            for number in ranked[:shown]]
    return Located(hits=hits, absent=absent)


def _end(starts: list[int], number: int, normal: str) -> int:
    return starts[number + 1] - 1 if number + 1 < len(starts) else len(normal)


def _hit(text: SearchText, starts: list[int], number: int, score: float,
         headings: tuple[list[int], list[str]]) -> Hit:
    from claimkit.texts import one_line  # lazy: see the note at the top

    start, end = text.original(starts[number], _end(starts, number, text.normal))
    start, end = _one_page(text, start, end)
    offsets, numbers = headings
    heading = bisect.bisect_left(offsets, end) - 1
    if heading >= 0:
        line_end = text.text.find("\n", offsets[heading] + 1)
        if line_end < 0 or line_end > start:
            # A heading line inside the passage: what follows it is the passage.
            start, end = _strip(text.text, end if line_end < 0 else line_end + 1, end)
    section = numbers[heading] if heading >= 0 else None
    page = text.page(start) if text.page_breaks else None
    return Hit(start=start, end=end, score=score, section=section, page=page,
               words=one_line(text.text[start:end]))


def _one_page(text: SearchText, start: int, end: int) -> tuple[int, int]:
    """A passage that runs across a page break, cut to its longer side, with
    the page's number and other short lines at the break left out: a quote
    stands on one page."""
    page_break = text.text.find("\f", start, end)
    if page_break < 0:
        return start, end
    before, after = (start, page_break), (page_break + 1, end)
    side = before if page_break - start >= end - page_break - 1 else after
    lines = text.text[side[0]:side[1]].split("\n")
    if side is before:
        while len(lines) > 1 and len(lines[-1].strip()) < 4:  # a page number: "9"
            lines.pop()
        return _strip(text.text, side[0], side[0] + len("\n".join(lines)))
    while len(lines) > 1 and len(lines[0].strip()) < 4:
        side = (side[0] + len(lines.pop(0)) + 1, side[1])
    return _strip(text.text, *side)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def locate_in(document, args, claim=None) -> tuple[list[str], bool]:
    """Read the paper (a text or a PDF) or the article that `locate`'s
    arguments name, and locate in it their TEXT, or a claim's own words; the
    lines of the report, and whether a passage was found.  The headings and
    the titles come from the claims file's sections (document may be None).
    Raises LoadError."""
    from claimkit.pdf import read_paper  # lazy: see the note at the top
    from claimkit.quotes import find_headings
    from claimkit.texts import SearchText

    which, path = ("paper", args.paper) if args.paper is not None else ("article", args.article)
    query = args.text
    # --reference: an item under references:, with that line unless the
    # claim has a list already.
    reference = "new" if args.reference else ""
    if claim is not None:
        query = " ".join(filter(None, (claim.claim, claim.article_quote)))
        reference = "item" if args.reference and claim.references else reference
    text = SearchText(read_paper(path) if which == "paper"
                      else read_text(path, path, TEXT_LINE_BREAK), path)
    headings = (find_headings(document, text.text) if document is not None and which == "paper"
                else ([], []))
    sections = document.sections if document is not None else {}
    located = locate(text, query, headings)
    return report(located, query, path, which, sections, reference), bool(located.hits)


# -- the command line (cli's COMMANDS runs it) ------------------------------------

def add_locate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", metavar="TEXT", help="the words to look for")
    parser.add_argument("--claim", metavar="ID", help="look for a claim's own words instead")
    texts = parser.add_mutually_exclusive_group(required=True)
    texts.add_argument("--paper", metavar="FILE", help="search this text or PDF of the paper")
    texts.add_argument("--article", metavar="FILE", help="search this text of the article")
    parser.add_argument("--reference", action="store_true",
                        help="with --paper, paste the best as an item under references:")
    parser.epilog = ("exit codes: 0 a passage found, 1 none holds the words, 2 a file"
                     " could not be read or the command line was wrong (kit.py --help)")


def prepare_locate(args) -> str | None:
    if (args.text is None) == (args.claim is None):
        return "locate needs TEXT or --claim ID (one of them)"
    if args.text is not None and not args.text.strip():
        return "locate needs words to look for"
    return "--reference is for --paper" if args.reference and not args.paper else None


# -- the report -----------------------------------------------------------------

def yaml_text(key: str, value: str, indent: int) -> list[str]:
    """A key and its text as claims.yaml lines: plain where YAML reads it
    back as the same string, else folded (>-), which takes any text but
    control characters as it is."""
    pad = " " * indent
    plain = f"{key}: {value}"
    try:
        if len(pad + plain) <= _PASTE_WIDTH and yaml.safe_load(plain) == {key: value}:
            return [pad + plain]
    except yaml.YAMLError:
        pass
    lines, line = [], ""
    for word in value.split(" "):
        if line and len(pad) + 2 + len(line) + 1 + len(word) > _PASTE_WIDTH:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return [f"{pad}{key}: >-", *(f"{pad}  {line}" for line in lines)]


def paste_block(hit: Hit, sections: dict, which: str, reference: str = "") -> list[str]:
    """The best hit as claims.yaml lines, at a claim's indentation: a
    source: block, or with `reference` a further reference (an item under
    references:, which the lines start with when `reference` is "new")."""
    if which == "article":
        return yaml_text("article_quote", hit.words, 4)
    indent = 8 if reference else 6
    lines = []
    if hit.section is not None and hit.section in sections:
        lines.append(f'{" " * indent}section: "{hit.section}"')
        lines += yaml_text("title", sections[hit.section][0], indent)
    if hit.page is not None:
        lines.append(f"{' ' * indent}page: {hit.page}")
    lines += yaml_text("quote", hit.words, indent)
    if not reference:
        return ["    source:", *lines]
    lines[0] = "      - " + lines[0][indent:]
    return (["    references:"] if reference == "new" else []) + lines


def report(located: Located, query: str, path: str, which: str, sections: dict,
           reference: str = "") -> list[str]:
    """What `locate` prints: the passages, best first, and the best one as
    claims.yaml lines to paste (see paste_block for `reference`)."""
    lines = [f"{path}: the passages that best match \"{shorten(' '.join(query.split()), 80)}\""]
    if located.absent:
        lines.append(f"not in the {which}: {', '.join(located.absent)}")
    if not located.hits:
        return [*lines, f"no passage of {path} holds any of its words"]
    for number, hit in enumerate(located.hits, 1):
        lines += [f"{number}. {describe_hit(hit, sections)} (score {hit.score:.2f})",
                  f"   {hit.words}"]
    what = "the claim, as a further reference" if reference else "the claim"
    lines += ["", f"The best passage, to paste into {what}:",
              *paste_block(located.hits[0], sections, which, reference)]
    return lines


def describe_hit(hit: Hit, sections: dict) -> str:
    """Where a passage stands: §3.3.1 Training Infrastructure, p. 9."""
    parts = []
    if hit.section is not None:
        title = sections.get(hit.section, ("",))[0]
        parts.append(f"§{hit.section} {title}".rstrip() if hit.section != "abstract"
                     else "Abstract")
    if hit.page is not None:
        parts.append(f"p. {hit.page}")
    return ", ".join(parts) or "no section heading before it"
