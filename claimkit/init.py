"""Init: the first claims file for a new article and paper, from their texts.

`kit.py init --article A --paper P -o FILE` writes a file that `check`
passes as it is:

- the header, with what the texts tell (the article's title and date, the
  paper's title, arXiv id, version and date from arXiv's stamp, or a DOI)
  and placeholders that start with TODO for the rest, and the two texts'
  paths (relative to the new file), so that a plain `check -f FILE` reads
  them;
- `sections:` from the paper's numbered headings, each with the page it
  stands on where the text has form feeds;
- one unsourced claim stub per checkable sentence of the article, quoting
  the sentence; a sentence too short to quote (a dateline) is a dismissal
  stub instead.

It never writes over a file.
"""
import bisect
import os
import re

import yaml

from claimkit.coverage import split_sentences
from claimkit.load import read_text
from claimkit.model import CONTROL_CHARACTERS, TEXT_LINE_BREAK, count
from claimkit.pdf import read_paper
from claimkit.quotes import MIN_QUOTE_CHARS, MIN_QUOTE_WORDS
from claimkit.schema import DATE, SECTION
from claimkit.sentences import MONTHS, Rules
from claimkit.texts import ARXIV_STAMP, HEADING, SearchText, normalize, plain_newlines

# Where the front matter is looked for: a title, a date, a DOI.
_FRONT = 3000
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# 2024-07-24, 2024/07/24, July 24, 2024, 24 July 2024, and arXiv's 24 Jul 2024.
_DATES = (
    (re.compile(r"\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b"), (1, 2, 3)),
    (re.compile(_MONTH + r"\s+(\d{1,2}),?\s+(\d{4})\b", re.IGNORECASE), (3, 1, 2)),
    (re.compile(r"\b(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})\b", re.IGNORECASE), (3, 2, 1)),
)
_DOI = re.compile(r"(?:\bdoi:\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)",
                  re.IGNORECASE)
# A heading's title: a few words, not a sentence.
_MAX_TITLE_WORDS = 14
# A heading's number may skip this many less one sections that the text lost.
_GAP = 3
_SLUG_WORDS = 5


class InitError(Exception):
    """The texts cannot make a claims file; the message is one line."""


def _date(text: str) -> str | None:
    """The first date in a text, as YYYY-MM-DD."""
    found = []
    for pattern, (year, month, day) in _DATES:
        match = pattern.search(text)
        if match is None:
            continue
        month_text = match.group(month)
        number = (MONTHS[month_text.lower().rstrip(".")] if month_text[0].isalpha()
                  else int(month_text))
        value = f"{int(match.group(year)):04d}-{number:02d}-{int(match.group(day)):02d}"
        if DATE.fits(value):
            found.append((match.start(), value))
    return min(found)[1] if found else None


def _first_line(text: str) -> str | None:
    """A text's title: its Markdown title, or its first line of three words or
    more (not arXiv's stamp), cleaned."""
    lines = text[:_FRONT].split("\n")
    titles = [line.lstrip().removeprefix("# ") for line in lines
              if line.lstrip().startswith("# ")]
    titles += [line for line in lines if len(line.split()) >= 3 and not ARXIV_STAMP.search(line)]
    return next((_clean(title) for title in titles
                 if any(char.isalpha() for char in _clean(title))), None)


def _shown(path: str) -> str:
    """A path in a comment, every character that is not printable (bytes
    that are not UTF-8, a control character, U+FFFF, which YAML refuses even
    in a comment) as its escape."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


def _clean(text: str) -> str:
    """Text that a claims file may hold: without control characters, on one line."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())


def find_sections(text: str) -> list[tuple[str, str, int | None]]:
    """The paper's numbered headings as (number, title, page): lines that
    hold a section number and a short title, in the order a table of
    contents allows (see _contents)."""
    candidates, abstract = [], None
    page_breaks = [match.start() for match in re.finditer("\f", text)]
    for match in HEADING.finditer("\n" + text):  # match.start() is its line's offset in text
        number, title, is_abstract = match.groups()
        # The heading's page: the form feeds before its number or word
        # (match offsets are one past the text's, for the "\n" before it).
        at = match.start(1 if number else 3) - 1
        page = bisect.bisect_left(page_breaks, at) + 1 if page_breaks else None
        if is_abstract:
            abstract = abstract or ("abstract", "Abstract", page)
            continue
        title = _clean(title.replace("**", "")).rstrip(".")
        if title[:1].isupper() and len(title.split()) <= _MAX_TITLE_WORDS \
                and SECTION.fits(number):
            candidates.append((tuple(int(part) for part in number.split(".")),
                               (number, title, page)))
    return ([abstract] if abstract else []) + [candidates[index][1]
                                               for index in _contents(candidates)]


def _contents(candidates: list) -> list[int]:
    """Which of the lines that look like headings are the paper's headings.

    They include list items, footnotes and table rows, so the headings are
    the longest run of them, in text order, that a table of contents allows:
    each one a subsection of the one before (3 → 3.1) or the next section at
    its level or a higher one (3.3.1 → 3.3.2, 3.4, 4), starting at 1 or 2.
    A text may have lost a heading, so a number may also skip up to
    _GAP - 1 sections (3 → 3.3, 3.3.2 → 5).  One pass: the best run that a
    line may end is looked up by the numbers it may follow.
    """
    # (length, candidate index) of the best run that ends at a number, and
    # at any number below a prefix (3.3 → 3.3, 3.3.1, 3.3.2.4, ...).
    ending, below, before = {}, {}, []
    for index, (parts, _) in enumerate(candidates):
        # Whether the parts from a depth on are small enough to come first.
        first = [all(part <= _GAP for part in parts[depth:]) for depth in range(len(parts) + 1)]
        options = [(0, -1)] if parts[0] <= 2 and first[1] else []
        options += [ending[parts[:depth]] for depth in range(1, len(parts))
                    if first[depth] and parts[:depth] in ending]
        options += [below[key] for depth in range(len(parts)) if first[depth + 1]
                    for key in ((*parts[:depth], number) for number in
                                range(max(1, parts[depth] - _GAP), parts[depth]))
                    if key in below]
        if not options:
            before.append(None)
            continue
        best = max(options, key=lambda option: option[0])
        before.append(best[1])
        run = (best[0] + 1, index)
        ending[parts] = max(ending.get(parts, run), run, key=lambda option: option[0])
        for depth in range(1, len(parts) + 1):
            below[parts[:depth]] = max(below.get(parts[:depth], run), run,
                                       key=lambda option: option[0])
    chosen = []
    index = max(below.values(), key=lambda option: option[0])[1] if below else -1
    while index >= 0:
        chosen.append(index)
        index = before[index]
    return chosen[::-1]


def _slug(words: str, taken: set) -> str:
    """A kebab-case id from a sentence's first words, unique in the file."""
    parts = re.findall(r"[a-z0-9]+", words.lower())[:_SLUG_WORDS]
    base = "-".join(parts)[:40].strip("-") or "claim"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: any text is safe in it."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True,
                          width=float("inf")).rstrip("\n")


def _text_line(path: str, output: str | None, option: str) -> str:
    """The header's text: line, the path relative to the new file; a
    comment where the path holds what a claims file cannot (bytes that are
    not UTF-8, a control character)."""
    base = os.path.dirname(os.path.abspath(output)) if output else os.getcwd()
    relative = os.path.relpath(os.path.abspath(path), base)
    if _shown(relative) == relative:  # nothing in it had to be escaped
        return f"  text: {_quoted(relative)}"
    return (f"  # text: not given: the file's name holds characters a claims file cannot;"
            f" rename it, or give check {option} FILE")


def _longest_clean_piece(sentence: str) -> str:
    """The longest stretch of a sentence without control characters (a
    claims file may not hold them, and a stretch of the sentence is still
    found in the article)."""
    return max(CONTROL_CHARACTERS.split(sentence), key=len).strip()


def scaffold(article_path: str, paper_path: str, output: str | None) -> tuple[str, str]:
    """The new claims file's text, and what it holds, in a few words.
    Raises LoadError when a text cannot be read, InitError when the article
    has nothing to quote."""
    article = plain_newlines(read_text(article_path, article_path, TEXT_LINE_BREAK))
    paper = plain_newlines(read_paper(paper_path))
    lines = ["# yaml-language-server: $schema=claims.schema.json",
             "#",
             f"# Written by `kit.py init` from {_shown(article_path)} and {_shown(paper_path)}.",
             "# Replace each TODO, restate each claim stub, narrow its quote to the",
             "# words that make the claim, find its source, and give its verdict.",
             ""]
    lines += _article_header(article, article_path, output)
    lines += _paper_header(paper, paper_path, output)
    sections = find_sections(paper)
    lines.append("sections:" if sections else "sections: {}  # no numbered headings found")
    for number, title, page in sections:
        lines.append(f"  {_quoted(number)}: {{title: {_quoted(title)},"
                     f" page: {'null' if page is None else page}}}")
    claims, dismissed = _stubs(article, article_path)
    lines += ["", "claims:", *claims]
    if dismissed:
        lines += ["", "# Checkable sentences too short to quote: dismiss them, or track",
                  "# them in a claim with the words around them.", "dismissed:", *dismissed]
    summary = (f"{count(len(claims), 'claim stub')}, {count(len(dismissed), 'dismissal')},"
               f" {count(len(sections), 'section')}")
    return "\n".join(lines) + "\n", summary



def _article_header(article: str, path: str, output: str | None) -> list[str]:
    title = _first_line(article)
    date = _date(article[:_FRONT])
    return [
        "article:",
        f"  title: {_quoted(title or 'TODO: the article’s title')}",
        '  outlet: "TODO: the outlet that published the article"',
        f"  date: {_quoted(date)}" if date else
        "  date: null  # TODO: the article's date, YYYY-MM-DD (or YYYY-MM, YYYY)",
        "  url: null  # TODO: the article's web address",
        _text_line(path, output, "--article"),
        "  # checkable: [words, that make a sentence checkable, in this article]",
        "",
    ]


def _paper_header(paper: str, path: str, output: str | None) -> list[str]:
    title = _first_line(paper)
    stamp = ARXIV_STAMP.search(paper)
    lines = ["paper:",
             f"  title: {_quoted(title or 'TODO: the paper’s title')}",
             '  authors: "TODO: the paper\'s authors"']
    if stamp is not None:
        arxiv, version = stamp.groups()
        date = _date(paper[stamp.end():stamp.end() + 40])
        lines += [f"  arxiv: {_quoted(arxiv)}",
                  f"  version: {version}  # the version of the text's arXiv stamp",
                  f"  url: https://arxiv.org/abs/{arxiv}"]
        lines.append(f"  date: {_quoted(date)}  # the date of that version" if date else
                     "  date: null  # TODO: the paper's date")
    else:
        doi = _DOI.search(paper[:_FRONT])
        if doi is not None:
            lines.append(f"  doi: {_quoted(_clean(doi.group(1)).rstrip('.,;)'))}")
        else:
            lines.append("  url: https://example.org/TODO  # TODO: the paper's address,"
                         " or its arxiv: id or doi:")
        lines.append("  date: null  # TODO: the paper's date")
    lines += [_text_line(path, output, "--paper"), ""]
    return lines


def _stubs(article: str, path: str) -> tuple[list[str], list[str]]:
    """The claim stubs and the dismissal stubs, as lines of YAML.  Raises
    LoadError for an article the quote search refuses (too-large)."""
    sentences = [sentence for _, _, sentence in split_sentences(article)]
    normals = [normalize(sentence) for sentence in sentences]
    rules = Rules(sentences)
    # A stub's quote is looked for as check will look for it: a sentence may
    # normalise otherwise on its own than in its text ("pre-" at a
    # paragraph's end), and then it gets no stub (check warns of it instead).
    search = SearchText(article, path)
    claims, dismissed, taken = [], [], set()
    for sentence in sentences:
        if not rules.is_checkable(sentence):
            continue
        quote = _longest_clean_piece(sentence)
        if _quotable(quote):
            if next(search.find_all(normalize(quote)), None) is not None:
                claims.append(_claim_stub(quote, taken))
            continue
        # A dismissal names the sentences that start with it: only one may.
        start = CONTROL_CHARACTERS.split(sentence)[0].strip()
        prefix = normalize(start)
        if start and sum(other.startswith(prefix) for other in normals) == 1:
            dismissed.append(f"  - sentence: {_quoted(start)}\n"
                             '    reason: "TODO: why it states nothing to check"')
    if not claims:
        # A file needs a claim: the article's first sentence that can be quoted.
        quote = next((quote for quote in map(_longest_clean_piece, sentences)
                      if _quotable(quote)
                      and next(search.find_all(normalize(quote)), None) is not None), None)
        if quote is None:
            raise InitError("the article holds no sentence of two words or more;"
                            " a claims file needs a claim that quotes one")
        claims.append(_claim_stub(quote, taken))
    return claims, dismissed


def _quotable(quote: str) -> bool:
    normal = normalize(quote)
    return len(normal) >= MIN_QUOTE_CHARS and len(normal.split(" ")) >= MIN_QUOTE_WORDS


def _claim_stub(quote: str, taken: set) -> str:
    return "\n".join((
        f"  - id: {_quoted(_slug(quote, taken))}",
        f"    claim: {_quoted('TODO: ' + quote)}",
        f"    article_quote: {_quoted(quote)}",
        "    source: {}",
        "    verdict: unsourced",
        '    note: "To do: restate the claim, find its source, give a verdict."'))
