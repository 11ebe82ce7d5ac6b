"""Texts: the article and the paper as the quote checks read them.

Matching forgives layout and typography only: reflowed lines and runs of
whitespace, curly vs straight quotes, dashes, × vs x, superscripts (10²⁵ vs
10^25), PDF ligatures (ﬁ, ﬂ) and hyphenation at line ends.  It never forgives
different words.

Speed and memory stay linear in the text (a paper is ~600 KB; a wrong copy of
it must not make the kit crawl): the text is normalised once, in blocks whose
offsets are kept, so a match in the normalised text maps back to the text as
it stands; line and page numbers come from bisecting precomputed offsets; a
quote that is not found is compared by difflib with a few candidate windows
only, found through the quote's rarest words in the word index (words.py),
and by at most its first MAX_COMPARED characters.  A quote that runs across a
page is found through the page furniture (page numbers, running heads,
footnotes) between its halves, at the page breaks near its rarest words.
"""
import bisect
import difflib
import functools
import itertools
import re
import unicodedata
from collections import Counter

from claimkit.model import TEXT_LINE_BREAK, shorten
from claimkit.words import WordIndex, read_token

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
# "foun-\ndation" in PDF text is one word broken at a line end.  This regex
# and the next two start with the hyphen itself, not a look-behind: a pattern
# that starts with a literal lets the regex engine skip to the next hyphen,
# where a look-behind first is tried at every character (ten times slower on
# prose; tests/test_quotes.py proves the matches are the same).
_LINE_END_HYPHEN = re.compile(r"-(?<=\w-)[ \t]*\r?\n\s*(?=\w)")
# A hyphen inside a word is typography too: "pre-training" and the
# "pretraining" left by joining a line-end hyphen are the same word.
_WORD_HYPHEN = re.compile(r"-(?<=[^\W\d_]-)(?=[^\W\d_])")
# "--" is how plain text writes a dash.
_DASHES = re.compile(r"--+")
# "3 x 4" and "3x 4" are "3x4".  Applied after whitespace is folded to single
# spaces, in two passes that each start with a literal (" x", then "x"), for
# the same reason.
_TIMES_SPACED = re.compile(r" x(?<=\d x) ?(?=\d)")
_TIMES = re.compile(r"x(?<=\dx) ?(?=\d)")
# A compatibility character whose NFKC form is longer than this is kept as it
# is: ligatures and superscripts fold to 1-3 characters, while U+FDFA folds to
# 18, and a text of them would grow 18-fold in memory.
_MAX_FOLD = 4
# Texts are normalised in blocks of about this many characters, cut at
# whitespace that no rule joins across, so a match maps back to the text.
_BLOCK = 4096
_BOUNDARY = re.compile(r"(?<![\s\-‐‑‒–—―−\u00adx×ｘ])\s+(?=[^\sx×ｘ])")
# A quote found more often than this is placed by its first occurrences only.
_MAX_OCCURRENCES = 200
# How many candidate windows difflib compares with a quote that is not found.
_CANDIDATES = 4
# A quote that is not found is compared by at most its first this many
# characters: difflib's cost grows with the product of the two lengths.
MAX_COMPARED = 500
# Lines that fall between the halves of a quote that crosses a page.
_PAGE_NUMBER = re.compile(r"\s*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?\s*",
                          re.IGNORECASE)
_FOOTNOTE = re.compile(r"\s*(?:[*∗†‡§¶]|\d{1,2}(?:\s|(?=http)))")
# Lines at a page's edge that repeat on this many pages are running heads,
# found on the first _RUNNING_SAMPLE pages.
_RUNNING_MIN_PAGES = 3
_RUNNING_SAMPLE = 1000
# A quote that is not found is looked for across at most this many page
# breaks: those near its rarest words.
_MAX_SEAMS = 1000

# Headings: a line holding a section number and its title, as pdftotext
# prints it ("3.3.1 Training Infrastructure") or as Markdown renders it
# ("### 3.3.1 Training Infrastructure"); "Abstract" heads the abstract.  A
# page's first line starts with pdftotext's form feed.  Each match starts
# with the newline before its line (search "\n" + text), which lets the regex
# engine skip from line to line instead of trying every position.
HEADING = re.compile(
    r"\n[ \t\f]*+(?:#{1,6}[ \t]+)?(?:\*\*)?(?:(\d{1,3}(?:\.\d{1,3}){0,4})\.?[ \t]+(\S[^\n]*)"
    r"|((?i:abstract))[ \t]*+(?:\*\*[ \t]*+)?(?=\n|\Z))"
)
# A heading's title may be cut by a line break; this much of it is enough.
MIN_TITLE_PREFIX = 12
# arXiv's stamp down a paper's first page: "arXiv:2407.21783v3 [cs.AI] 15 Aug
# 2024".  The subject class after it tells the stamp from a versioned
# reference to another paper.
ARXIV_STAMP = re.compile(r"arXiv:(\d{4}\.\d{4,5})(v\d+)[ \t]+\[[a-z-]+(?:\.[A-Za-z-]+)?\]")


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
        text = _TIMES.sub("x", _TIMES_SPACED.sub("x", text))
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


def compared_part(needle: str) -> str:
    """What of a normalised quote closest() compares: all of it, or its
    first MAX_COMPARED characters, cut at a space."""
    if len(needle) <= MAX_COMPARED:
        return needle
    cut = needle.rfind(" ", 0, MAX_COMPARED + 1)
    return needle[:cut if cut > 0 else MAX_COMPARED]


def one_line(text: str) -> str:
    """A passage of a text as a quote gives it: on one line, a word broken
    at a line end ("foun-\\ndation") joined as normalize joins it."""
    return " ".join(_LINE_END_HYPHEN.sub("", text).split())


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
        self._words = None
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

    def words(self) -> WordIndex:
        """The word index of the normalised text, built on first use."""
        if self._words is None:
            self._words = WordIndex(self.normal)
        return self._words

    def _rarest(self, words: list[str], count: int = 3) -> list[tuple[int, tuple]]:
        """The rarest terms of a quote's words that the text holds: each
        with the offset of its word in the quote, rarest first."""
        index = self.words()
        offsets, offset = {}, 0
        for word in words:
            offsets.setdefault(word, offset)
            offset += len(word) + 1
        rare = sorted((index.count(keys), offset, keys)
                      for word, offset in offsets.items()
                      for keys in read_token(word).terms if index.count(keys))
        return [(offset, keys) for _, offset, keys in rare[:count]]

    def closest(self, needle: str) -> tuple[int, int, float] | None:
        """The span of the text most like needle, and its similarity.

        Candidate windows start where the quote's rarest words stand (from
        the word index, built once for the whole text); difflib compares
        only a few.  A quote longer than MAX_COMPARED is compared by its
        first MAX_COMPARED characters, so the cost is bounded for any quote
        and any text.
        """
        needle = compared_part(needle)
        words = needle.split(" ")
        starts = set()
        for offset, keys in self._rarest(words):
            for position in self.words().where(keys, _MAX_OCCURRENCES):
                starts.add(max(0, position - offset))
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
            # difflib's ratio for the span the blocks cover: the text around
            # it, which matches nothing, is left out.
            ratio = 2 * sum(block.size for block in blocks) / (len(needle) + last - first)
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
    """The text around page breaks, with the page furniture left out.

    A quote that runs across a page has a page number, a running head or a
    footnote between its halves in a PDF's text.  Each seam joins the end of
    one page's body to the start of the next one's.  A quote is looked for
    in the seams of the page breaks near where its rarest words stand (at
    most _MAX_SEAMS of them), joined into one text with a character no
    quote holds between them: a text of many short pages costs what those
    few seams cost.
    """

    def __init__(self, text: SearchText, reach: int = 1200) -> None:
        self.text, self.reach = text, reach
        whole, breaks = text.text, text.page_breaks
        # Running heads repeat on every page: the first pages show them.
        sampled = [-1, *breaks[:_RUNNING_SAMPLE]]
        sampled.append(breaks[_RUNNING_SAMPLE] if len(breaks) > _RUNNING_SAMPLE else len(whole))
        edges = Counter()
        for start, end in itertools.pairwise(sampled):
            edges.update({_furniture_key(line) for line in _edge_lines(whole, start + 1, end)})
        self.running = {key for key, pages_seen in edges.items()
                        if key and pages_seen >= _RUNNING_MIN_PAGES}

    def near(self, needle: str) -> list[int]:
        """The numbers of the page breaks a quote may run across: those
        within reach of where its rarest words stand, in order."""
        text, breaks = self.text, self.text.page_breaks
        if len(needle) > 2 * self.reach:  # longer than any seam
            return []
        reach = len(needle) + 2 * self.reach
        chosen = set()
        for _, keys in text._rarest(needle.split(" ")):
            for position in text.words().where(keys, _MAX_OCCURRENCES):
                at = text.original(position, position)[0]
                low = bisect.bisect_left(breaks, at - reach)
                high = bisect.bisect_right(breaks, at + reach)
                chosen.update(range(low, min(high, low + _MAX_SEAMS)))
                if len(chosen) >= _MAX_SEAMS:
                    return sorted(chosen)[:_MAX_SEAMS]
        return sorted(chosen)

    def find_all(self, needle: str):
        whole, breaks = self.text.text, self.text.page_breaks
        seams, pieces, length = [], [], 0  # seams: (start in joined, before span, after start)
        for number in self.near(needle):
            page_break = breaks[number]
            before_start = breaks[number - 1] if number else -1
            after_end = breaks[number + 1] if number + 1 < len(breaks) else len(whole)
            tail = _body_end(whole, max(before_start + 1, page_break - self.reach),
                             page_break, self.running)
            head = _body_start(whole, page_break + 1,
                               min(after_end, page_break + 1 + self.reach), self.running)
            pieces.append(whole[tail[0]:tail[1]] + "\n" + whole[head[0]:head[1]])
            seams.append((length, tail, head[0]))
            length += len(pieces[-1]) + len(_SEAM)
        if not seams:
            return
        starts = [seam[0] for seam in seams]
        for low, high in SearchText(_SEAM.join(pieces), self.text.path).find_all(needle):
            start, (tail_start, tail_end), head_start = seams[bisect.bisect_right(starts, low) - 1]
            before = tail_end - tail_start
            yield tuple(tail_start + offset if offset <= before
                        else head_start + offset - before - 1
                        for offset in (low - start, high - start))


# Between two seams: a control character, which no quote can hold (a claims
# file refuses them) and normalising keeps.
_SEAM = "\x00"


def _edge_lines(text: str, start: int, end: int, count: int = 3) -> list[str]:
    """The first and the last few lines of text[start:end] that hold
    something, found without splitting the page (a page may be megabytes of
    short lines)."""
    lines, cut = [], start
    for _ in range(count):
        stop = text.find("\n", cut, end)
        lines.append(text[cut:end if stop < 0 else stop])
        if stop < 0:
            break
        cut = stop + 1
    cut = end
    for _ in range(count):
        stop = text.rfind("\n", start, cut)
        lines.append(text[max(start, stop + 1):cut])
        if stop < 0:
            break
        cut = stop
    return [line for line in lines if line.strip()]


@functools.lru_cache(maxsize=4096)
def _furniture_key(line: str) -> str:
    """A page-edge line with its digits left out: "Page 7" and "Page 8" repeat.
    (Cached: running heads repeat on every page.)"""
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

