"""Model: the values the kit passes between its sections.

These are named tuples rather than frozen dataclasses on purpose: importing
``dataclasses`` pulls in ``inspect`` and costs about 9 ms, which alone would
break the start-up budget of ``check`` (see bench/run.py).  Named tuples are
just as immutable and cost nothing to import.
"""
from collections import namedtuple

VERDICTS = (
    "supported",
    "overstated",
    "imprecise",
    "contradicted",
    "not-in-paper",
    "unsourced",
)


class Problem(
    namedtuple("Problem", "path line col where message level", defaults=("error",))
):
    """One thing wrong with a file, at a 1-based line and column.

    level is "error" for a problem; "warning" and "note" lines are printed the
    same way but do not fail a check.
    """

    __slots__ = ()

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}:{self.line}:{self.col}: {self.level}: {where}{self.message}"


class Source(namedtuple("Source", "section title page quote quote_exact url")):
    """Where a claim is backed: a paper section, an outside url, or nothing yet."""

    __slots__ = ()


class Claim(
    namedtuple(
        "Claim",
        "id claim article_quote source verdict note value unit"
        " at article_quote_at source_quote_at",
    )
):
    """One checkable statement of the article.

    The *_at fields are 1-based (line, col) positions in the claims file, of
    the claim and of its two quotes (None where there is no source quote).
    """

    __slots__ = ()

    @property
    def sourced(self) -> bool:
        return self.verdict != "unsourced"


class Check(
    namedtuple(
        "Check", "id description compute expect tolerance at compute_at expect_at"
    )
):
    """An arithmetic cross-check over claims' values (expressions as text).

    The *_at fields are the (line, col) of the check and of its two fields.
    """

    __slots__ = ()


class Dismissal(namedtuple("Dismissal", "sentence reason at")):
    """An article sentence that is deliberately not tracked, and why.

    at is the (line, col) of the sentence field in the claims file.
    """

    __slots__ = ()


class CheckResult(namedtuple("CheckResult", "check claims expected computed ok")):
    """What a check gave: ok is None when it could not be evaluated."""

    __slots__ = ()


class Document(
    namedtuple(
        "Document", "path article paper review sections claims checks dismissed"
    )
):
    """A whole, valid claims file.  sections maps number → (title, page)."""

    __slots__ = ()
