"""Model: the values the kit passes between its sections."""
import re
from dataclasses import dataclass, field

record = dataclass(frozen=True, slots=True, kw_only=True)


@record
class Verdict:
    """A verdict, and everything the kit shows or asks of it: adding a
    verdict is one entry in VERDICTS."""

    name: str
    # Tells the verdict without its colour: overstated (▲) and imprecise (≈)
    # differ in both.
    mark: str
    style: str  # its colour in the terminal, a rich style
    words: str  # in plain English, for readers of the exports
    meaning: str  # what it says, in plain words: the HTML page's legend
    # ClaimReview's, 5 best, 1 worst (README); None: not published, for a
    # verdict that judges no truth (it says where the evidence is, or that
    # there is none yet).
    rating: int | None
    rank: int  # `--sort verdict`: the claims that need attention first, from 0
    attention: bool  # `--attention` and the page's "needs attention" view show it
    # The HTML page's, the terminal's colour darkened for a light page and
    # lightened for a dark one: (light, dark).
    colours: tuple[str, str]
    needs_note: bool  # a claim with it needs a note that explains it
    cites: tuple[str, ...]  # the source keys, one of which a claim with it needs


# The vocabulary, in the order every list of verdicts follows.
VERDICTS = {verdict.name: verdict for verdict in (
    Verdict(name="supported", mark="✔", style="green", words="Supported",
            meaning="The source says what the article says.", rating=5,
            rank=5, attention=False, colours=("#1a7f37", "#4ac26b"), needs_note=False,
            cites=("section", "url")),
    Verdict(name="overstated", mark="▲", style="dark_orange", words="Overstated",
            meaning="The article says more than its source does.", rating=2,
            rank=1, attention=True, colours=("#bc4c00", "#f0883e"), needs_note=True,
            cites=("section", "url")),
    Verdict(name="imprecise", mark="≈", style="yellow", words="Imprecise",
            meaning="Roughly right, with a detail wrong or simplified.", rating=4,
            rank=2, attention=True, colours=("#9a6700", "#d4a72c"), needs_note=True,
            cites=("section", "url")),
    Verdict(name="contradicted", mark="✘", style="red", words="Contradicted",
            meaning="The source says otherwise.", rating=1,
            rank=0, attention=True, colours=("#cf222e", "#ff7b72"), needs_note=True,
            cites=("section", "url")),
    Verdict(name="not-in-paper", mark="○", style="cyan", words="Not in the paper",
            meaning="The paper does not address it; the claim is traced to the outside"
            " source it comes from instead.",
            rating=None, rank=4, attention=True, colours=("#0b7285", "#3bc9db"),
            needs_note=True, cites=("url",)),
    Verdict(name="unsourced", mark="☐", style="magenta", words="Not yet sourced",
            meaning="No source found yet: still to be checked.", rating=None,
            rank=3, attention=True, colours=("#a626a4", "#e07ce0"), needs_note=True,
            cites=()),
)}

# C0 and C1 controls but tab and newline, DEL, and the bidi marks,
# embeddings, overrides and isolates: characters that act on a terminal, or
# hide or reorder what a reader sees.  validate refuses them in a claims
# file; every message and rendering shows them escaped.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """The text with each control character escaped: ESC as \\x1b."""
    return CONTROL_CHARACTERS.sub(
        lambda match: match.group().encode("unicode_escape").decode(), text)


# Where a line ends.  In a claims file, where YAML ends one, as PyYAML's
# marks and libyaml count them; in the article and the paper, where a text
# editor does: at \n, \r\n or a lone \r (old Mac files).
YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
TEXT_LINE_BREAK = re.compile("\r\n?|\n")


def line_col(text: str, offset: int,
             line_break: re.Pattern = YAML_LINE_BREAK) -> tuple[int, int]:
    """The 1-based line and column of an offset into a text."""
    lines = line_break.split(text[:offset])
    return len(lines), len(lines[-1]) + 1


def mark_position(mark) -> tuple[int, int]:
    """PyYAML marks are 0-based; this is the one place that converts them."""
    return mark.line + 1, mark.column + 1


def join_where(where: str, key) -> str:
    """The path to a key below `where`: claims[7] + source → claims[7].source."""
    return f"{where}.{key}" if where else str(key)


def section_order(number: str) -> tuple:
    """Sort key: the abstract first, then 3.9 before 3.10.

    Each part compares by its length without leading zeros, then its digits,
    so that no part is ever converted to int: a number of any length sorts.
    """
    if number == "abstract":
        return (0,)
    parts = (part.lstrip("0") for part in number.split("."))
    return (1, *((len(part), part) for part in parts))


def within_section(section: str | None, cited: str) -> bool:
    """Whether a section number is the cited one or below it: 3.3.1 is
    within 3.3, 3.30 is not."""
    return section is not None and (section == cited or section.startswith(cited + "."))


def count(number: int, noun: str) -> str:
    """"1 claim", "2 claims"."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@record
class Source:
    """Where a claim is backed: a paper section, an outside url, or nothing yet."""

    section: str | None = None
    title: str | None = None
    page: int | None = None
    quote: str | None = None
    quote_exact: bool = True
    url: str | None = None
    locator: str | None = None
    # The (line, col) of its quote in the claims file, and the keys given
    # but unreadable (each a problem already): a quote among them cannot be
    # checked, a section among them cannot be placed.
    quote_at: tuple[int, int] | None = None
    unread: frozenset[str] = frozenset()


@record
class Claim:
    """One checkable statement of the article.

    The *_at fields are 1-based (line, col) positions in the claims file, of
    the claim and of its two quotes (None where there is no source quote);
    index is the claim's place in the file's list of claims.

    A broken claim is one with problems, read as far as it could be: each
    field that could not be read is None (its source too), whatever its type
    says.  Only the checklist and `show` see broken claims.
    """

    id: str
    claim: str
    article_quote: str
    source: Source
    verdict: str
    note: str | None = None
    value: float | None = None
    unit: str | None = None
    at: tuple[int, int]
    article_quote_at: tuple[int, int]
    source_quote_at: tuple[int, int] | None = None
    index: int
    broken: bool = False
    # Further references, as far as they could be read (None: not a mapping).
    references: tuple[Source | None, ...] = ()
    unread: frozenset[str] = frozenset()  # keys given but unreadable, as for Source

    def sources(self) -> list[tuple[str, Source | None]]:
        """The main source and each further reference, with where each
        stands in the claim: ("source", …), ("references[0]", …)."""
        return [("source", self.source),
                *((f"references[{index}]", reference)
                  for index, reference in enumerate(self.references))]

    @property
    def sourced(self) -> bool:
        """Checked against a source: its verdict says so, or, where the
        verdict could not be read, its source cites a section or a url."""
        if self.verdict is not None:
            return self.verdict != "unsourced"
        source = self.source
        return source is not None and (source.section is not None or source.url is not None)


@record
class Check:
    """An arithmetic cross-check over claims' values (expressions as text).

    The *_at fields are the (line, col) of the check and of its two fields.
    """

    id: str
    description: str | None = None
    compute: str
    expect: str | float | bool
    tolerance: float = 0
    note: str | None = None
    at: tuple[int, int]
    compute_at: tuple[int, int]
    expect_at: tuple[int, int]


@record
class CheckResult:
    """What a check gave: ok is None when it could not be evaluated."""

    check: Check
    claims: list[str]
    expected: float | bool | None
    computed: float | bool | None
    ok: bool | None


@record
class Dismissal:
    """An article sentence that is deliberately not tracked, and why.

    at is the (line, col) of the sentence field in the claims file.
    """

    sentence: str
    reason: str
    at: tuple[int, int]


@record
class Document:
    """A claims file as far as it is valid.  sections maps number → (title, page).

    claims are the claims without problems; broken_claims those with
    problems, as far as they could be read (Claim.broken).  texts maps
    "article" and "paper" to the header's text path, as written, and its
    (line, col) in the file.
    """

    path: str
    article: dict
    paper: dict
    review: dict | None
    sections: dict
    claims: list[Claim]
    checks: list[Check]
    dismissed: list[Dismissal]
    broken_claims: list[Claim] = field(default_factory=list)
    texts: dict = field(default_factory=dict)

    @property
    def every_claim(self) -> list[Claim]:
        """Every claim the file holds, broken or not, in file order."""
        if not self.broken_claims:
            return self.claims
        return sorted(self.claims + self.broken_claims, key=lambda claim: claim.index)
