"""Quotes: find each claim's quotes in the article and paper texts, check
that a paper quote stands on its cited page and under its cited section, and
that the paper's text is the version the claims cite.

How a quote is matched (what it forgives, and how it stays fast) is
texts.py's; the audit of the article's coverage is coverage.py's.
"""
import bisect

from claimkit.coverage import audit_coverage
from claimkit.load import read_text
from claimkit.model import TEXT_LINE_BREAK, Document, within_section
from claimkit.pdf import read_paper
from claimkit.problems import Problems
from claimkit.texts import (
    ARXIV_STAMP,
    HEADING,
    MAX_COMPARED,
    MIN_TITLE_PREFIX,
    SearchText,
    normalize,
)

# A quote shorter than this (normalised), or of fewer words, matches too much
# to prove anything: "-" would be found everywhere.
MIN_QUOTE_CHARS = 8
MIN_QUOTE_WORDS = 2

class _Quote:
    """A quote to look for: its claim, the source it belongs to (None for the
    article quote), where it stands in the claim ("article_quote", "source",
    "references[0]"), its words and their (line, col), and the spans where
    it was found."""

    __slots__ = ("at", "claim", "field", "quote", "source", "spans")

    def __init__(self, claim, source, field: str, quote: str, at) -> None:
        self.claim, self.source, self.field, self.quote, self.at = (
            claim, source, field, quote, at)
        self.spans: list = []


def _add_quote_problem(problems: Problems, document: Document, item: _Quote, message: str,
                       code: str, level: str = "error") -> None:
    where = f"claims[{item.claim.index}].{item.field}"
    if item.source is not None:
        where += ".quote"
    problems.add(document.path, item.at or item.claim.at, code, message, where=where,
                 level=level)


def cites_the_paper(document: Document, source) -> bool:
    """Whether a source points into the paper: it cites a section (one given
    but unreadable too), or the paper's own url."""
    return (source.section is not None or "section" in source.unread
            or (source.url is not None and source.url == document.paper.get("url")))


def quotes_to_find(document: Document, which: str) -> tuple[list[_Quote], list[str]]:
    """Every claim's article quote (which="article") or paper quotes, from
    its source and its further references (which="paper"), claims with
    problems too; and, named, the quotes that cannot be checked because
    what holds them could not be read."""
    wanted, unchecked = [], []
    for claim in document.every_claim:
        name = f"claims[{claim.index}]" + (f" ({claim.id})" if claim.id else "")
        if which == "article":
            if claim.article_quote is None:
                unchecked.append(f"{name}: its article_quote could not be read")
            else:
                wanted.append(_Quote(claim, None, "article_quote", claim.article_quote,
                                     claim.article_quote_at))
            continue
        for field, source in claim.sources():
            if source is None:
                if field != "source" or "source" in claim.unread:
                    unchecked.append(f"{name}: its {field} could not be read")
            elif not cites_the_paper(document, source):
                continue
            elif source.quote is not None:
                at = claim.source_quote_at if field == "source" else source.quote_at
                wanted.append(_Quote(claim, source, field, source.quote, at))
            elif "quote" in source.unread:
                unchecked.append(f"{name}: its {field}.quote could not be read")
    return wanted, unchecked


def find_quotes(document: Document, text: SearchText, which: str,
                problems: Problems) -> tuple[list[_Quote], str]:
    """Find each claim's article quotes (which="article") or paper quotes
    (which="paper") in a text.  Adds problems; returns the quotes found and
    the summary line, and stops once the problems are full.  When none of
    two or more is found, one problem says that the text is probably not the
    file's, instead of one per quote."""
    wanted, unchecked = quotes_to_find(document, which)
    found, looked_for, missing = [], 0, []
    for item in wanted:
        if problems.full:
            break
        if which == "paper" and not item.source.quote_exact:
            _add_quote_problem(
                problems, document, item, "quote is marked as a paraphrase"
                " (quote_exact: false); not looked for", "paraphrase", "note")
            continue
        looked_for += 1
        needle = normalize(item.quote)
        if len(needle) < MIN_QUOTE_CHARS or len(needle.split(" ")) < MIN_QUOTE_WORDS:
            _add_quote_problem(
                problems, document, item, f"quote is too short to prove anything"
                f" ({needle!r}); quote at least {MIN_QUOTE_WORDS} words and"
                f" {MIN_QUOTE_CHARS} characters", "quote-too-short")
            continue
        item.spans = list(text.find_all(needle))
        if item.spans:
            found.append(item)
        else:
            missing.append((item, needle))
    if not found and looked_for >= 2:
        # None of them: another article or paper than the file's, most likely
        # a claims file forgotten (-f), and one line says so.
        problems.add(text.path, (1, 1), "text-mismatch",
                     f"none of the {looked_for} {which} quotes of {document.path} is in"
                     f" {text.path}: probably not the {which} {document.path} tracks"
                     f" (give the claims file for this {which} with -f)")
        missing = []
    for item, needle in missing:
        if problems.full:
            break
        _add_quote_problem(
            problems, document, item,
            f"quote not found in {text.path}; {_closest_hint(text, needle)}", "quote-not-found")
    line = (f"{which} quotes: {len(found)} of {looked_for + len(unchecked)} found"
            f" in {text.path}")
    if unchecked:
        shown = "; ".join(unchecked[:_MAX_NAMED])
        more = f"; and {len(unchecked) - _MAX_NAMED} more" if len(unchecked) > _MAX_NAMED else ""
        line += f"; {len(unchecked)} not checked ({shown}{more})"
    return found, line


# The quotes that cannot be checked are named up to this many on the summary line.
_MAX_NAMED = 3


def _closest_hint(text: SearchText, needle: str) -> str:
    """Where the text comes closest to a quote it does not hold."""
    closest = text.closest(needle)
    if closest is None:
        return "no passage shares a word with it"
    start, end, similarity = closest
    compared = f" to its first {MAX_COMPARED} characters" if len(needle) > MAX_COMPARED else ""
    return (f"closest passage{compared} ({similarity:.0%} similar,"
            f" {text.where(start)}): \"{text.shown(start, end)}\"")


def find_headings(document: Document, text: str) -> tuple[list[int], list[str]]:
    """Offsets and numbers of the header's sections that head a line of text."""
    titles = {str(number): normalize(entry[0]).casefold()
              for number, entry in document.sections.items()}
    offsets, numbers = [], []
    for match in HEADING.finditer("\n" + text):  # match.start() is its line's offset in text
        number, title, abstract = match.groups()
        if abstract:
            number = "abstract"
        elif number not in titles:
            continue
        else:
            line_title = normalize(title.replace("**", "")).casefold().rstrip(".")
            wanted = titles[number]
            if not (line_title == wanted or (
                    len(line_title) >= MIN_TITLE_PREFIX and wanted.startswith(line_title))):
                continue
        offsets.append(match.start())
        numbers.append(number)
    return offsets, numbers


def place_quotes(document: Document, text: SearchText, found: list[_Quote],
                 problems: Problems) -> str:
    """Check that each found paper quote stands on its cited page and under its
    cited section; add problems and return the summary line."""
    offsets, numbers = find_headings(document, text.text)
    headed = set(numbers)

    def section_at(offset: int) -> str | None:
        index = bisect.bisect_right(offsets, offset) - 1
        return numbers[index] if index >= 0 else None

    def pages_of(span: tuple[int, int]) -> tuple[int, int]:  # its first and last page
        return text.page(span[0]), text.page(max(span[0], span[1] - 1))

    on_page = pages_wanted = under = sections_wanted = unheaded = 0
    for item in found:
        source = item.source
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
                _add_quote_problem(
                    problems, document, item,
                    f"quote is cited on page {source.page}, but stands"
                    f" on {stands} of {text.path}", "wrong-page")
        if check_section:
            sections_wanted += 1
            actual = section_at(span[0])
            if within_section(actual, cited):
                under += 1
            else:
                stands = f"under §{actual}" if actual else "before the first heading"
                _add_quote_problem(
                    problems, document, item,
                    f"quote is cited under §{cited}, but stands {stands} in {text.path}",
                    "wrong-section")
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


def check_version(document: Document, text: SearchText, problems: Problems) -> None:
    """Warn where the text's arXiv stamp is another version than the cited one."""
    stamp = ARXIV_STAMP.search(text.text)
    if stamp is None:
        return
    line, col = text.line_col(stamp.start())
    arxiv, version = stamp.groups()
    cited_arxiv = document.paper.get("arxiv")
    cited = document.paper.get("version")  # v3: the schema's shape
    if cited_arxiv and str(cited_arxiv) != arxiv:
        problems.add(text.path, (line, col), "paper-differs",
                     f"the text is arXiv:{arxiv}{version}, but the claims cite"
                     f" arXiv:{cited_arxiv}", level="warning")
    elif cited is not None and cited != version:
        problems.add(text.path, (line, col), "version-differs",
                     f"the text is arXiv:{arxiv}{version}, but the claims cite"
                     f" {cited}; its pages may differ", level="warning")


def check_paper(document: Document, path: str, problems: Problems) -> list[str]:
    """Find and place the paper quotes in a text or PDF of the paper.
    Adds to problems (the run's one collection) and returns the summary
    lines.  Raises LoadError."""
    text = SearchText(read_paper(path), path)
    check_version(document, text, problems)
    found, line = find_quotes(document, text, "paper", problems)
    if problems.full:
        return [f"paper quotes: stopped in {path}"]
    reports = [line]
    if found:
        reports.append(place_quotes(document, text, found, problems))
    return reports


def check_article(document: Document, path: str, strict: bool,
                  problems: Problems) -> list[str]:
    """Find the article quotes and audit the article's coverage.  Adds to
    problems (the run's one collection) and returns the summary lines.
    Raises LoadError."""
    text = SearchText(read_text(path, path, TEXT_LINE_BREAK), path)
    found, line = find_quotes(document, text, "article", problems)
    if problems.full:
        return [f"article quotes: stopped in {path}"]
    reports = [line]
    # Not when find_quotes said that this is another article than the file's.
    if found or all(problem.code != "text-mismatch" for problem in problems):
        reports.append(audit_coverage(document, text, found, strict, problems))
    return reports
