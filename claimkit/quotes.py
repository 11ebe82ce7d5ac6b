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
from claimkit.texts import ARXIV_STAMP, HEADING, MIN_TITLE_PREFIX, SearchText, normalize

# A quote shorter than this (normalised), or of fewer words, matches too much
# to prove anything: "-" would be found everywhere.
MIN_QUOTE_CHARS = 8
MIN_QUOTE_WORDS = 2

class _Found:
    """A quote found in a text: the claim, and every span where it stands."""

    __slots__ = ("claim", "spans")

    def __init__(self, claim, spans: list) -> None:
        self.claim, self.spans = claim, spans


def _add_quote_problem(problems: Problems, document: Document, claim, which: str,
                       message: str, code: str, level: str = "error") -> None:
    field = "article_quote" if which == "article" else "source.quote"
    at = claim.article_quote_at if which == "article" else claim.source_quote_at
    problems.add(document.path, at, code, message, where=f"claims[{claim.index}].{field}",
                 level=level)


def quotes_the_paper(document: Document, source) -> bool:
    """Whether a source quotes the paper: it cites a section, or the paper's
    own url."""
    return source.quote is not None and (
        source.section is not None or source.url == document.paper.get("url"))


def find_quotes(document: Document, text: SearchText, which: str,
                problems: Problems) -> tuple[list[_Found], int]:
    """Find each claim's article quotes (which="article") or paper quotes
    (which="paper") in a text.  Adds problems; returns the quotes found and
    how many were looked for, which stops once the problems are full.  When
    none of two or more is found, one problem says that the text is probably
    not the file's, instead of one per quote."""
    found, wanted, missing = [], 0, []
    for claim in document.claims:
        if problems.full:
            break
        source = claim.source
        if which == "article":
            quote = claim.article_quote
        elif not quotes_the_paper(document, source):
            continue
        else:
            quote = source.quote
        if which == "paper" and not source.quote_exact:
            _add_quote_problem(
                problems, document, claim, which,
                "quote is marked as a paraphrase"
                " (quote_exact: false); not looked for", "paraphrase", "note")
            continue
        wanted += 1
        needle = normalize(quote)
        if len(needle) < MIN_QUOTE_CHARS or len(needle.split(" ")) < MIN_QUOTE_WORDS:
            _add_quote_problem(
                problems, document, claim, which,
                f"quote is too short to prove anything"
                f" ({needle!r}); quote at least {MIN_QUOTE_WORDS} words and"
                f" {MIN_QUOTE_CHARS} characters", "quote-too-short")
            continue
        spans = list(text.find_all(needle))
        if spans:
            found.append(_Found(claim, spans))
        else:
            missing.append((claim, needle))
    if not found and wanted >= 2:
        # None of them: another article or paper than the file's, most likely
        # a claims file forgotten (-f), and one line says so.
        problems.add(text.path, (1, 1), "text-mismatch",
                     f"none of the {wanted} {which} quotes of {document.path} is in"
                     f" {text.path}: probably not the {which} {document.path} tracks"
                     f" (give the claims file for this {which} with -f)")
        return found, wanted
    for claim, needle in missing:
        if problems.full:
            break
        closest = text.closest(needle)
        if closest is None:
            hint = "no passage shares a word with it"
        else:
            start, end, similarity = closest
            hint = (f"closest passage ({similarity:.0%} similar, {text.where(start)}):"
                    f" \"{text.shown(start, end)}\"")
        _add_quote_problem(
            problems, document, claim, which,
            f"quote not found in {text.path}; {hint}", "quote-not-found")
    return found, wanted


def _headings(document: Document, text: str) -> tuple[list[int], list[str]]:
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


def place_quotes(document: Document, text: SearchText, found: list[_Found],
                 problems: Problems) -> str:
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
                _add_quote_problem(
                    problems, document, claim, "paper",
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
                    problems, document, claim, "paper",
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
    found, wanted = find_quotes(document, text, "paper", problems)
    if problems.full:
        return [f"paper quotes: stopped in {path}"]
    reports = [f"paper quotes: {len(found)} of {wanted} found in {path}"]
    if found:
        reports.append(place_quotes(document, text, found, problems))
    return reports


def check_article(document: Document, path: str, strict: bool,
                  problems: Problems) -> list[str]:
    """Find the article quotes and audit the article's coverage.  Adds to
    problems (the run's one collection) and returns the summary lines.
    Raises LoadError."""
    text = SearchText(read_text(path, path, TEXT_LINE_BREAK), path)
    found, wanted = find_quotes(document, text, "article", problems)
    if problems.full:
        return [f"article quotes: stopped in {path}"]
    reports = [f"article quotes: {len(found)} of {wanted} found in {path}"]
    if found or wanted < 2:  # not another article
        reports.append(audit_coverage(document, text, found, strict, problems))
    return reports
