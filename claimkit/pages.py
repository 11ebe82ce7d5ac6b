"""Pages: the furniture at a page's edges (page numbers, running heads,
footnotes), and the seams that join one page's body to the next one's, where
a quote that runs across a page is found.
"""
import bisect
import functools
import itertools
import re
from collections import Counter

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


class Seams:
    """The text around page breaks, with the page furniture left out.

    A quote that runs across a page has a page number, a running head or a
    footnote between its halves in a PDF's text.  Each seam joins the end of
    one page's body to the start of the next one's.  A quote is looked for
    in the seams of the page breaks near where its rarest words stand (at
    most _MAX_SEAMS of them), joined into one text with a character no
    quote holds between them: a text of many short pages costs what those
    few seams cost.
    """

    def __init__(self, text, occurrences: int, reach: int = 1200) -> None:
        """text is a SearchText with page breaks; a quote's rarest words are
        taken where they first stand, up to `occurrences` times each."""
        self.text, self.occurrences, self.reach = text, occurrences, reach
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
        for _, keys in text.rarest(needle.split(" ")):
            for position in text.words().where(keys, self.occurrences):
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
        # A SearchText, made by the text's own class: texts.py imports this module.
        for low, high in type(self.text)(_SEAM.join(pieces), self.text.path).find_all(needle):
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

