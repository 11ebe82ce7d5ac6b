"""Render: a Document → text, one pure function per format.

The rich-based renderers (the checklist, one claim, HTML) build renderables
or record a console; the others return plain strings.  Every string that
comes from the claims file goes through ``clean`` before it can reach a
terminal, and into rich only as ``Text`` (never parsed as markup).
"""
import re

from claimkit.evaluate import format_value
from claimkit.model import VERDICTS, Claim, Document

MARKS = {
    "supported": "✔",
    "overstated": "▲",
    "imprecise": "▲",
    "contradicted": "✘",
    "not-in-paper": "○",
    "unsourced": "☐",
}
STYLES = {
    "supported": "green",
    "overstated": "yellow",
    "imprecise": "yellow",
    "contradicted": "red",
    "not-in-paper": "cyan",
    "unsourced": "magenta",
}
# ClaimReview rating for each verdict (5 best, 1 worst); see README.
RATINGS = {
    "supported": 5,
    "imprecise": 4,
    "not-in-paper": 3,
    "unsourced": 3,
    "overstated": 2,
    "contradicted": 1,
}

# C0 and C1 controls, DEL, and the bidirectional overrides that can make a
# line read differently from what it holds.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FOLD = re.compile("[\t\n]")


def clean(text) -> str:
    """Text safe for a terminal: controls shown escaped, never raw."""
    text = _FOLD.sub(" ", str(text))
    return _UNSAFE.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def section_key(section: str | None) -> tuple:
    """Sort key that puts the abstract first, 3.10 after 3.9, and claims
    with no section last."""
    if section is None:
        return (2,)
    if section == "abstract":
        return (0,)
    return (1, *(int(part) for part in section.split(".")))


def describe_source(claim: Claim) -> str:
    source = claim.source
    if source.section is not None:
        text = f"§{source.section} {source.title}"
        if source.page is not None:
            text += f", p. {source.page}"
        return text
    if source.url is not None:
        return source.url.split("://", 1)[-1]
    return "no source yet"


def count_verdicts(claims: list[Claim]) -> list[str]:
    """One "✔ 29 supported" part per verdict that occurs, in vocabulary order."""
    counts = {verdict: 0 for verdict in VERDICTS}
    for claim in claims:
        counts[claim.verdict] += 1
    return [f"{MARKS[v]} {n} {v}" for v, n in counts.items() if n]


def count_sourced(claims: list[Claim]) -> str:
    sourced = sum(claim.sourced for claim in claims)
    return f"{sourced}/{len(claims)} claims sourced"


def shown_line(shown: int, total: int) -> str:
    return f"showing {shown} of {total} claims"


def describe_result(result) -> tuple[str, str]:
    """A check result as (mark, text)."""
    check = result.check
    mark = {True: "✔", False: "✘", None: "?"}[result.ok]
    text = (f"{check.id}: computed {format_value(result.computed)},"
            f" expected {format_value(result.expected)}")
    if check.tolerance and not isinstance(result.computed, bool):
        text += f" (±{check.tolerance:.0%})"
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

    def __init__(self, claims: list[Claim], results: list, total: int | None = None):
        self.claims = claims
        self.results = results
        self.total = total

    def column_widths(self, width: int) -> tuple[int, int, int]:
        """The claim, source and verdict columns' widths in a console `width` wide.

        The verdict column is as wide as the longest verdict while the console
        leaves room, the source column takes 2/5 of the rest, and the claim
        column gives way first, down to the width of the longest id.
        """
        room = max(width - 1 - 3 * len(GAP), 6)
        verdict_width = min(VERDICT_WIDTH, room // 3)
        room -= verdict_width
        id_width = max([len(claim.id) for claim in self.claims] + [len("claim")])
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

        if self.total is not None and self.total != len(self.claims):
            yield Segment(shown_line(len(self.claims), self.total))
            yield newline
        yield from row([[("", None)]] + [
            [(line, bold) for line in wrap(label, widths[column])]
            for column, label in enumerate(("claim", "source", "verdict"), 1)])
        yield Segment("─" * width)
        yield newline
        for claim in self.claims:
            style = console.get_style(STYLES[claim.verdict])
            yield from row([
                [(MARKS[claim.verdict], style)],
                [(line, bold) for line in wrap(clean(claim.id), claim_width)]
                + [(line, None) for line in wrap(clean(claim.claim), claim_width)],
                [(line, None) for line in wrap(clean(describe_source(claim)), source_width)],
                [(line, style) for line in wrap(claim.verdict, verdict_width)],
            ])
        for line in join_items(count_verdicts(self.claims), width, "   "):
            yield Segment(line)
            yield newline
        yield Segment(count_sourced(self.claims))
        yield newline
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


def render_claim(document: Document, claim: Claim):
    """One claim in full: the article's words beside the source's."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    style = STYLES[claim.verdict]
    heading = Text.assemble(
        (MARKS[claim.verdict], style), " ", (claim.id, "bold"), "  ",
        (claim.verdict, style),
    )
    source = claim.source
    quotes = Table(show_lines=False, expand=True)
    quotes.add_column(f"article ({clean(document.article.get('outlet', ''))})",
                      ratio=1, overflow="fold")
    label = "source"
    if source.quote is not None and not source.quote_exact:
        label += " (paraphrase)"
    quotes.add_column(label, ratio=1, overflow="fold")
    quotes.add_row(Text(clean(claim.article_quote)),
                   Text(clean(source.quote) if source.quote else "—"))
    details = Table.grid(padding=(0, 1))
    details.add_column(style="bold", no_wrap=True)
    details.add_column(overflow="fold")
    details.add_row("claim", Text(clean(claim.claim)))
    details.add_row("source", Text(clean(describe_source(claim))))
    if source.section is not None and source.url is not None:
        details.add_row("url", Text(clean(source.url)))
    if claim.value is not None:
        details.add_row("value", Text(clean(f"{claim.value:g} {claim.unit}")))
    if claim.note:
        details.add_row("note", Text(clean(claim.note)))
    return Group(heading, quotes, details)


# -- plain-text formats ----------------------------------------------------

def claim_record(claim: Claim) -> dict:
    source = claim.source
    record = {
        "id": claim.id,
        "claim": claim.claim,
        "article_quote": claim.article_quote,
        "verdict": claim.verdict,
        "source": {
            "section": source.section,
            "title": source.title,
            "page": source.page,
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
        "claims": [claim_record(claim) for claim in claims],
        "checks": [check_record(result) for result in results],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", clean(text))


def render_markdown(document: Document, claims: list[Claim], results: list,
                    total: int) -> str:
    article, paper = document.article, document.paper
    lines = [
        f"# Claims checklist: {_markdown(article.get('title', ''))}",
        "",
        f"{_markdown(article.get('outlet', ''))}, {article.get('date', '')}:"
        f" checked against *{_markdown(paper.get('title', ''))}*"
        f" ({_markdown(paper.get('authors', ''))}, arXiv {paper.get('arxiv', '')}).",
        "",
    ]
    if total != len(claims):
        lines += [f"{shown_line(len(claims), total).capitalize()}.", ""]
    groups: dict = {}
    for claim in claims:
        groups.setdefault(claim.source.section, []).append(claim)
    for section in sorted(groups, key=section_key):
        if section is None:
            heading = "Outside the paper, or not yet sourced"
        else:
            title, page = document.sections[section]
            heading = f"§{section} {title}" + (f" (p. {page})" if page else "")
        lines += [f"## {_markdown(heading)}", ""]
        for claim in groups[section]:
            box = "[ ]" if claim.verdict == "unsourced" else "[x]"
            where = (f"§{claim.source.section}" if claim.source.section
                     else claim.source.url or "no source yet")
            lines.append(
                f"- {box} **{_markdown(claim.id)}**: {_markdown(claim.claim)}"
                f" ({_markdown(where)} · {MARKS[claim.verdict]} {claim.verdict})"
            )
        lines.append("")
    lines.append(" · ".join(count_verdicts(claims)) + "  ")
    lines.append(count_sourced(claims))
    if results:
        lines += ["", "## Checks", ""]
        for result in results:
            mark, text = describe_result(result)
            lines.append(f"- {mark} {_markdown(text)}")
    return "\n".join(lines) + "\n"


CSV_FIELDS = ("id", "claim", "article_quote", "verdict", "section", "title",
              "page", "quote", "url", "value", "unit", "note")
# OWASP, CSV injection: a cell a spreadsheet would read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def render_csv(document: Document, claims: list[Claim], results: list,
               total: int) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for claim in claims:
        source = claim.source
        row = (claim.id, claim.claim, claim.article_quote, claim.verdict,
               source.section, source.title, source.page, source.quote,
               source.url,
               None if claim.value is None else f"{claim.value:g}",
               claim.unit, claim.note)
        writer.writerow([neutralize_cell(cell) for cell in row])
    return out.getvalue()


def render_claimreview(document: Document, claims: list[Claim], results: list,
                       total: int) -> str:
    import json

    article, review = document.article, document.review or {}
    appearance = {"@type": "CreativeWork", "headline": article.get("title")}
    if article.get("url"):
        appearance["url"] = article["url"]
    reviews = []
    for claim in claims:
        item = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": claim.claim,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": RATINGS[claim.verdict],
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": claim.verdict,
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Organization", "name": article.get("outlet")},
                "datePublished": article.get("date"),
                "appearance": appearance,
            },
            "author": {"@type": "Organization", "name": review.get("reviewer")},
            "datePublished": review.get("date"),
        }
        if review.get("url"):
            item["url"] = f"{review['url']}#{claim.id}"
        reviews.append(item)
    return json.dumps(reviews, indent=2, ensure_ascii=False) + "\n"


HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{title}</title>
<style>
{{stylesheet}}
body {{{{ color: {{foreground}}; background-color: {{background}}; }}}}
</style>
</head>
<body>
<pre style="font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace"><code style="font-family:inherit">{{code}}</code></pre>
</body>
</html>
"""


def render_html(document: Document, claims: list[Claim], results: list,
                total: int) -> str:
    """The checklist as one self-contained page, recorded from rich."""
    import html
    import io

    from rich.console import Console
    from rich.text import Text

    console = Console(record=True, file=io.StringIO(), width=120,
                      color_system="truecolor", force_terminal=True)
    title = f"Claims checklist: {clean(document.article.get('title', ''))}"
    console.print(Text(title, style="bold"))
    console.print(Checklist(claims, results, total))
    page_format = HTML_PAGE.format(title=html.escape(title))
    return console.export_html(code_format=page_format, inline_styles=True)


FORMATS = {
    "json": render_json,
    "markdown": render_markdown,
    "csv": render_csv,
    "claimreview": render_claimreview,
    "html": render_html,
}
