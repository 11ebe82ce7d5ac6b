"""Checklist: the claims in the terminal, as `list` draws them (Checklist)
and as `show` draws one (render_claim), on the console make_console gives.

Text from the claims file goes into rich only as ``Text``, never parsed as
markup, and always through ``clean``.
"""
import os
import shutil

from rich.cells import cell_len, chop_cells
from rich.console import Console, Group
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from claimkit.display import (
    CHECK_MARKS,
    CHECK_STYLES,
    CHECK_WORDS,
    UNREAD,
    check_outcome,
    clean,
    count_sourced,
    count_verdicts,
    describe_place,
    describe_result,
    describe_source,
    mark_of,
    page_link,
    paper_id,
    reference_link,
    references_of,
    style_of,
    value_text,
)
from claimkit.model import VERDICTS, Claim, Document

MIN_WIDTH, MAX_WIDTH = 20, 500  # the terminal widths the kit renders for
# The checklist's columns: mark, claim (its id above it), source, verdict.
GAP = "  "
VERDICT_WIDTH = max(len(verdict) for verdict in VERDICTS)
# Below this, the source column would be too narrow to read.
MIN_SOURCE_WIDTH = 10
# show prints at most this many characters of a field, and this many further
# references: rich lays a text out in time that grows faster than its
# length (a note of 2 MB took 20 s).
SHOW_LIMIT = 20_000
SHOWN_REFERENCES = 100


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal cells, broken at spaces.

    A word wider than the line (a URL, say) is folded, after a / or - where
    one falls late enough in the line, so nothing is ever cut off.
    """
    width = max(width, 2)  # room for one wide character
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = cell_len(word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
        start = 0
        while size > width:
            # Chop from a slice a few times the width, never from the whole
            # word, so a megabyte without a space folds in linear time.
            head = chop_cells(word[start:start + 4 * width], width)[0]
            cut = max(head.rfind("/"), head.rfind("-")) + 1
            if cut > len(head) // 2:
                head = head[:cut]
            lines.append(head)
            start += len(head)
            size -= cell_len(head)
        line, used = word[start:], size
    if line or not lines:
        lines.append(line)
    return lines


class Checklist:
    """The checklist: a header, one row per claim, the counts and the checks.

    Laid out here rather than by rich's Table, which cannot draw the same
    layout: a Table pads every cell to its column's width, so each line of
    the list would end in spaces (the list is grepped, diffed and quoted in
    the README), and it folds a long url at the column's edge, where this
    grid folds it after a / or - so the pieces still read as a url.  Columns
    are sized to the console; text wraps at spaces and long words fold, so
    nothing is cut at any width.
    """

    def __init__(self, claims: list[Claim], results: list):
        self.claims = claims
        self.results = results

    def column_widths(self, width: int) -> tuple[int, int, int]:
        """The claim, source and verdict columns' widths in a console `width` wide.

        The verdict column is as wide as the longest verdict while the console
        leaves room.  The claim column takes 3/5 of the rest, or the width of
        the longest id, but leaves the source column room for its longest
        word (up to half the rest), so that a source such as "§1
        Introduction, p. 2" breaks at its spaces, not inside "Introduction".
        A url does not count: it folds after its slashes.  An id wider than
        what is left folds after a hyphen.
        """
        room = max(width - 1 - 3 * len(GAP), 6)
        verdict_width = min(VERDICT_WIDTH, room // 3)
        room -= verdict_width
        source_width = min(max(MIN_SOURCE_WIDTH, self.longest_source_word()), room // 2)
        id_width = max([len(claim.id or UNREAD) for claim in self.claims] + [len("claim")])
        claim_width = min(max(room * 3 // 5, id_width), room - source_width)
        return claim_width, room - claim_width, verdict_width

    def longest_source_word(self) -> int:
        return max((cell_len(word) for claim in self.claims
                    for word in clean(describe_source(claim)).split() if "/" not in word),
                   default=0)

    def __rich_console__(self, console, options):
        width = options.max_width
        claim_width, source_width, verdict_width = self.column_widths(width)
        widths = (1, claim_width, source_width, verdict_width)
        bold = console.get_style("bold")
        newline = Segment.line()

        def row(cells):
            """A row from its cells, each a list of (text, style) lines."""
            for index in range(max(len(cell) for cell in cells)):
                line = [cell[index] if index < len(cell) else ("", None)
                        for cell in cells]
                while not line[-1][0]:  # no padding after the last text
                    line.pop()
                last = len(line) - 1
                for column, (text, style) in enumerate(line):
                    yield Segment(text, style)
                    if column < last:
                        yield Segment(" " * (widths[column] - cell_len(text)) + GAP)
                yield newline

        # Counts per verdict and N/M sourced: first, so a screen that shows
        # only the top of a long list shows them, and last.
        summary = []
        for line in [*join_items(count_verdicts(self.claims), width, "   "),
                     count_sourced(self.claims)]:
            summary += [Segment(line), newline]

        yield from summary
        yield newline
        yield from row([[("", None)]] + [
            [(line, bold) for line in wrap(label, widths[column])]
            for column, label in enumerate(("claim", "source", "verdict"), 1)])
        yield Segment("─" * width)
        yield newline
        for claim in self.claims:
            mark, mark_style = mark_of(claim)
            style = console.get_style(style_of(claim.verdict))
            yield from row([
                [(mark, console.get_style(mark_style))],
                [(line, bold) for line in wrap(clean(claim.id or UNREAD), claim_width)]
                + [(line, None) for line in wrap(clean(claim.claim or UNREAD), claim_width)],
                [(line, None) for line in wrap(clean(describe_source(claim)), source_width)]
                + [(line, None) for reference in references_of(claim)
                   for line in wrap(clean(f"+ {describe_place(reference)}"), source_width)],
                [(line, style) for line in wrap(claim.verdict or UNREAD, verdict_width)],
            ])
        yield from summary
        if self.results:
            yield Segment("checks:")
            yield newline
        for result in self.results:
            mark, text = describe_result(result)
            style = console.get_style(CHECK_STYLES[result.ok])
            yield Segment(" ")
            yield Segment(mark, style)
            # Later lines hang under the text, clear of the mark; so does the note.
            yield Segment(" " + "\n   ".join(wrap(text, width - 3)))
            yield newline
            if result.check.note:
                note = wrap(clean(f"note: {result.check.note}"), width - 3)
                yield Segment("   " + "\n   ".join(note))
                yield newline


def join_items(items: list[str], width: int, separator: str) -> list[str]:
    """Items on lines at most `width` wide, never split inside one."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(separator) + len(item) <= width:
            lines[-1] += separator + item
        else:
            lines.append(item)
    return lines


class Trimmed:
    """A renderable with no spaces at the end of any line.

    rich pads every table cell to its column's width; `show` is read, copied
    and diffed, where trailing spaces are noise.
    """

    def __init__(self, renderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console, options):
        for line in console.render_lines(self.renderable, options, pad=False):
            while line and not line[-1].control and not line[-1].text.rstrip():
                line.pop()
            if line and not line[-1].control:
                last = line.pop()
                line.append(Segment(last.text.rstrip(), last.style))
            yield from line
            yield Segment.line()


def linkable(url: str | None) -> bool:
    """Whether a url may become a terminal hyperlink: http(s), printable,
    nothing that could end the escape sequence that carries it.

    isprintable refuses every character clean would escape (controls, bidi
    marks, tabs and newlines), and every space but " ".
    """
    return (url is not None and url.startswith(("http://", "https://"))
            and url.isprintable() and " " not in url)


def shown_text(value: str, style: str = "") -> Text:
    """A field's text as show prints it: cleaned, and cut after SHOW_LIMIT
    characters with how many more there are."""
    if len(value) > SHOW_LIMIT:
        value = (f"{value[:SHOW_LIMIT]}… ({len(value) - SHOW_LIMIT:,} more characters;"
                 " `kit.py export` writes them all)")
    return Text(clean(value), style=style)


def render_claim(document: Document, claim: Claim, links: bool = False):
    """One claim in full: the article's words beside the source's.

    A broken claim shows "?" for each field that could not be read.  With
    `links`, each url is also a terminal hyperlink (for a terminal only).
    """
    def url_text(url: str) -> Text:
        if links and linkable(url) and len(url) <= SHOW_LIMIT:
            return Text(url, style=Style(link=url))
        return shown_text(url)

    mark, mark_style = mark_of(claim)
    style = style_of(claim.verdict)
    heading = Text.assemble(
        (mark, mark_style), " ", shown_text(claim.id or UNREAD, "bold"), "  ",
        (claim.verdict or UNREAD, style),
    )
    source = claim.source
    quotes = Table(show_lines=False, expand=True)
    # A header given as a str would be read as markup: Text, like every cell.
    quotes.add_column(shown_text(f"article ({document.article.get('outlet', '')})"),
                      ratio=1, overflow="fold")
    label = "source"
    if source is not None and source.quote is not None and not source.quote_exact:
        label += " (paraphrase)"
    quotes.add_column(Text(label), ratio=1, overflow="fold")
    quote = UNREAD if source is None else source.quote
    quotes.add_row(shown_text(claim.article_quote or UNREAD), shown_text(quote or "—"))
    details = Table.grid(padding=(0, 1))
    details.add_column(style="bold", no_wrap=True)
    details.add_column(overflow="fold")
    details.add_row("claim", shown_text(claim.claim or UNREAD))
    if source is not None and source.section is None and source.url is not None:
        details.add_row("source", url_text(source.url))
    else:
        details.add_row("source", shown_text(describe_source(claim)))
    link = page_link(document, claim) if source is not None else None
    if link is not None:
        details.add_row("pdf", url_text(link))
        details.add_row("paper", shown_text(
            f"{document.paper.get('title', '')}, arXiv {paper_id(document)}"))
    if source is not None and source.section is not None and source.url is not None:
        details.add_row("url", url_text(source.url))
    add_references(details, document, claim, url_text)
    if claim.value is not None:
        details.add_row("value", shown_text(value_text(claim)))
    if claim.note:
        details.add_row("note", shown_text(claim.note))
    return Trimmed(Group(heading, quotes, details))


def add_references(details: Table, document: Document, claim: Claim, url_text) -> None:
    """A row for each of the claim's further references (the first
    SHOWN_REFERENCES), and one for its link."""
    references = references_of(claim)
    for reference in references[:SHOWN_REFERENCES]:
        words = f"{describe_place(reference)}: “{reference.quote}”"
        if not reference.quote_exact:
            words += " (paraphrase)"
        details.add_row("also", shown_text(words))
        link = reference_link(document, reference)
        if link is not None:
            details.add_row("", url_text(link))
    if len(references) > SHOWN_REFERENCES:
        details.add_row("", Text(f"… and {len(references) - SHOWN_REFERENCES:,} more"
                                 " references; `kit.py export` writes them all"))


def render_check(check, result=None):
    """One check in full: what it computes from which claims, what it gave,
    and its note.  result is None where the check could not be run."""
    ok = result.ok if result is not None else None
    heading = Text.assemble((CHECK_MARKS[ok], CHECK_STYLES[ok]), " ",
                            shown_text(check.id, "bold"), "  ",
                            (CHECK_WORDS[ok] if result is not None else "not run",
                             CHECK_STYLES[ok]))
    details = Table.grid(padding=(0, 1))
    details.add_column(style="bold", no_wrap=True)
    details.add_column(overflow="fold")
    rows = [("check", check.description), ("compute", check.compute),
            ("expect", check.expect if not isinstance(check.expect, bool)
             else str(check.expect).lower()),
            ("outcome", check_outcome(result) if result is not None else None),
            ("claims", ", ".join(result.claims) if result is not None else None),
            ("note", check.note)]
    for label, value in rows:
        if value is not None and value != "":
            details.add_row(label, shown_text(str(value)))
    return Trimmed(Group(heading, details))


def make_console():
    """A console for stdout that honours NO_COLOR, FORCE_COLOR and pipes."""
    # COLUMNS and LINES when they are numbers, else the terminal's size, else
    # 80 by 24 (COLUMNS=0, -5 or ² make no sense; rich would take the first
    # and fail on the last).  The width is clamped: COLUMNS=1 would print a
    # column of letters, COLUMNS=100000000 lines of gigabytes.
    size = shutil.get_terminal_size()
    shape = {"width": min(max(size.columns, MIN_WIDTH), MAX_WIDTH), "height": size.lines,
             "highlight": False, "emoji": False}
    if os.environ.get("NO_COLOR"):
        console = Console(color_system=None, **shape)
    else:
        # rich reads FORCE_COLOR itself; without it, a pipe gets no escapes.
        console = Console(**shape)
    console.on_broken_pipe = pass_on_a_closed_pipe
    return console


def pass_on_a_closed_pipe() -> None:
    """A console's on_broken_pipe, which rich calls on a closed pipe and
    which would exit 1: the kit ends quietly with its own exit code
    (output.reader_may_leave)."""
    raise BrokenPipeError
