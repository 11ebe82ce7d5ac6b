"""Texts: the article and the paper as the quote checks read them.

Matching forgives layout and typography only: reflowed lines and runs of
whitespace, curly vs straight quotes, dashes, × vs x, superscripts (10²⁵ vs
10^25), PDF ligatures (ﬁ, ﬂ) and hyphenation at line ends.  It never forgives
different words.

Speed and memory stay linear in the text (a paper is ~600 KB; a wrong copy of
it must not make the kit crawl): the text is normalised once, in blocks whose
offsets are kept, so a match in the normalised text maps back to the text as
it stands; line numbers come from newlines counted per chunk, page numbers
from bisecting the page breaks; a quote that is not found is compared by
difflib with a few candidate windows only, found through the quote's rarest
words in the word index (words.py), and by at most its first MAX_COMPARED
characters.  A quote that runs across a page is found through the page
furniture (page numbers, running heads, footnotes) between its halves, at
the page breaks near its rarest words (pages.py).  A text of more than
MAX_PAGES pages, or one that runs on for MAX_RUN characters with nowhere to
cut it into blocks, is refused (too-large).
"""
import bisect
import difflib
import re
import unicodedata

from claimkit.load import LoadError
from claimkit.model import TEXT_LINE_BREAK, shorten
from claimkit.pages import Seams
from claimkit.problems import Problem
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
# prose; tests/test_texts.py proves the matches are the same).
LINE_END_HYPHEN = re.compile(r"-(?<=\w-)[ \t]*\r?\n\s*(?=\w)")
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
# The characters that make whitespace beside them joinable, once folded
# (NFKC, then _TYPOGRAPHY): a hyphen before it ("foun-\ndation"), an x on
# either side ("3 x 4"), and one that folds to nothing ("3 ^x 4").  Every
# code point whose fold ends in a hyphen, starts or ends with an x, or is
# empty (tests/test_quotes.py scans them all).
_HYPHEN_END = "\\-‐‑‒–—―−⁻₋︱︲﹘﹣－"
_VANISHING = "\u00ad^＾"
_MATH_X = "".join(map(chr, range(0x1D431, 0x1D6A2, 0x34)))  # bold x, italic x, …
_X_START = "x×ｘˣₓⓧⅹⅺⅻ" + _MATH_X
_X_END = "x×ｘˣₓⓧⅸⅹ㏓" + _MATH_X
_BOUNDARY = re.compile(rf"(?<![\s{_HYPHEN_END}{_VANISHING}{_X_END}])\s+"
                       rf"(?=[^\s{_VANISHING}{_X_START}])")
# Where no such whitespace comes for 16 blocks (a run of words joined by
# hyphens, an inline image's base64), a block is glued: cut between two
# characters that no rule reads across and that never compose, and joined to
# the next without a space.  They are ASCII letters and digits and CJK
# ideographs, but never an x beside a digit, which "3x 4" joins across.
_GLUE_AFTER = 16
_LETTERS = "[A-Za-z\u4e00-\u9fff]"
_NOT_X = "[0-9A-Za-wyz\u4e00-\u9fff]"
_CUT = re.compile(f"{_BOUNDARY.pattern}|(?<={_LETTERS})(?={_LETTERS})|(?<={_NOT_X})(?={_NOT_X})")
# A text that runs longer than this with no cut of either kind is refused:
# a block costs some twenty times its size in memory to normalise, and
# placing a match in it folds it again some twenty times.
MAX_RUN = 1 << 18
# A text of more pages (form feeds) than this is refused: 50 MB in pages of
# 500 characters.  Each page break is kept, to place quotes on their pages.
MAX_PAGES = 100_000
# A quote found more often than this is placed by its first occurrences only.
_MAX_OCCURRENCES = 200
# How many candidate windows difflib compares with a quote that is not found.
_CANDIDATES = 4
# A quote that is not found is compared by at most its first this many
# characters: difflib's cost grows with the product of the two lengths.
MAX_COMPARED = 500

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
        text = LINE_END_HYPHEN.sub("", text)
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
    """(start, end, glued) of blocks of text, cut at whitespace no rule joins
    across, or else glued to the block before (see _CUT): the normal forms
    of the blocks, joined by a space or, before a glued one, by nothing, are
    the normal form of the text."""
    # Whitespace at the end joins nothing, and is in no block.
    end = _before_space(text, start, len(text) if end is None else end)
    glued = False
    while start < end:
        cut = None
        if start + size < end:
            # From the start of the whitespace that the block's size ends in,
            # which is where a cut may begin.
            after = _before_space(text, start, start + size)
            cut = (_BOUNDARY.search(text, after, min(end, start + _GLUE_AFTER * size))
                   or _CUT.search(text, after, end))
        if cut is None:
            yield start, end, glued
            return
        yield start, cut.start(), glued
        start, glued = cut.end(), cut.end() == cut.start()


def _before_space(text: str, start: int, end: int) -> int:
    """Where text[start:end] ends once the whitespace at its end is left
    out, stripped a few kilobytes at a time: 50 MB of newlines is a few
    thousand strips, and a regex would try every character."""
    while end > start and text[end - 1].isspace():
        cut = max(start, end - 4096)
        kept = len(text[cut:end].rstrip())
        if kept:
            return cut + kept
        end = cut
    return end


def _fold_blocks(text: str, blocks) -> tuple[str, list[int], list[tuple[int, int]]]:
    """The normal form of text from those of its blocks (see _block_spans),
    with where each block that has one starts in it, and the block's span."""
    parts, starts, spans, length = [], [], [], 0
    for start, end, glued in blocks:
        piece = _fold(text[start:end])
        if piece:
            if length and not glued:
                parts.append(" ")
                length += 1
            starts.append(length)
            spans.append((start, end))
            parts.append(piece)
            length += len(piece)
    return "".join(parts), starts, spans


def normalize(text: str) -> str:
    """Fold the layout and typography a quote may differ in; keep the words."""
    if len(text) <= _BLOCK:  # one block, as _block_spans would cut it: a quote, a sentence
        return _fold(text.rstrip())
    return _fold_blocks(text, _block_spans(text))[0]


def _refuse_long_runs(blocks, text: str, path: str):
    """The blocks, or LoadError at the first one longer than MAX_RUN."""
    for start, end, glued in blocks:
        if end - start > MAX_RUN:
            raise LoadError(Problem.at(
                path, LineIndex(text).line_col(start), "too-large",
                f"the text runs on for more than {MAX_RUN:,} characters from here"
                " with neither a space nor two letters or digits side by side"))
        yield start, end, glued


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
    return " ".join(LINE_END_HYPHEN.sub("", text).split())


def plain_newlines(text: str) -> str:
    """The text with each \r\n and lone \r (old Mac files) made \n: a text
    editor ends a line at any of them, and the kit then finds paragraphs,
    headings and pages, and counts lines and columns, as the editor shows
    them."""
    return TEXT_LINE_BREAK.sub("\n", text) if "\r" in text else text


class LineIndex:
    """1-based line and column of offsets into a text with plain newlines.

    The newlines are counted once per chunk of the text, and a lookup counts
    them within one chunk: memory does not grow with the number of lines (a
    list of where each line starts would take 2 GB for 50 MB of newlines).
    """

    _CHUNK = 4096

    def __init__(self, text: str) -> None:
        self.text = text
        # Per chunk: the newlines before its start, and the offset of the
        # last one (-1 for none).
        self.lines_before, self.last_newline = [0], [-1]
        for start in range(0, len(text), self._CHUNK):
            end = start + self._CHUNK
            self.lines_before.append(self.lines_before[-1] + text.count("\n", start, end))
            last = text.rfind("\n", start, end)
            self.last_newline.append(last if last >= 0 else self.last_newline[-1])

    def line_col(self, offset: int) -> tuple[int, int]:
        chunk = min(offset // self._CHUNK, len(self.lines_before) - 1)
        start = chunk * self._CHUNK
        line = self.lines_before[chunk] + self.text.count("\n", start, offset) + 1
        last = self.text.rfind("\n", start, offset)
        return line, offset - (last if last >= 0 else self.last_newline[chunk])


class SearchText:
    """A text prepared for finding quotes: normalised once, with the way back.

    normal is the normalised text; the blocks record where each normalised
    block starts and which span of the text it came from.  Its text has
    plain newlines (see plain_newlines).
    """

    def __init__(self, text: str, path: str) -> None:
        """Raises LoadError for a text of more than MAX_PAGES pages, or one
        that runs on for MAX_RUN characters with nowhere to cut it."""
        if text.count("\f") >= MAX_PAGES:
            raise LoadError(Problem.at(
                path, (1, 1), "too-large",
                f"the text has more than the limit of {MAX_PAGES:,} pages (form feeds)"))
        text = plain_newlines(text)
        self.text, self.path = text, path
        self.normal, self.norm_starts, self.spans = _fold_blocks(
            text, _refuse_long_runs(_block_spans(text), text, path))
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
            _, starts, spans = _fold_blocks(
                self.text, _block_spans(self.text, *self.spans[index], size=256))
            self._pieces[index] = [(self.norm_starts[index] + start, *span)
                                   for start, span in zip(starts, spans, strict=True)]
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
            self._seams = Seams(self, _MAX_OCCURRENCES)
        yield from self._seams.find_all(needle)

    def words(self) -> WordIndex:
        """The word index of the normalised text, built on first use."""
        if self._words is None:
            self._words = WordIndex(self.normal)
        return self._words

    def rarest(self, words: list[str], count: int = 3) -> list[tuple[int, tuple]]:
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
        for offset, keys in self.rarest(words):
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
