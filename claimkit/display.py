"""Display: what every view of the claims shares (the checklist, `show` and
the exports): text made safe for a terminal, sort keys, how a source and a
verdict are written, the links to the paper, and the counts.

Every string that comes from the claims file goes through ``clean`` before
it can reach a terminal.
"""
import re
from urllib.parse import quote

from claimkit.evaluate import format_tolerance, format_value
from claimkit.model import VERDICTS, Claim, Document, Source, escape_controls, section_order

# A claim with problems, shown as far as it could be read; "?" stands for
# each field that could not be.
PROBLEM_MARK, PROBLEM_STYLE, UNREAD = "‼", "bold red", "?"
# A check's result (ok is None when it cannot be computed): mark and word.
CHECK_MARKS = {True: "✔", False: "✘", None: "?"}
CHECK_WORDS = {True: "holds", False: "fails", None: "cannot be computed"}
CHECK_STYLES = {True: "green", False: "red", None: "yellow"}

_FOLD = re.compile("[\t\n]")


def clean(text) -> str:
    """Text safe for a terminal: controls shown escaped, never raw."""
    return escape_controls(_FOLD.sub(" ", str(text)))


def section_key(section: str | None) -> tuple:
    """Sort key that puts the abstract first, 3.10 after 3.9, and claims
    with no section last."""
    return (2,) if section is None else section_order(section)


def describe_source(claim: Claim) -> str:
    """Where a claim's source is, as people cite it: §3.3.2 Table 4, p. 10."""
    source = claim.source
    if source is None:
        return UNREAD
    place = describe_place(source)
    if place is not None:
        return place
    # A broken claim's section or url may be what could not be read.
    return "no source yet" if claim.verdict == "unsourced" or not claim.broken else UNREAD


def describe_place(source: Source) -> str | None:
    """Where a source or a further reference is: §3.3.2 Table 4, p. 10, or
    its url without the scheme; None when it gives neither.

    A locator (a table, figure, footnote or equation) is more exact than the
    section's title, and takes its place.
    """
    if source.section is not None:
        text = f"§{source.section} {source.locator or source.title or UNREAD}"
        if source.page is not None:
            text += f", p. {source.page}"
        return text
    if source.url is not None:
        return source.url.split("://", 1)[-1]
    return None


def references_of(claim: Claim) -> list[Source]:
    """A claim's further references that could be read."""
    return [reference for reference in claim.references if reference is not None]


def paper_id(document: Document) -> str:
    """The paper's arXiv id with its version where the header gives one: 2407.21783v3."""
    paper = document.paper
    return f"{paper.get('arxiv', '')}{paper.get('version') or ''}"


def paper_label(document: Document) -> str:
    """How the header identifies the paper: arXiv 2407.21783v3, its DOI, or its url."""
    paper = document.paper
    if paper.get("arxiv"):
        return f"arXiv {paper_id(document)}"
    if paper.get("doi"):
        return f"doi:{paper['doi']}"
    return paper.get("url", "")


def page_link(document: Document, claim: Claim) -> str | None:
    """The page of the arXiv PDF that a paper-sourced claim cites."""
    return pdf_page(document, claim.source)


def pdf_page(document: Document, source: Source) -> str | None:
    """The page of the arXiv PDF that a source or a further reference cites,
    built from the header's paper.arxiv and paper.version, never typed by
    hand."""
    if source.section is None or source.page is None or not document.paper.get("arxiv"):
        return None
    return f"https://arxiv.org/pdf/{quote(paper_id(document), safe='.')}#page={source.page}"


def source_link(document: Document, claim: Claim) -> str | None:
    """Where a reader can check the source: the PDF page, or the outside url."""
    return reference_link(document, claim.source)


def reference_link(document: Document, source: Source) -> str | None:
    """Where a reader can check a source or a further reference."""
    return pdf_page(document, source) or source.url


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
    parts = [f"{VERDICTS[v].mark} {n} {v}" for v, n in counts.items() if n]
    if broken:
        parts.append(f"{PROBLEM_MARK} {broken} with problems")
    return parts


def mark_of(claim: Claim) -> tuple[str, str]:
    """A claim's mark and style: its verdict's, or the problem mark."""
    if claim.broken:
        return PROBLEM_MARK, PROBLEM_STYLE
    verdict = VERDICTS[claim.verdict]
    return verdict.mark, verdict.style


def attention_rank(claim: Claim) -> int:
    """Where `--sort verdict` puts a claim: problems first, supported last."""
    return -1 if claim.broken else VERDICTS[claim.verdict].rank


def needs_attention(claim: Claim) -> bool:
    """Whether a claim is one `--attention` shows: a claim with problems, or
    one whose verdict asks for a look (every verdict but supported)."""
    return claim.broken or VERDICTS[claim.verdict].attention


def count_sourced(claims: list[Claim]) -> str:
    sourced = sum(claim.sourced for claim in claims)
    return f"{sourced}/{len(claims)} claims sourced"


def shown_line(shown: int, total: int) -> str:
    return f"showing {shown} of {total} claims"


def check_outcome(result) -> str:
    """What a check gave, as text: computed 3.791 × 10²⁵, expected 3.8 × 10²⁵ (±5%)."""
    check = result.check
    text = (f"computed {powers_of_ten(format_value(result.computed))},"
            f" expected {powers_of_ten(format_value(result.expected))}")
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


def style_of(verdict: str | None) -> str:
    """A verdict's style, or the problem style where it could not be read."""
    return VERDICTS[verdict].style if verdict in VERDICTS else PROBLEM_STYLE


def verdict_label(verdict: str) -> str:
    """The verdict as a reader sees it, mark and word: ▲ Overstated."""
    return f"{VERDICTS[verdict].mark} {VERDICTS[verdict].words}"


def exact_number(value: float) -> str:
    """A number for people, every digit kept: 1,234,567, 405,000,000,000
    (written 405e9), 0.1, 3.8 × 10²⁵ (past 1e16, where a float's integer
    digits are no longer the ones written)."""
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e16):
        return powers_of_ten(repr(value))
    return f"{int(value):,}"


_E_NOTATION = re.compile(r"(-?[0-9.]+)e([+-]?)0*([0-9]+)")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def powers_of_ten(number: str) -> str:
    """A number in e-notation as people write it: 3.8e+25 → 3.8 × 10²⁵,
    -2.5e-07 → -2.5 × 10⁻⁷; any other text as it is."""
    match = _E_NOTATION.fullmatch(number)
    if match is None:
        return number
    mantissa, sign, exponent = match.groups()
    power = ("-" if sign == "-" else "") + exponent
    return f"{mantissa} × 10{power.translate(_SUPERSCRIPT)}"


def value_text(claim: Claim) -> str:
    """A claim's value and unit, for people (show, markdown, html)."""
    return f"{exact_number(claim.value)} {claim.unit or ''}".rstrip()


def paper_url(document: Document) -> str | None:
    """The paper's page: the header's url, else its arXiv abstract page, else
    where its DOI resolves."""
    paper = document.paper
    if paper.get("url"):
        return paper["url"]
    if paper.get("arxiv"):
        return f"https://arxiv.org/abs/{paper_id(document)}"
    if paper.get("doi"):
        return f"https://doi.org/{quote(paper['doi'], safe='/')}"
    return None


class ExportError(Exception):
    """A format cannot be written from this file (exit 2, one line)."""
