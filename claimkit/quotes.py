"""Quotes: find each claim's quotes in the article and paper texts, check
that a paper quote stands on its cited page and under its cited section, and
audit which of the article's sentences no claim tracks.

Matching forgives layout and typography only: reflowed lines and runs of
whitespace, curly vs straight quotes, dashes, × vs x, superscripts (10²⁵ vs
10^25), PDF ligatures (ﬁ, ﬂ) and hyphenation at line ends.  It never forgives
different words.

Speed and memory stay linear in the text (a paper is ~600 KB; a wrong copy of
it must not make the kit crawl): the text is normalised once, in blocks whose
offsets are kept, so a match in the normalised text maps back to the text as
it stands; line and page numbers come from bisecting precomputed offsets; a
quote that is not found is compared by difflib with a few candidate windows
only, found through the quote's rarest words.
"""
import bisect
import contextlib
import itertools
import re
import unicodedata
from collections import Counter

from claimkit.load import LoadError, read_text
from claimkit.model import (
    TEXT_LINE_BREAK,
    Document,
    Problem,
    TooManyProblems,
    add_problem,
    shorten,
    within_section,
)

_TYPOGRAPHY = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "×": "x",
    "^": "",
    "\u00ad": "",  # soft hyphen
}
# A regex finds the few characters to replace: str.translate with a table
# costs about half a microsecond for every character of non-ASCII text.
_TYPOGRAPHY_CHARS = re.compile("[" + "".join(_TYPOGRAPHY) + "]")
# "foun-\ndation" in PDF text is one word broken at a line end.
_LINE_END_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=\w)")
# A hyphen inside a word is typography too: "pre-training" and the
# "pretraining" left by joining a line-end hyphen are the same word.
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
# "--" is how plain text writes a dash.
_DASHES = re.compile(r"-{2,}")
# Applied after whitespace is folded to single spaces.
_TIMES = re.compile(r"(?<=\d) ?x ?(?=\d)")
# A compatibility character whose NFKC form is longer than this is kept as it
# is: ligatures and superscripts fold to 1-3 characters, while U+FDFA folds to
# 18, and a text of them would grow 18-fold in memory.
_MAX_FOLD = 4
# Texts are normalised in blocks of about this many characters, cut at
# whitespace that no rule joins across, so a match maps back to the text.
_BLOCK = 4096
_BOUNDARY = re.compile(r"(?<![\s\-‐‑‒–—―−\u00adx×ｘ])\s+(?=[^\sx×ｘ])")
# A quote shorter than this (normalised), or of fewer words, matches too much
# to prove anything: "-" would be found everywhere.
MIN_QUOTE_CHARS = 8
MIN_QUOTE_WORDS = 2
# A quote found more often than this is placed by its first occurrences only.
_MAX_OCCURRENCES = 200
# A dismissal is compared with the sentences that start with its first word;
# after this many first words with one first character, with all of them.
_MANY_FIRST_WORDS = 16
# How many candidate windows difflib compares with a quote that is not found.
_CANDIDATES = 4

# Words that make an article sentence checkable even without a figure in it.
_CHECKABLE_WORDS = (
    "tokens?", "flops?", "gpus?", "parameters?", "context", "licen[cs]e", "partners?",
    "benchmarks?", "sft", "dpo", "rlhf", "ppo", "reinforcement", "rejection sampling",
    r"fine-?tun\w*", "transformer", "mixture", "multimodal", r"quantiz\w*", "synthetic",
    "scaling", "trillion", "billion", "million", "open[- ]source", "closed[- ]source",
    "more than", "less than", "fewer", "larger", "smaller", "compared", r"outperform\w*",
    "beat", "better", "best", "worse", "first", "faster", "slower",
)


def _lowercase_pattern(words) -> str:
    """The words as a regex for lowercased text (IGNORECASE makes a regex
    four times slower), grouped by first letter so that the regex tries one
    group at each word; a space inside a phrase stands for any run of
    whitespace, as it does in a sentence with its lines joined."""
    groups = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    pattern = "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())
    return pattern.replace("[- ]", "(?:-|\\s+)").replace(" ", r"\s+")


def _stem(word: str) -> str:
    """The letters a checkable word always starts with: "token" for
    "tokens?", "fine" for "fine-?tun\\w*"."""
    stem = re.match(r"(?:[a-z](?![?*+{]))*", word).group()
    if not stem:
        raise ValueError(f"a checkable word must start with a letter: {word!r}")
    return stem


# What makes a sentence checkable, once lowercased: a figure or a percent
# sign, or one of the words.
_FIGURES = re.compile(r"[\d%]")
_CHECKABLE_WORD = re.compile(r"\b(?:" + _lowercase_pattern(_CHECKABLE_WORDS) + r")\b")
# To scan a whole article, each word is looked for where its stem stands,
# found with str.find, and matched by the regex only there: trying 40
# alternatives at every word costs more than 40 passes of str.find.
_CHECKABLE_STEMS = sorted({_stem(word) for word in _CHECKABLE_WORDS})
# Paragraphs end at a line holding only whitespace.  (Written so that a long
# run of spaces is scanned once, not once per position.)
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_LIST_MARKER = re.compile(r"\s*\d+[.)]\s+")
# Group 1 is the closing quote or bracket that ends the sentence with it.
# (Starting with the stop itself, not a lookbehind, lets the regex engine
# skip to the next stop instead of trying every position.)
_SENTENCE_END = re.compile(r"[.!?]([\"”’)]?)\s+(?=[\"“(]?[A-Z0-9])")
_NON_SPACE = re.compile(r"\S")
# What normalising a sentence can change, once its lines are joined: any
# character but ASCII other than "-", "^" and "x", which normalize leaves as
# it is.  (A negated class compiles and scans faster than the range to
# U+10FFFF.)
_FOLDED = re.compile(r"[^\x00-,.-\]_-wy-\x7f]")

# Headings: a line holding a section number and its title, as pdftotext
# prints it ("3.3.1 Training Infrastructure") or as Markdown renders it
# ("### 3.3.1 Training Infrastructure"); "Abstract" heads the abstract.  A
# page's first line starts with pdftotext's form feed.  Each match starts
# with the newline before its line (search "\n" + text), which lets the regex
# engine skip from line to line instead of trying every position.
_HEADING = re.compile(
    r"\n[ \t\f]*+(?:#{1,6}[ \t]+)?(?:\*\*)?(?:(\d{1,3}(?:\.\d{1,3}){0,4})\.?[ \t]+(\S[^\n]*)"
    r"|((?i:abstract))[ \t]*+(?:\*\*[ \t]*+)?(?=\n|\Z))"
)
# A heading's title may be cut by a line break; this much of it is enough.
_MIN_TITLE_PREFIX = 12
# arXiv's stamp down a paper's first page: "arXiv:2407.21783v3 [cs.AI] 15 Aug
# 2024".  The subject class after it tells the stamp from a versioned
# reference to another paper.
_ARXIV_STAMP = re.compile(r"arXiv:(\d{4}\.\d{4,5})(v\d+)[ \t]+\[[a-z-]+(?:\.[A-Za-z-]+)?\]")
# Lines that fall between the halves of a quote that crosses a page.
_PAGE_NUMBER = re.compile(r"\s*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?\s*",
                          re.IGNORECASE)
_FOOTNOTE = re.compile(r"\s*(?:[*∗†‡§¶]|\d{1,2}(?:\s|(?=http)))")
# Lines at a page's edge that repeat on this many pages are running heads.
_RUNNING_MIN_PAGES = 3


def _nfkc(text: str) -> str:
    """NFKC, except for characters that would expand past _MAX_FOLD."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    table = {}
    for char in set(text):
        if not char.isascii():
            folded = unicodedata.normalize("NFKD", char)
            if folded != char and len(folded) <= _MAX_FOLD:
                table[char] = folded
    if table:
        chars = re.compile("[" + "".join(map(re.escape, table)) + "]")
        text = chars.sub(lambda match: table[match.group()], text)
    # NFC after a per-character NFKD is NFKC (NFC reorders and composes).
    return unicodedata.normalize("NFC", text)


def _fold(text: str) -> str:
    """Normalise one block (see normalize)."""
    if not text.isascii():
        text = _nfkc(text)
    if "-" in text:
        text = _LINE_END_HYPHEN.sub("", text)
    if not text.isascii():
        text = _TYPOGRAPHY_CHARS.sub(lambda match: _TYPOGRAPHY[match.group()], text)
    elif "^" in text:
        text = text.replace("^", "")
    if "-" in text:
        text = _WORD_HYPHEN.sub("", _DASHES.sub("-", text))
    text = " ".join(text.split())
    if "x" in text:
        text = _TIMES.sub("x", text)
    return text


def _block_spans(text: str, start: int = 0, end: int | None = None, size: int = _BLOCK):
    """(start, end) of blocks of text, cut at whitespace no rule joins across."""
    end = len(text) if end is None else end
    while start < end:
        cut = _BOUNDARY.search(text, start + size, end) if start + size < end else None
        if cut is None:
            yield start, end
            return
        yield start, cut.start()
        start = cut.end()


def normalize(text: str) -> str:
    """Fold the layout and typography a quote may differ in; keep the words."""
    return " ".join(filter(None, (_fold(text[start:end])
                                  for start, end in _block_spans(text))))


def plain_newlines(text: str) -> str:
    """The text with each \r\n and lone \r (old Mac files) made \n: a text
    editor ends a line at any of them, and the kit then finds paragraphs,
    headings and pages, and counts lines and columns, as the editor shows
    them."""
    return TEXT_LINE_BREAK.sub("\n", text) if "\r" in text else text


class LineIndex:
    """1-based line and column of offsets into a text with plain newlines,
    by bisecting where its lines start."""

    def __init__(self, text: str) -> None:
        self.line_starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


class SearchText:
    """A text prepared for finding quotes: normalised once, with the way back.

    normal is the normalised text; the blocks record where each normalised
    block starts and which span of the text it came from.  Its text has
    plain newlines (see plain_newlines).
    """

    def __init__(self, text: str, path: str) -> None:
        text = plain_newlines(text)
        self.text, self.path = text, path
        pieces, self.norm_starts, self.spans = [], [], []
        length = 0
        for start, end in _block_spans(text):
            piece = _fold(text[start:end])
            if piece:
                if pieces:
                    length += 1
                self.norm_starts.append(length)
                self.spans.append((start, end))
                pieces.append(piece)
                length += len(piece)
        self.normal = " ".join(pieces)
        self.page_breaks = [match.start() for match in re.finditer("\f", text)]
        self._lines = None
        self._pieces = {}  # block index → its pieces, to map offsets
        self._counts = None
        self._seams = None

    # -- positions -------------------------------------------------------

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.line_col(offset)

    def page(self, offset: int) -> int:
        return bisect.bisect_left(self.page_breaks, offset) + 1

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the text that normal[start:end] came from."""
        return self._to_text(start, True), self._to_text(end, False)

    def _to_text(self, position: int, is_start: bool) -> int:
        index = max(0, bisect.bisect_right(self.norm_starts, position) - 1)
        if not self.spans:
            return 0
        # The block in small pieces first, so the search below folds a few
        # hundred characters at a time.
        if index not in self._pieces:
            pieces, length = [], self.norm_starts[index]
            for start, end in _block_spans(self.text, *self.spans[index], size=256):
                piece = _fold(self.text[start:end])
                if piece:
                    length += 1 if pieces else 0
                    pieces.append((length, start, end))
                    length += len(piece)
            self._pieces[index] = pieces
        pieces = self._pieces[index]
        norm_start, block_start, block_end = pieces[max(0, bisect.bisect_right(
            pieces, (position, len(self.text))) - 1)]
        target = position - norm_start
        block = self.text[block_start:block_end]

        def length(cut: int) -> int:  # where block[cut:] starts in the block's normal
            folded = len(_fold(block[:cut]))
            return folded + (1 if folded and block[cut - 1].isspace() else 0)

        # Binary search: the last cut at or before the target (a start), or the
        # first cut that reaches it (an end).
        low, high = 0, len(block)
        while low < high:
            middle = (low + high + (1 if is_start else 0)) // 2
            if is_start:
                if length(middle) <= target:
                    low = middle
                else:
                    high = middle - 1
            elif length(middle) >= target:
                high = middle
            else:
                low = middle + 1
        return block_start + low

    # -- finding ---------------------------------------------------------

    def find_all(self, needle: str):
        """Spans in the text where needle (normalised) stands, in order."""
        found = 0
        position = self.normal.find(needle)
        while position >= 0 and found < _MAX_OCCURRENCES:
            yield self.original(position, position + len(needle))
            found += 1
            position = self.normal.find(needle, position + 1)
        if not found and self.page_breaks:
            yield from self._find_across_pages(needle)

    def _find_across_pages(self, needle: str):
        """Spans of needle across a page break, seen through page furniture."""
        if self._seams is None:
            self._seams = _Seams(self)
        yield from self._seams.find_all(needle)

    def closest(self, needle: str) -> tuple[int, int, float] | None:
        """The span of the text most like needle, and its similarity.

        Candidate windows come from where the quote's rarest words stand
        (counted once for the whole text); difflib compares only a few.
        """
        import difflib

        if self._counts is None:
            self._counts = Counter()
            cut = 0
            while cut < len(self.normal):  # in slices, to bound the word lists
                end = self.normal.find(" ", cut + (1 << 20))
                end = len(self.normal) if end < 0 else end
                self._counts.update(self.normal[cut:end].split(" "))
                cut = end + 1
        words = needle.split(" ")
        offsets, offset = {}, 0
        for word in words:
            offsets.setdefault(word, offset)
            offset += len(word) + 1
        rare = sorted((self._counts[word], word) for word in offsets if self._counts[word])
        padded = f" {self.normal} "
        starts = set()
        for _, word in rare[:3]:
            position = padded.find(f" {word} ")
            for _ in range(_MAX_OCCURRENCES):
                if position < 0:
                    break
                starts.add(max(0, position - offsets[word]))
                position = padded.find(f" {word} ", position + 1)
        if not starts:
            return None
        wanted = set(words)
        ranked = sorted(starts, key=lambda start: (
            -len(wanted.intersection(self.normal[start:start + len(needle)].split(" "))),
            start))
        best = None
        margin = 40
        for start in ranked[:_CANDIDATES]:
            low = max(0, start - margin)
            window = self.normal[low:start + len(needle) + margin]
            matcher = difflib.SequenceMatcher(None, needle, window, autojunk=False)
            blocks = [block for block in matcher.get_matching_blocks() if block.size]
            if not blocks:
                continue
            first, last = blocks[0].b, blocks[-1].b + blocks[-1].size
            ratio = difflib.SequenceMatcher(None, needle, window[first:last],
                                            autojunk=False).ratio()
            if best is None or ratio > best[2]:
                best = (low + first, low + last, ratio)
        if best is None:
            return None
        start, end, ratio = best
        # Whole words: a span that starts or ends inside a word takes it all
        # (its letters and digits, not the punctuation beside it).
        normal = self.normal
        while 0 < start < len(normal) and normal[start - 1].isalnum() and normal[start].isalnum():
            start -= 1
        while 0 < end < len(normal) and normal[end - 1].isalnum() and normal[end].isalnum():
            end += 1
        return (*self.original(start, end), ratio)

    def shown(self, start: int, end: int, limit: int = 100) -> str:
        """The text's own words at a span, on one line."""
        return shorten(" ".join(self.text[start:end].split()), limit)

    def where(self, offset: int) -> str:
        line = self.line_col(offset)[0]
        return f"line {line}, page {self.page(offset)}" if self.page_breaks else f"line {line}"


class _Seams:
    """The text around each page break, with the page furniture left out.

    A quote that runs across a page has a page number, a running head or a
    footnote between its halves in a PDF's text.  Each seam joins the end of
    one page's body to the start of the next one's.
    """

    def __init__(self, text: SearchText, reach: int = 1200) -> None:
        self.text = text
        whole = text.text
        breaks = text.page_breaks
        pages = list(zip([-1, *breaks], [*breaks, len(whole)], strict=False))
        edges = Counter()
        for start, end in pages:
            lines = whole[start + 1:end].split("\n")
            edge = [line for line in lines[:3] + lines[-3:] if line.strip()]
            edges.update({_furniture_key(line) for line in edge})
        running = {key for key, pages_seen in edges.items()
                   if key and pages_seen >= _RUNNING_MIN_PAGES}
        self.pieces = []  # per seam: (normal start, SearchText, before span, after start)
        normals, length = [], 0
        for (before_start, page_break), (_, after_end) in itertools.pairwise(pages):
            tail = _body_end(whole, max(before_start + 1, page_break - reach), page_break,
                             running)
            head = _body_start(whole, page_break + 1, min(after_end, page_break + 1 + reach),
                               running)
            before = whole[tail[0]:tail[1]]
            after = whole[head[0]:head[1]]
            seam = SearchText(before + "\n" + after, text.path)
            self.pieces.append((length, seam, tail, head[0]))
            normals.append(seam.normal)
            length += len(seam.normal) + 1
        self.normal = "\n".join(normals)
        self.starts = [piece[0] for piece in self.pieces]

    def find_all(self, needle: str):
        position = self.normal.find(needle)
        while position >= 0:
            start, seam, (tail_start, tail_end), head_start = self.pieces[
                bisect.bisect_right(self.starts, position) - 1]
            low, high = seam.original(position - start, position - start + len(needle))
            before = tail_end - tail_start
            yield tuple(tail_start + offset if offset <= before
                        else head_start + offset - before - 1 for offset in (low, high))
            position = self.normal.find(needle, position + 1)


def _furniture_key(line: str) -> str:
    """A page-edge line with its digits left out: "Page 7" and "Page 8" repeat."""
    return " ".join(re.sub(r"\d+", "", line).split()).casefold()


def _is_furniture(line: str, running: set) -> bool:
    return (not line.strip() or _PAGE_NUMBER.fullmatch(line) is not None
            or _furniture_key(line) in running)


def _body_end(text: str, start: int, end: int, running: set) -> tuple[int, int]:
    """The span of text[start:end] (a page's end) without its last furniture
    lines: page numbers, running lines, and a footnote block."""
    lines = text[start:end].split("\n")
    while lines and _is_furniture(lines[-1], running):
        lines.pop()
    # A footnote block: the last few lines, from one that opens with a marker.
    for index in range(len(lines) - 1, max(0, len(lines) - 6), -1):
        if _FOOTNOTE.match(lines[index]):
            del lines[index:]
            break
    while lines and _is_furniture(lines[-1], running):
        lines.pop()
    return start, start + len("\n".join(lines))


def _body_start(text: str, start: int, end: int, running: set) -> tuple[int, int]:
    """The span of text[start:end] (a page's start) without its first
    furniture lines."""
    offset = start
    for line in text[start:end].split("\n"):
        if not _is_furniture(line, running):
            break
        offset += len(line) + 1
    return min(offset, end), end


# -- reading the texts ------------------------------------------------------

def read_paper(path: str) -> str:
    """The paper's text: a text file as it is, or a PDF through pdftotext."""
    import os

    with_pdf = path.lower().endswith(".pdf")
    if not with_pdf and os.path.isfile(path):
        try:
            with open(path, "rb") as handle:
                with_pdf = handle.read(5) == b"%PDF-"
        except OSError:
            pass  # read_text says what is wrong with the file
    if not with_pdf:
        return read_text(path, path, TEXT_LINE_BREAK)
    import shutil
    import subprocess

    def fail(message: str) -> LoadError:
        return LoadError(Problem(path=path, line=1, col=1, where="", message=message,
                                 code="pdf-unreadable"))

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise fail("reading a PDF needs pdftotext: install poppler-utils"
                   " (apt-get install poppler-utils), or pass the paper's text"
                   " (pdftotext paper.pdf paper.txt)")
    # Plain mode, not -layout: -layout keeps the two columns of a page side by
    # side on each line, which cuts every sentence in two.
    try:
        result = subprocess.run([pdftotext, "-enc", "UTF-8", path, "-"],
                                capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise fail(f"pdftotext failed: {error}") from None
    if result.returncode != 0:
        detail = " ".join(result.stderr.decode("utf-8", "replace").split())
        raise fail(f"pdftotext could not read it: {shorten(detail, 200)}")
    return result.stdout.decode("utf-8", "replace")


# -- the quotes -------------------------------------------------------------

class _Found:
    """A quote found in a text: the claim, and every span where it stands."""

    __slots__ = ("claim", "spans")

    def __init__(self, claim, spans: list) -> None:
        self.claim, self.spans = claim, spans


def _quote_problem(document: Document, claim, which: str, message: str, code: str,
                   level: str = "error") -> Problem:
    field = "article_quote" if which == "article" else "source.quote"
    at = claim.article_quote_at if which == "article" else claim.source_quote_at
    return Problem(path=document.path, line=at[0], col=at[1],
                   where=f"claims[{claim.index}].{field}", message=message,
                   level=level, code=code)


def quotes_the_paper(document: Document, source) -> bool:
    """Whether a source quotes the paper: it cites a section, or the paper's
    own url."""
    return source.quote is not None and (
        source.section is not None or source.url == document.paper.get("url"))


def find_quotes(document: Document, text: SearchText, which: str,
                problems: list) -> tuple[list[_Found], int]:
    """Find each claim's article quotes (which="article") or paper quotes
    (which="paper") in a text.  Adds problems; returns the quotes found and
    how many were looked for."""
    found, wanted = [], 0
    for claim in document.claims:
        source = claim.source
        if which == "article":
            quote = claim.article_quote
        elif not quotes_the_paper(document, source):
            continue
        else:
            quote = source.quote
        if which == "paper" and not source.quote_exact:
            add_problem(problems, _quote_problem(
                document, claim, which,
                "quote is marked as a paraphrase"
                " (quote_exact: false); not looked for", "paraphrase", "note"))
            continue
        wanted += 1
        needle = normalize(quote)
        if len(needle) < MIN_QUOTE_CHARS or len(needle.split(" ")) < MIN_QUOTE_WORDS:
            add_problem(problems, _quote_problem(
                document, claim, which,
                f"quote is too short to prove anything"
                f" ({needle!r}); quote at least {MIN_QUOTE_WORDS} words and"
                f" {MIN_QUOTE_CHARS} characters", "quote-too-short"))
            continue
        spans = list(text.find_all(needle))
        if spans:
            found.append(_Found(claim, spans))
            continue
        closest = text.closest(needle)
        if closest is None:
            hint = "no passage shares a word with it"
        else:
            start, end, similarity = closest
            hint = (f"closest passage ({similarity:.0%} similar, {text.where(start)}):"
                    f" \"{text.shown(start, end)}\"")
        add_problem(problems, _quote_problem(
            document, claim, which,
            f"quote not found in {text.path}; {hint}", "quote-not-found"))
    return found, wanted


def _headings(document: Document, text: str) -> tuple[list[int], list[str]]:
    """Offsets and numbers of the header's sections that head a line of text."""
    titles = {str(number): normalize(entry[0]).casefold()
              for number, entry in document.sections.items()}
    offsets, numbers = [], []
    for match in _HEADING.finditer("\n" + text):  # match.start() is its line's offset in text
        number, title, abstract = match.groups()
        if abstract:
            number = "abstract"
        elif number not in titles:
            continue
        else:
            line_title = normalize(title.replace("**", "")).casefold().rstrip(".")
            wanted = titles[number]
            if not (line_title == wanted or (
                    len(line_title) >= _MIN_TITLE_PREFIX and wanted.startswith(line_title))):
                continue
        offsets.append(match.start())
        numbers.append(number)
    return offsets, numbers


def place_quotes(document: Document, text: SearchText, found: list[_Found],
                 problems: list) -> str:
    """Check that each found paper quote stands on its cited page and under its
    cited section; add problems and return the summary line."""
    offsets, numbers = _headings(document, text.text)
    headed = set(numbers)

    def section_at(offset: int) -> str | None:
        index = bisect.bisect_right(offsets, offset) - 1
        return numbers[index] if index >= 0 else None

    def pages_of(span: tuple[int, int]) -> tuple[int, int]:  # its first and last page
        return text.page(span[0]), text.page(max(span[0], span[1] - 1))

    on_page = pages_wanted = under = sections_wanted = unheaded = 0
    for item in found:
        claim, source = item.claim, item.claim.source
        cited = str(source.section) if source.section is not None else None
        check_page = bool(text.page_breaks) and isinstance(source.page, int)
        check_section = bool(offsets) and cited is not None and cited in headed
        if offsets and cited is not None and cited not in headed:
            unheaded += 1

        def page_ok(span, page=source.page) -> bool:
            first, last = pages_of(span)
            return first <= page <= last

        # The occurrence that fits best: both, then the section, then the page.
        span = max(item.spans, key=lambda span: (
            check_section and within_section(section_at(span[0]), cited),
            check_page and page_ok(span)))
        if check_page:
            pages_wanted += 1
            if page_ok(span):
                on_page += 1
            else:
                first, last = pages_of(span)
                stands = f"page {first}" if first == last else f"pages {first}-{last}"
                add_problem(problems, _quote_problem(
                    document, claim, "paper",
                    f"quote is cited on page {source.page}, but stands"
                    f" on {stands} of {text.path}", "wrong-page"))
        if check_section:
            sections_wanted += 1
            actual = section_at(span[0])
            if within_section(actual, cited):
                under += 1
            else:
                stands = f"under §{actual}" if actual else "before the first heading"
                add_problem(problems, _quote_problem(
                    document, claim, "paper",
                    f"quote is cited under §{cited}, but stands {stands} in {text.path}",
                    "wrong-section"))
    parts = [f"{on_page} of {pages_wanted} quotes on their cited page"
             if text.page_breaks else "pages not checked: no form feeds"]
    if offsets:
        part = f"{under} of {sections_wanted} under their cited section"
        if unheaded:
            part += f" ({unheaded} cite a section whose heading is not in the text)"
        parts.append(part)
    else:
        parts.append("sections not checked: no headings found")
    return "placement: " + "; ".join(parts)


def check_version(document: Document, text: SearchText, problems: list) -> None:
    """Warn where the text's arXiv stamp is another version than the cited one."""
    stamp = _ARXIV_STAMP.search(text.text)
    if stamp is None:
        return
    line, col = text.line_col(stamp.start())
    arxiv, version = stamp.groups()
    cited_arxiv = document.paper.get("arxiv")
    cited = document.paper.get("version")  # v3: the schema's shape
    if cited_arxiv and str(cited_arxiv) != arxiv:
        add_problem(problems, Problem(
            path=text.path, line=line, col=col, where="", level="warning",
            message=f"the text is arXiv:{arxiv}{version}, but the claims cite"
                    f" arXiv:{cited_arxiv}", code="paper-differs"))
    elif cited is not None and cited != version:
        add_problem(problems, Problem(
            path=text.path, line=line, col=col, where="", level="warning",
            message=f"the text is arXiv:{arxiv}{version}, but the claims cite"
                    f" {cited}; its pages may differ", code="version-differs"))


def check_paper(document: Document, path: str, problems: list[Problem]) -> list[str]:
    """Find and place the paper quotes in a text or PDF of the paper.
    Adds to problems (the run's one list) and returns the summary lines.
    Raises LoadError."""
    text = SearchText(read_paper(path), path)
    reports = []
    try:
        check_version(document, text, problems)
        found, wanted = find_quotes(document, text, "paper", problems)
        reports.append(f"paper quotes: {len(found)} of {wanted} found in {path}")
        if found:
            reports.append(place_quotes(document, text, found, problems))
    except TooManyProblems:
        reports.append(f"paper quotes: stopped in {path}")
    return reports


def check_article(document: Document, path: str, strict: bool,
                  problems: list[Problem]) -> list[str]:
    """Find the article quotes and audit the article's coverage.  Adds to
    problems (the run's one list) and returns the summary lines.  Raises
    LoadError."""
    text = SearchText(read_text(path, path, TEXT_LINE_BREAK), path)
    try:
        found, wanted = find_quotes(document, text, "article", problems)
    except TooManyProblems:
        return [f"article quotes: stopped in {path}"]
    reports = [f"article quotes: {len(found)} of {wanted} found in {path}"]
    reports.append(audit_coverage(document, text, found, strict, problems))
    return reports


# -- the coverage audit -----------------------------------------------------

def _sentence_spans(text: str) -> tuple[list[int], list[int]]:
    """Where each sentence starts and ends: paragraphs end at blank lines,
    lines inside a paragraph are reflowed, and a leading list marker ("3. ")
    is not part of the sentence.

    A sentence end's whitespace is the next sentence's start, so only a
    paragraph's first sentence needs its leading whitespace skipped and only
    its last one its trailing whitespace.
    """
    starts, ends = [], []
    block_start = 0
    for blank in [*_BLANK_LINES.finditer(text), None]:
        block_end = len(text) if blank is None else blank.start()
        marker = _LIST_MARKER.match(text, block_start, block_end)
        first = _NON_SPACE.search(text, marker.end() if marker else block_start, block_end)
        block_start = block_end if blank is None else blank.end()
        if first is None:
            continue
        matches = list(_SENTENCE_END.finditer(text, first.start(), block_end))
        starts.append(first.start())
        starts.extend([match.end() for match in matches])
        ends.extend([match.end(1) for match in matches])
        ends.append(starts[-1] + len(text[starts[-1]:block_end].rstrip()))
    return starts, ends


def _is_checkable(sentence: str) -> bool:
    """Whether a lowercased sentence states something checkable."""
    return bool(_FIGURES.search(sentence) or _CHECKABLE_WORD.search(sentence))


def _sentence_holding(starts: list[int], ends: list[int], position: int) -> int | None:
    """The number of the sentence a position of the text falls in, if any."""
    number = bisect.bisect_right(starts, position) - 1
    return number if number >= 0 and position < ends[number] else None


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """The article's sentences as (line, col, sentence), 1-based, as the
    audit reads them."""
    text = plain_newlines(text)
    lines = LineIndex(text)
    return [(*lines.line_col(start), " ".join(text[start:end].split()))
            for start, end in zip(*_sentence_spans(text), strict=True)]


def _checkable(text: str, starts: list[int], ends: list[int],
               words) -> set[int]:
    """The sentences that state something checkable (_is_checkable), by
    number.

    The whole text is lowercased once.  Figures are found by one regex, and
    each word where its stem stands, by str.find; a stem's sentence is found
    by bisection and the word is matched there, within the sentence.  Where
    lowercasing changes the text's length the offsets would not match, so
    each sentence is searched on its own.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        return {number for number in range(len(starts))
                if _is_checkable(words(number).lower())}
    checkable = {_sentence_holding(starts, ends, match.start())
                 for match in _FIGURES.finditer(lowered)}
    checkable.discard(None)  # a list marker's number is in no sentence
    for stem in _CHECKABLE_STEMS:
        position = lowered.find(stem)
        while position >= 0:
            number = _sentence_holding(starts, ends, position)
            if number is not None and (
                    number in checkable
                    or _CHECKABLE_WORD.match(lowered, position, ends[number])):
                checkable.add(number)
                # The rest of this sentence can tell nothing more.
                position = lowered.find(stem, ends[number])
            else:
                position = lowered.find(stem, position + 1)
    return checkable


def audit_coverage(document: Document, text: SearchText, found: list[_Found],
                   strict: bool, problems: list) -> str:
    """Which checkable sentences does no claim quote and no dismissal name?

    Adds the problems (untracked sentences are warnings, or errors when
    strict; a dismissal that names no sentence, several, or a tracked one, is
    an error) and returns the summary line.
    """
    article = text.text
    starts, ends = _sentence_spans(article)
    joined = {}  # sentence number → its words on one line, made when needed

    def words(number: int) -> str:
        if number not in joined:
            joined[number] = " ".join(article[starts[number]:ends[number]].split())
        return joined[number]

    # A quote tracks every sentence it overlaps, so a quote may span two.
    tracked = {}  # sentence number → the id of the first claim that quotes it
    for item in found:
        for span_start, span_end in item.spans:
            number = bisect.bisect_left(starts, span_end) - 1
            while number >= 0 and ends[number] > span_start:
                tracked.setdefault(number, item.claim.id)
                number -= 1

    dismissed = set()
    if document.dismissed:
        _dismiss(document, text, starts, ends, words, tracked, dismissed, problems)

    untracked = 0
    stopped = False  # past the cap, the sentences are only counted
    for number in sorted(_checkable(article, starts, ends, words)):
        if number in tracked or number in dismissed:
            continue
        untracked += 1
        if stopped:
            continue
        line, col = text.line_col(starts[number])
        try:
            add_problem(problems, Problem(
                path=text.path, line=line, col=col, where="",
                message=f"untracked sentence states a checkable fact:"
                        f" \"{shorten(words(number), 100)}\"",
                level="error" if strict else "warning", code="untracked-sentence"))
        except TooManyProblems:
            stopped = True
    total = len(tracked) + len(dismissed) + untracked
    return (f"article coverage: {total} sentences, {len(tracked)} tracked,"
            f" {len(dismissed)} dismissed, {untracked} untracked")


def _run_starting_with(items: list[tuple[str, int]], prefix: str) -> tuple[int, int]:
    """Where the items whose text starts with prefix stand in a list sorted
    by text: the first one's index, and how many there are."""

    def head(item: tuple[str, int]) -> str:
        return item[0][:len(prefix)]

    low = bisect.bisect_left(items, prefix, key=head)
    return low, bisect.bisect_right(items, prefix, lo=low, key=head) - low


def _dismiss(document: Document, text: SearchText, starts: list[int], ends: list[int],
             words, tracked: dict, dismissed: set, problems: list) -> None:
    """Mark the sentence each dismissal names; add a problem where it names
    none, several, or a tracked one."""
    article = text.text
    # A dismissal names the sentences that start with it once both are
    # normalised.  Sorted by their normal forms, the sentences that start with
    # a dismissal are one run, found by bisection.  Only the sentences that
    # start with the dismissal's first word are sorted for it; once many
    # first words have asked for one first character, all its sentences are
    # sorted, so that no number of sentences and dismissals costs more than
    # sorting them.  Most sentences are plain ASCII that normalize leaves as
    # it is, but for joining their lines (words); the others are normalised.
    changed = {_sentence_holding(starts, ends, match.start())
               for match in _FOLDED.finditer(article)}
    changed.discard(None)
    normals = {}  # first character → (normal form, number) of the changed sentences
    for number in changed:
        normal = normalize(words(number))
        if normal:
            normals.setdefault(normal[0], []).append((normal, number))
    plain = {}  # first character → the numbers of the other sentences
    for number, start in enumerate(starts):
        if number not in changed:
            plain.setdefault(article[start], []).append(number)
    # (first character,) or (first character, first word) → the (normal
    # form, number) of the sentences that start so, sorted
    groups = {}
    first_words = Counter()  # first character → how many first words asked for it

    def sentences_starting(prefix: str) -> list[tuple[str, int]]:
        first, word = prefix[0], prefix.split(" ", 1)[0]
        if (first,) in groups:
            return groups[(first,)]
        if (first, word) in groups:
            return groups[(first, word)]
        first_words[first] += 1
        if first_words[first] > _MANY_FIRST_WORDS:
            groups[(first,)] = sorted(normals.get(first, []) + [
                (words(number), number) for number in plain.get(first, ())])
            return groups[(first,)]
        groups[(first, word)] = sorted(
            [item for item in normals.get(first, []) if item[0].startswith(word)]
            + [(words(number), number) for number in plain.get(first, ())
               if article.startswith(word, starts[number], ends[number])])
        return groups[(first, word)]

    for index, dismissal in enumerate(document.dismissed):
        prefix = normalize(dismissal.sentence)
        if prefix:
            sentences = sentences_starting(prefix)
            low, count = _run_starting_with(sentences, prefix)
            named = sentences[low][1] if count else None
        else:
            count, named = len(starts), 0
        where = f"dismissed[{index}].sentence"
        if not count:
            message = f"no sentence of {text.path} starts with {shorten(prefix, 60)!r}"
            code = "dismissal-unmatched"
        elif count > 1:
            message = (f"{count} sentences of {text.path} start with"
                       f" {shorten(prefix, 60)!r}; quote more of the one you mean")
            code = "dismissal-ambiguous"
        elif named in tracked:
            message = (f"sentence is tracked by claim {tracked[named]!r};"
                       " remove the dismissal")
            code = "dismissal-tracked"
        else:
            dismissed.add(named)
            continue
        # Past the cap the loop goes on, so that every sentence a dismissal
        # names is counted as dismissed, not untracked.
        with contextlib.suppress(TooManyProblems):
            add_problem(problems, Problem(path=document.path, line=dismissal.at[0],
                                          col=dismissal.at[1], where=where,
                                          message=message, code=code))

