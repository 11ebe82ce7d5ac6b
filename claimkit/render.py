"""Render: a Document → text, one pure function per format.

The rich-based renderers (the checklist, one claim, HTML) build renderables
or record a console; the others return plain strings.  Every string that
comes from the claims file goes through ``clean`` before it can reach a
terminal, and into rich only as ``Text`` (never parsed as markup).
"""
import os
import re
from collections.abc import Callable

from claimkit.evaluate import format_tolerance, format_value
from claimkit.model import VERDICTS, Claim, Document, escape_controls, record, section_order

# Each verdict's mark and colour, for every format.  A mark tells the verdict
# without its colour: overstated (▲) and imprecise (≈) differ in both.
MARKS = {
    "supported": "✔",
    "overstated": "▲",
    "imprecise": "≈",
    "contradicted": "✘",
    "not-in-paper": "○",
    "unsourced": "☐",
}
STYLES = {
    "supported": "green",
    "overstated": "dark_orange",
    "imprecise": "yellow",
    "contradicted": "red",
    "not-in-paper": "cyan",
    "unsourced": "magenta",
}
# A claim with problems, shown as far as it could be read; "?" stands for
# each field that could not be.
PROBLEM_MARK, PROBLEM_STYLE, UNREAD = "‼", "bold red", "?"
# `--sort verdict`: the claims that need attention first.
ATTENTION_ORDER = ("contradicted", "overstated", "imprecise", "unsourced",
                   "not-in-paper", "supported")
# The verdicts in plain English, for readers of the exports.
VERDICT_WORDS = {
    "supported": "Supported",
    "overstated": "Overstated",
    "imprecise": "Imprecise",
    "contradicted": "Contradicted",
    "not-in-paper": "Not in the paper",
    "unsourced": "Not yet sourced",
}
# A check's result (ok is None when it cannot be computed): mark and word.
CHECK_MARKS = {True: "✔", False: "✘", None: "?"}
CHECK_WORDS = {True: "holds", False: "fails", None: "cannot be computed"}
# ClaimReview rating for each published verdict (5 best, 1 worst); see
# README.  Unsourced claims are not published.
RATINGS = {
    "supported": 5,
    "imprecise": 4,
    "not-in-paper": 3,
    "overstated": 2,
    "contradicted": 1,
}

_FOLD = re.compile("[\t\n]")


def clean(text) -> str:
    """Text safe for a terminal: controls shown escaped, never raw."""
    return escape_controls(_FOLD.sub(" ", str(text)))


def section_key(section: str | None) -> tuple:
    """Sort key that puts the abstract first, 3.10 after 3.9, and claims
    with no section last."""
    return (2,) if section is None else section_order(section)


def describe_source(claim: Claim) -> str:
    """Where a claim's source is, as people cite it: §3.3.2 Table 4, p. 10.

    A locator (a table, figure, footnote or equation) is more exact than the
    section's title, and takes its place.
    """
    source = claim.source
    if source is None:
        return UNREAD
    if source.section is not None:
        text = f"§{source.section} {source.locator or source.title or UNREAD}"
        if source.page is not None:
            text += f", p. {source.page}"
        return text
    if source.url is not None:
        return source.url.split("://", 1)[-1]
    # A broken claim's section or url may be what could not be read.
    return "no source yet" if claim.verdict == "unsourced" or not claim.broken else UNREAD


def paper_id(document: Document) -> str:
    """The paper's arXiv id with its version where the header gives one: 2407.21783v3."""
    paper = document.paper
    return f"{paper.get('arxiv', '')}{paper.get('version') or ''}"


def page_link(document: Document, claim: Claim) -> str | None:
    """The page of the arXiv PDF that a paper-sourced claim cites, built
    from the header's paper.arxiv and paper.version, never typed by hand."""
    from urllib.parse import quote

    source = claim.source
    if source.section is None or source.page is None or not document.paper.get("arxiv"):
        return None
    return f"https://arxiv.org/pdf/{quote(paper_id(document), safe='.')}#page={source.page}"


def source_link(document: Document, claim: Claim) -> str | None:
    """Where a reader can check the source: the PDF page, or the outside url."""
    return page_link(document, claim) or claim.source.url


def verdict_counts(claims: list[Claim]) -> tuple[dict[str, int], int]:
    """How many readable claims have each verdict (in vocabulary order, 0s
    included), and how many claims are broken."""
    counts = {verdict: 0 for verdict in VERDICTS}
    broken = 0
    for claim in claims:
        if claim.broken:
            broken += 1
        else:
            counts[claim.verdict] += 1
    return counts, broken


def count_verdicts(claims: list[Claim]) -> list[str]:
    """One "✔ 29 supported" part per verdict that occurs, in vocabulary
    order, then "‼ 2 with problems" for broken claims."""
    counts, broken = verdict_counts(claims)
    parts = [f"{MARKS[v]} {n} {v}" for v, n in counts.items() if n]
    if broken:
        parts.append(f"{PROBLEM_MARK} {broken} with problems")
    return parts


def mark_of(claim: Claim) -> tuple[str, str]:
    """A claim's mark and style: its verdict's, or the problem mark."""
    if claim.broken:
        return PROBLEM_MARK, PROBLEM_STYLE
    return MARKS[claim.verdict], STYLES[claim.verdict]


def attention_rank(claim: Claim) -> int:
    """Where `--sort verdict` puts a claim: problems first, supported last."""
    return -1 if claim.broken else ATTENTION_ORDER.index(claim.verdict)


def count_sourced(claims: list[Claim]) -> str:
    sourced = sum(claim.sourced for claim in claims)
    return f"{sourced}/{len(claims)} claims sourced"


def shown_line(shown: int, total: int) -> str:
    return f"showing {shown} of {total} claims"


def check_outcome(result) -> str:
    """What a check gave, as text: computed 3.791e+25, expected 3.8e+25 (±5%)."""
    check = result.check
    text = (f"computed {format_value(result.computed)},"
            f" expected {format_value(result.expected)}")
    if check.tolerance and not isinstance(result.computed, bool):
        text += f" ({format_tolerance(check.tolerance)})"
    return text


def describe_result(result) -> tuple[str, str]:
    """A check result as (mark, text)."""
    check = result.check
    mark = CHECK_MARKS[result.ok]
    text = f"{check.id}: {check_outcome(result)}"
    if check.description:
        text += f" — {check.description}"
    return mark, clean(text)


# -- rich: the checklist and one claim -------------------------------------

# The checklist's columns: mark, claim (its id above it), source, verdict.
GAP = "  "
VERDICT_WIDTH = max(len(verdict) for verdict in VERDICTS)
# Below this, the source column would be too narrow to read.
MIN_SOURCE_WIDTH = 10


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal cells, broken at spaces.

    A word wider than the line (a URL, say) is folded, after a / or - where
    one falls late enough in the line, so nothing is ever cut off.
    """
    from rich.cells import cell_len, chop_cells

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
        leaves room, the source column takes 2/5 of the rest, and the claim
        column gives way first, down to the width of the longest id.
        """
        room = max(width - 1 - 3 * len(GAP), 6)
        verdict_width = min(VERDICT_WIDTH, room // 3)
        room -= verdict_width
        id_width = max([len(claim.id or UNREAD) for claim in self.claims] + [len("claim")])
        claim_width = min(max(room * 3 // 5, id_width), room - MIN_SOURCE_WIDTH)
        claim_width = max(claim_width, room // 2)
        return claim_width, room - claim_width, verdict_width

    def __rich_console__(self, console, options):
        from rich.cells import cell_len
        from rich.segment import Segment

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
            style = console.get_style(STYLES.get(claim.verdict, PROBLEM_STYLE))
            yield from row([
                [(mark, console.get_style(mark_style))],
                [(line, bold) for line in wrap(clean(claim.id or UNREAD), claim_width)]
                + [(line, None) for line in wrap(clean(claim.claim or UNREAD), claim_width)],
                [(line, None) for line in wrap(clean(describe_source(claim)), source_width)],
                [(line, style) for line in wrap(claim.verdict or UNREAD, verdict_width)],
            ])
        yield from summary
        if self.results:
            yield Segment("checks:")
            yield newline
        for result in self.results:
            mark, text = describe_result(result)
            style = console.get_style({"✔": "green", "✘": "red"}.get(mark, "yellow"))
            yield Segment(" ")
            yield Segment(mark, style)
            # Later lines hang under the text, clear of the mark.
            yield Segment(" " + "\n   ".join(wrap(text, width - 3)))
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
        from rich.segment import Segment

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
    nothing that could end the escape sequence that carries it."""
    return (url is not None and url.startswith(("http://", "https://"))
            and url.isprintable() and clean(url) == url and " " not in url)


def render_claim(document: Document, claim: Claim, links: bool = False):
    """One claim in full: the article's words beside the source's.

    A broken claim shows "?" for each field that could not be read.  With
    `links`, each url is also a terminal hyperlink (for a terminal only).
    """
    from rich.console import Group
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    def url_text(url: str) -> Text:
        if links and linkable(url):
            return Text(url, style=Style(link=url))
        return Text(clean(url))

    mark, mark_style = mark_of(claim)
    style = STYLES.get(claim.verdict, PROBLEM_STYLE)
    heading = Text.assemble(
        (mark, mark_style), " ", (clean(claim.id or UNREAD), "bold"), "  ",
        (claim.verdict or UNREAD, style),
    )
    source = claim.source
    quotes = Table(show_lines=False, expand=True)
    # A header given as a str would be read as markup: Text, like every cell.
    quotes.add_column(Text(f"article ({clean(document.article.get('outlet', ''))})"),
                      ratio=1, overflow="fold")
    label = "source"
    if source is not None and source.quote is not None and not source.quote_exact:
        label += " (paraphrase)"
    quotes.add_column(Text(label), ratio=1, overflow="fold")
    quote = UNREAD if source is None else source.quote
    quotes.add_row(Text(clean(claim.article_quote or UNREAD)), Text(clean(quote or "—")))
    details = Table.grid(padding=(0, 1))
    details.add_column(style="bold", no_wrap=True)
    details.add_column(overflow="fold")
    details.add_row("claim", Text(clean(claim.claim or UNREAD)))
    if source is not None and source.section is None and source.url is not None:
        details.add_row("source", url_text(source.url))
    else:
        details.add_row("source", Text(clean(describe_source(claim))))
    link = page_link(document, claim) if source is not None else None
    if link is not None:
        details.add_row("pdf", url_text(link))
        details.add_row("paper", Text(clean(
            f"{document.paper.get('title', '')}, arXiv {paper_id(document)}")))
    if source is not None and source.section is not None and source.url is not None:
        details.add_row("url", url_text(source.url))
    if claim.value is not None:
        details.add_row("value", Text(clean(value_text(claim))))
    if claim.note:
        details.add_row("note", Text(clean(claim.note)))
    return Trimmed(Group(heading, quotes, details))


# -- exports ----------------------------------------------------------------

class ExportError(Exception):
    """A format cannot be written from this file (exit 2, one line)."""


def claim_record(document: Document, claim: Claim) -> dict:
    source = claim.source
    record = {
        "id": claim.id,
        "claim": claim.claim,
        "article_quote": claim.article_quote,
        "verdict": claim.verdict,
        "source": {
            "section": source.section,
            "title": source.title,
            "locator": source.locator,
            "page": source.page,
            "page_url": page_link(document, claim),
            "quote": source.quote,
            "url": source.url,
        },
    }
    if not source.quote_exact:
        record["source"]["quote_exact"] = False
    if claim.note is not None:
        record["note"] = claim.note
    if claim.value is not None:
        record["value"] = claim.value
        record["unit"] = claim.unit
    return record


def check_record(result) -> dict:
    return {
        "id": result.check.id,
        "claims": result.claims,
        "expected": result.expected,
        "computed": result.computed,
        "ok": result.ok,
    }


def render_json(document: Document, claims: list[Claim], results: list,
                total: int) -> str:
    import json

    data = {
        "claims": [claim_record(document, claim) for claim in claims],
        "checks": [check_record(result) for result in results],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- markdown ---------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _markdown(text) -> str:
    """Text from the file as literal Markdown: every special character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", clean(text))


_MARKDOWN_BLOCK_START = re.compile(r"^(\d*)([-+=.)])")


def _markdown_block(text) -> str:
    """Text that starts a line, kept from reading as a list item or a heading."""
    return _MARKDOWN_BLOCK_START.sub(r"\1\\\2", _markdown(text))


def _markdown_url(url: str) -> str:
    """A url as a link target: the characters that would end it, encoded."""
    from urllib.parse import quote

    return quote(clean(url), safe=":/?#[]@!$&'*+,;=%~.-_")


def _markdown_link(text: str, url: str | None) -> str:
    if url is None:
        return _markdown(text)
    return f"[{_markdown(text)}]({_markdown_url(url)})"


def verdict_label(verdict: str) -> str:
    """The verdict as a reader sees it, mark and word: ▲ Overstated."""
    return f"{MARKS[verdict]} {VERDICT_WORDS[verdict]}"


MARKDOWN_LEGEND = ("Legend: `[x]` checked against a source, whatever the verdict;"
                   " `[ ]` not yet sourced.")


def render_markdown(document: Document, claims: list[Claim], results: list,
                    total: int) -> str:
    article, paper, review = document.article, document.paper, document.review or {}
    title = _markdown_link(article.get("title", ""), article.get("url"))
    byline = (f"{_markdown(article.get('outlet', ''))}, {_markdown(article.get('date', ''))}:"
              f" checked against *{_markdown_link(paper.get('title', ''), paper_url(document))}*"
              f" ({_markdown(paper.get('authors', ''))}, arXiv {_markdown(paper_id(document))})")
    if review:
        byline += (f"; reviewed by {_markdown(review.get('reviewer', ''))}"
                   f" on {_markdown(review.get('date', ''))}")
    lines = [f"# Claims checked: {title}", "", byline + ".", "",
             " · ".join(count_verdicts(claims)) + "  ", count_sourced(claims), ""]
    if total != len(claims):
        lines += [f"{shown_line(len(claims), total).capitalize()}.", ""]
    lines += [MARKDOWN_LEGEND, ""]
    groups: dict = {}
    for claim in claims:
        groups.setdefault(claim.source.section, []).append(claim)
    for section in sorted(groups, key=section_key):
        if section is None:
            heading = "Outside the paper, or not yet sourced"
        else:
            section_title, page = document.sections[section]
            heading = f"§{section} {section_title}" + (f" (p. {page})" if page else "")
        lines += [f"## {_markdown(heading)}", ""]
        for claim in groups[section]:
            lines += markdown_entry(document, claim)
    if results:
        lines += ["## Checks", ""]
        for result in results:
            mark, text = describe_result(result)
            lines.append(f"- {mark} {_markdown(text)}")
        lines.append("")
    return "\n".join(lines)


def markdown_entry(document: Document, claim: Claim) -> list[str]:
    """One claim as a task-list item; the box says "checked against a source"."""
    source = claim.source
    box = "[x]" if claim.sourced else "[ ]"
    outlet = _markdown(document.article.get("outlet", ""))
    lines = [f"- {box} **{verdict_label(claim.verdict)}** · {_markdown(claim.id)}",
             f"  {_markdown_block(claim.claim)}", "",
             f"  > **The article ({outlet}):** {_markdown(claim.article_quote)}", ""]
    if source.quote is not None:
        label = "The source" + ("" if source.quote_exact else " (paraphrase)")
        lines += [f"  > **{label}:** {_markdown(source.quote)}", ""]
    if claim.note:
        lines += [f"  {_markdown_block(claim.note)}", ""]
    if claim.sourced:
        link = _markdown_link(describe_source(claim), source_link(document, claim))
        lines += [f"  Source: {link}"]
        if claim.value is not None:
            lines[-1] += "  "
    if claim.value is not None:
        lines += [f"  Value: {_markdown(value_text(claim))}"]
    if lines[-1]:
        lines.append("")
    return lines


def exact_number(value: float) -> str:
    """A number for people, every digit kept: 1,234,567, 405,000,000,000
    (written 405e9), 0.1, 3.8e+25 (past 1e16, where a float's integer
    digits are no longer the ones written)."""
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e16):
        return repr(value)
    return f"{int(value):,}"


def value_text(claim: Claim) -> str:
    """A claim's value and unit, for people (show, markdown, html)."""
    return f"{exact_number(claim.value)} {claim.unit or ''}".rstrip()


def paper_url(document: Document) -> str | None:
    """The paper's page: the header's url, else its arXiv abstract page."""
    paper = document.paper
    if paper.get("url"):
        return paper["url"]
    if paper.get("arxiv"):
        return f"https://arxiv.org/abs/{paper_id(document)}"
    return None


# -- csv --------------------------------------------------------------------

# The columns, in order (README, "Exports").
CSV_FIELDS = ("id", "claim", "article_quote", "verdict", "section", "title",
              "locator", "page", "page_url", "quote", "quote_exact", "url",
              "value", "unit", "note")
# OWASP, CSV injection: a cell a spreadsheet would read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_row(document: Document, claim: Claim) -> dict:
    """The JSON record, flattened: the source's fields become columns."""
    record = claim_record(document, claim)
    source = record.pop("source")
    source["quote_exact"] = (None if source["quote"] is None
                             else str(bool(claim.source.quote_exact)).lower())
    if claim.value is not None:
        record["value"] = repr(claim.value)  # reads back as the same number
    return {**record, **source}


def render_csv(document: Document, claims: list[Claim], results: list,
               total: int) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for claim in claims:
        row = csv_row(document, claim)
        # The value is a number's repr, which no spreadsheet reads as a
        # formula: a minus sign there is the number's own.
        writer.writerow({key: cell if key == "value" else neutralize_cell(cell)
                         for key, cell in row.items()})
    return out.getvalue()


# -- ClaimReview --------------------------------------------------------------

# Google asks that claimReviewed stay under this, to fit a phone's screen.
CLAIM_REVIEWED_LIMIT = 75


def claim_reviews(document: Document, claims: list[Claim]) -> list[dict]:
    """schema.org ClaimReview objects for the sourced claims.

    Raises ExportError when the header has no review.url: every review's url
    is review.url#claim-id, and Google requires it.
    """
    from urllib.parse import urlsplit

    article, review = document.article, document.review or {}
    if not review.get("url"):
        raise ExportError("ClaimReview needs review.url in the file's header"
                          " (each review's url is review.url#claim-id)")
    parts = urlsplit(review["url"])
    appearance = {"@type": "CreativeWork", "headline": article.get("title")}
    if article.get("url"):
        appearance["url"] = article["url"]
    author = {"@type": "Organization", "name": review.get("reviewer"),
              "url": f"{parts.scheme}://{parts.netloc}/"}
    reviews = []
    for claim in claims:
        if not claim.sourced:
            continue
        item = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{review['url']}#{claim.id}",
            "claimReviewed": claim.claim,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": RATINGS[claim.verdict],
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": VERDICT_WORDS[claim.verdict],
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Organization", "name": article.get("outlet")},
                "datePublished": article.get("date"),
                "appearance": appearance,
            },
            "author": author,
            "datePublished": review.get("date"),
        }
        if claim.note:
            item["reviewBody"] = claim.note
        reviews.append(item)
    return reviews


def claimreview_notes(document: Document, claims: list[Claim]) -> list[str]:
    """What a publisher should know: claims left out, claims too long."""
    notes = []
    unsourced = sum(not claim.sourced for claim in claims)
    if unsourced:
        notes.append(f"note: {unsourced} unsourced claim{'' if unsourced == 1 else 's'}"
                     " not published as ClaimReview")
    for claim in claims:
        if claim.sourced and len(claim.claim) > CLAIM_REVIEWED_LIMIT:
            notes.append(f"warning: {clean(claim.id)}: claimReviewed is {len(claim.claim)}"
                         f" characters; Google advises at most {CLAIM_REVIEWED_LIMIT}")
    return notes


def render_claimreview(document: Document, claims: list[Claim], results: list,
                       total: int) -> str:
    import json

    return json.dumps(claim_reviews(document, claims), indent=2, ensure_ascii=False) + "\n"


# -- html -------------------------------------------------------------------

# The page's colours: the terminal's (green, yellow, red, cyan, magenta),
# darkened for a light page and lightened for a dark one.
_HTML_COLOURS = {
    # verdict: (light, dark)
    "supported": ("#1a7f37", "#4ac26b"),
    "overstated": ("#bc4c00", "#f0883e"),
    "imprecise": ("#9a6700", "#d4a72c"),
    "contradicted": ("#cf222e", "#ff7b72"),
    "not-in-paper": ("#0b7285", "#3bc9db"),
    "unsourced": ("#a626a4", "#e07ce0"),
}

_HTML_STYLE = """
:root { color-scheme: light dark; --bg: #f5f6f8; --card: #fff; --fg: #1c2230;
  --muted: #5a6374; --line: #dde1e8; --link: #1f55c4; --quote: #f0f2f6; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0e1116; --card: #161b22; --fg: #e6e9ef; --muted: #9aa4b4;
    --line: #2b313c; --link: #79a6ff; --quote: #1d232c; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); overflow-wrap: anywhere;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif; }
main { max-width: 68rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
a { color: var(--link); }
h1 { font-size: clamp(1.35rem, 5vw, 1.7rem); line-height: 1.25; margin: .2rem 0 .6rem; }
h1 a { color: inherit; text-decoration-color: var(--line); }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .75rem;
  font-weight: 600; color: var(--muted); margin: 0; }
.meta { margin: .15rem 0; color: var(--muted); }
.top { border-bottom: 1px solid var(--line); padding-bottom: 1rem; }
.filter { display: flex; flex-wrap: wrap; gap: .4rem .5rem; align-items: center;
  margin: 1rem 0 0; padding: 0; border: 0; }
.filter legend { float: left; margin-right: .25rem; color: var(--muted); font-size: .9rem;
  padding: 0; }
.chip { display: inline-flex; align-items: center; gap: .35rem; padding: .2rem .65rem;
  border: 1px solid var(--v); border-radius: 999px; font-size: .9rem; color: var(--v);
  font-weight: 600; background: var(--card); cursor: pointer; }
.chip input { margin: 0; accent-color: var(--v); }
.chip:has(input:not(:checked)) { opacity: .45; }
.sourced { margin: .75rem 0 0; font-weight: 600; }
.claim { background: var(--card); border: 1px solid var(--line);
  border-left: 5px solid var(--v); border-radius: 8px;
  padding: .9rem 1rem 1rem; margin: 0 0 1rem; scroll-margin-top: 1rem; }
.claim:target { outline: 2px solid var(--link); }
.claim-head { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline;
  justify-content: space-between; }
.verdict { font-weight: 700; white-space: nowrap; color: var(--v); }
.claim-head .verdict { font-size: .85rem; padding: .1rem .55rem; border-radius: 999px;
  border: 1px solid var(--v); }
.anchor { font: .85rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  color: var(--muted); text-decoration: none; }
.anchor:hover { text-decoration: underline; }
.claim h3 { font-size: 1.08rem; margin: .35rem 0 .75rem; line-height: 1.4; }
.quotes { display: grid; grid-template-columns: 1fr; gap: .75rem; }
@media (min-width: 44rem) { .quotes { grid-template-columns: 1fr 1fr; } }
figure { margin: 0; min-width: 0; }
figcaption { font-size: .78rem; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); margin-bottom: .25rem; font-weight: 600; }
blockquote { margin: 0; padding: .6rem .8rem; background: var(--quote);
  border-left: 3px solid var(--line); border-radius: 4px; font-size: .95rem; }
.source blockquote { border-left-color: var(--v); }
blockquote.missing { font-style: italic; color: var(--muted); }
.tag { text-transform: none; letter-spacing: 0; font-weight: 700; border-radius: 4px;
  padding: 0 .35rem; margin-left: .3rem; background: var(--line); color: var(--fg); }
.note { margin: .75rem 0 .5rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem;
  margin: .5rem 0 0; font-size: .92rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; min-width: 0; }
.checks { list-style: none; padding: 0; margin: 0; }
.check { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .7rem 1rem; margin-bottom: .6rem; }
.check p { margin: .2rem 0 0; }
.uses { font-size: .9rem; color: var(--muted); }
footer { margin-top: 2.5rem; font-size: .85rem; color: var(--muted); }
@media print {
  body { background: #fff; color: #000; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .filter input { display: none; }
  .chip { opacity: 1 !important; }
  .claim, .check { break-inside: avoid; page-break-inside: avoid; box-shadow: none; }
  a { color: inherit; }
}
"""


def _html_colours() -> str:
    """Each verdict's colour, and the filter rule for its checkbox.

    The filter is CSS alone (:has), so it works with no server and with
    scripts off; where :has is unknown, every claim simply stays shown.
    """
    light, dark, rules = [], [], []
    for verdict, (light_colour, dark_colour) in _HTML_COLOURS.items():
        light.append(f".v-{verdict} {{ --v: {light_colour}; }}")
        dark.append(f"  .v-{verdict} {{ --v: {dark_colour}; }}")
        rules.append(f"body:has(#show-{verdict}:not(:checked)) .claim.v-{verdict}"
                     " { display: none; }")
    return "\n".join([*light, "@media (prefers-color-scheme: dark) {", *dark, "}",
                      "@media screen {", *rules, "}"])


def _element(name: str, content: str = "", **attributes) -> str:
    """An element from already-escaped content; attribute values are escaped here.

    A trailing _ in a name is dropped (class_ → class); None leaves it out.
    """
    import html

    parts = [name]
    for key, value in attributes.items():
        if value is None:
            continue
        key = key.rstrip("_").replace("_", "-")
        parts.append(key if value is True else f'{key}="{html.escape(str(value))}"')
    return f"<{' '.join(parts)}>{content}</{name}>"


def _link(text: str, url: str | None, **attributes) -> str:
    """Escaped text, linked to url where there is one."""
    import html

    if not url:
        return html.escape(text)
    return _element("a", html.escape(text), href=url, **attributes)


def json_ld(data) -> str:
    """JSON for inside a <script>: no `<` at all, so `</script>` and `<!--`
    in the data cannot end or bend the script element."""
    import json

    return json.dumps(data, indent=1, ensure_ascii=False).replace("<", "\\u003c")


def render_html(document: Document, claims: list[Claim], results: list,
                total: int) -> str:
    """One self-contained page: no external CSS, fonts, scripts or images.

    Built from escaped parts: every string from the file goes through
    html.escape (by _element, _link or directly) and never into a template.
    """
    import html

    article, paper, review = document.article, document.paper, document.review or {}
    escape = html.escape
    title = f"Claims checked: {article.get('title', '')}"
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        _element("title", escape(title)),
        _element("style", _HTML_STYLE + _html_colours() + "\n"),
    ]
    if review.get("url"):
        head.append(_element("script", json_ld(claim_reviews(document, claims)),
                             type="application/ld+json"))
    top = [
        _element("p", "Claims checked against the source", class_="kicker"),
        _element("h1", _link(article.get("title", ""), article.get("url"))),
        _element("p", f"{escape(article.get('outlet', ''))} · {escape(article.get('date', ''))}",
                 class_="meta"),
        _element("p", "Checked against " + _element("cite", _link(
            paper.get("title", ""), paper_url(document)))
            + escape(f" ({paper.get('authors', '')}, arXiv {paper_id(document)})"),
            class_="meta"),
    ]
    if review:
        top.append(_element("p", escape(f"Reviewed by {review.get('reviewer', '')}"
                                        f" on {review.get('date', '')}"), class_="meta"))
    top.append(_html_filter(claims))
    sourced = sum(claim.sourced for claim in claims)
    top.append(_element("p", f"{sourced} of {len(claims)} sourced", class_="sourced"))
    if total != len(claims):
        top.append(_element("p", escape(shown_line(len(claims), total).capitalize()),
                            class_="meta"))
    body = [_element("header", "\n".join(top), class_="top"),
            _element("section", _element("h2", "Claims", id="claims-heading") + "\n"
                     + "\n".join(_html_claim(document, claim) for claim in claims),
                     aria_labelledby="claims-heading")]
    if results:
        shown = {claim.id for claim in claims}
        body.append(_element("section", _element("h2", "Checks", id="checks-heading")
                             + _element("ul", "\n".join(
                                 _html_check(result, shown) for result in results),
                                 class_="checks"),
                             aria_labelledby="checks-heading"))
    footer = "Written by the claims kit from claims.yaml."
    if review.get("url"):
        footer += " The page carries its reviews as schema.org ClaimReview (JSON-LD)."
    body.append(_element("footer", escape(footer)))
    return ("<!DOCTYPE html>\n"
            + _element("html", "\n" + _element("head", "\n".join(head)) + "\n"
                       + _element("body", _element("main", "\n".join(body))) + "\n",
                       lang="en")
            + "\n")


def _html_filter(claims: list[Claim]) -> str:
    """The verdict counts, each a checkbox that shows or hides its claims."""
    counts, _ = verdict_counts(claims)  # exports refuse broken claims
    chips = [_element("legend", "Show")]
    for verdict, number in counts.items():
        if number:
            box = f'<input type="checkbox" id="show-{verdict}" checked>'
            chips.append(_element("label", f"{box} {verdict_label(verdict)}: {number}",
                                  class_=f"chip v-{verdict}"))
    return _element("fieldset", "\n".join(chips), class_="filter")


def _html_claim(document: Document, claim: Claim) -> str:
    import html

    escape = html.escape
    source = claim.source
    heading = _element("div", _element("span", escape(verdict_label(claim.verdict)),
                                       class_="verdict")
                       + _element("a", "#" + escape(claim.id), href=f"#{claim.id}",
                                  class_="anchor"),
                       class_="claim-head")
    outlet = document.article.get("outlet", "")
    quotes = [_element("figure", _element("figcaption", escape(f"The article ({outlet})"))
                       + _element("blockquote", escape(claim.article_quote)))]
    if source.quote is not None:
        caption = "The source"
        if not source.quote_exact:
            caption += _element("span", "paraphrase", class_="tag")
        quotes.append(_element("figure", _element("figcaption", caption)
                               + _element("blockquote", escape(source.quote)),
                               class_="source"))
    else:
        quotes.append(_element("figure", _element("figcaption", "The source")
                               + _element("blockquote", "No source found yet.",
                                          class_="missing")))
    parts = [heading, _element("h3", escape(claim.claim)),
             _element("div", "".join(quotes), class_="quotes")]
    if claim.note:
        parts.append(_element("p", escape(claim.note), class_="note"))
    facts = []
    if claim.sourced:
        facts.append(_element("dt", "Source") + _element(
            "dd", _link(describe_source(claim), source_link(document, claim))))
    if claim.value is not None:
        facts.append(_element("dt", "Value") + _element("dd", escape(value_text(claim))))
    if facts:
        parts.append(_element("dl", "".join(facts), class_="facts"))
    return _element("article", "\n".join(parts), id=claim.id,
                    class_=f"claim v-{claim.verdict}")


def _html_check(result, shown: set) -> str:
    import html

    escape = html.escape
    check = result.check
    title = (_element("span", escape(f"{CHECK_MARKS[result.ok]} {CHECK_WORDS[result.ok]}"),
                      class_="verdict " + {True: "v-supported", False: "v-contradicted"}
                      .get(result.ok, "v-overstated"))
             + " " + _element("strong", escape(check.id)))
    parts = [title]
    if check.description:
        parts.append(_element("p", escape(check.description)))
    parts.append(_element("p", escape(check_outcome(result))))
    uses = ", ".join(_link(claim_id, f"#{claim_id}" if claim_id in shown else None)
                     for claim_id in result.claims)
    if uses:
        parts.append(_element("p", "Uses: " + uses, class_="uses"))
    return _element("li", "\n".join(parts), class_="check", id=f"check-{check.id}")


# name → how it is written, and the file extensions that mean it.
@record
class Format:
    """An export format: its renderer and the file extensions that pick it."""

    render: Callable
    extensions: tuple[str, ...]
    machine: bool  # data for programs: a filtered count goes to stderr
    notes: Callable | None = None  # (document, claims) → lines for stderr


def html_notes(document: Document, claims: list[Claim]) -> list[str]:
    """The page embeds ClaimReview only where the header gives review.url."""
    return claimreview_notes(document, claims) if (document.review or {}).get("url") else []


FORMATS = {
    "json": Format(render=render_json, extensions=(".json",), machine=True),
    "markdown": Format(render=render_markdown, extensions=(".md", ".markdown"), machine=False),
    "csv": Format(render=render_csv, extensions=(".csv",), machine=True),
    "claimreview": Format(render=render_claimreview, extensions=(".jsonld",), machine=True,
                          notes=claimreview_notes),
    "html": Format(render=render_html, extensions=(".html", ".htm"), machine=False,
                   notes=html_notes),
}


def format_for(path: str) -> str | None:
    """The format a file name's extension asks for, if any."""
    extension = os.path.splitext(path)[1].lower()
    return next((name for name, fmt in FORMATS.items() if extension in fmt.extensions), None)
