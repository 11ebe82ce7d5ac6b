"""Model: the values the kit passes between its sections.

These are small frozen records rather than frozen dataclasses on purpose:
importing ``dataclasses`` pulls in ``inspect`` (9 ms), and even
``collections.namedtuple`` costs 0.5 ms for the seven types here, against a
start-up budget for ``check`` of a few milliseconds (see bench/run.py).
"""

# A file with more problems than this is reported up to here, then reading
# stops: a hostile file could otherwise make millions of them, at a cost in
# memory that helps nobody.
MAX_PROBLEMS = 1000

VERDICTS = (
    "supported",
    "overstated",
    "imprecise",
    "contradicted",
    "not-in-paper",
    "unsourced",
)


def line_col(text: str | bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of an offset into text (or bytes)."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    return (text.count(newline, 0, offset) + 1,
            offset - (text.rfind(newline, 0, offset) + 1) + 1)


def join_where(where: str, key) -> str:
    """The path to a key below `where`: claims[7] + source → claims[7].source."""
    return f"{where}.{key}" if where else str(key)


def is_ascii_digits(text: str) -> bool:
    """One or more of 0-9, and nothing else (not ³, not ٣)."""
    return text.isascii() and text.isdigit()


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Record:
    """An immutable value with named fields, compared field by field.

    A subclass names its fields in ``__slots__``; trailing fields may take
    defaults from ``_defaults``.
    """

    __slots__ = ()
    _defaults: tuple = ()

    def __init__(self, *values, **fields) -> None:
        names = self.__slots__
        if len(values) > len(names):
            raise TypeError(f"{type(self).__name__} takes {len(names)} values,"
                            f" got {len(values)}")
        given = dict(zip(names, values))
        for name, value in fields.items():
            if name not in names or name in given:
                raise TypeError(f"{type(self).__name__}: unexpected or repeated {name!r}")
            given[name] = value
        defaults = dict(zip(names[len(names) - len(self._defaults):], self._defaults))
        for name in names:
            if name in given:
                value = given[name]
            elif name in defaults:
                value = defaults[name]
            else:
                raise TypeError(f"{type(self).__name__} needs {name!r}")
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self):
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Problem(Record):
    """One thing wrong with a file, at a 1-based line and column.

    level is "error" for a problem; "warning" and "note" lines are printed the
    same way but do not fail a check.
    """

    __slots__ = ("path", "line", "col", "where", "message", "level", "code")
    _defaults = ("error", "")

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}:{self.line}:{self.col}: {self.level}: {where}{self.message}"


class TooManyProblems(Exception):
    """Raised by a collector when it holds MAX_PROBLEMS problems; whoever
    stops it sets ``problems`` to what was collected."""

    problems: list = []


def add_problem(problems: list, problem: Problem) -> None:
    """Collect a problem; stop everything once there are MAX_PROBLEMS."""
    problems.append(problem)
    if len(problems) >= MAX_PROBLEMS:
        problems.append(Problem(
            problem.path, problem.line, problem.col, "",
            f"{MAX_PROBLEMS} problems found; stopped here",
        ))
        raise TooManyProblems


class Source(Record):
    """Where a claim is backed: a paper section, an outside url, or nothing yet."""

    __slots__ = ("section", "title", "page", "quote", "quote_exact", "url", "locator")
    _defaults = (None,)


class Claim(Record):
    """One checkable statement of the article.

    The *_at fields are 1-based (line, col) positions in the claims file, of
    the claim and of its two quotes (None where there is no source quote);
    index is the claim's place in the file's list of claims.
    """

    __slots__ = ("id", "claim", "article_quote", "source", "verdict", "note",
                 "value", "unit", "at", "article_quote_at", "source_quote_at",
                 "index")

    @property
    def sourced(self) -> bool:
        return self.verdict != "unsourced"


class Check(Record):
    """An arithmetic cross-check over claims' values (expressions as text).

    The *_at fields are the (line, col) of the check and of its two fields.
    """

    __slots__ = ("id", "description", "compute", "expect", "tolerance", "at",
                 "compute_at", "expect_at")


class CheckResult(Record):
    """What a check gave: ok is None when it could not be evaluated."""

    __slots__ = ("check", "claims", "expected", "computed", "ok")


class Dismissal(Record):
    """An article sentence that is deliberately not tracked, and why.

    at is the (line, col) of the sentence field in the claims file.
    """

    __slots__ = ("sentence", "reason", "at")


class Document(Record):
    """A whole, valid claims file.  sections maps number → (title, page)."""

    __slots__ = ("path", "article", "paper", "review", "sections", "claims",
                 "checks", "dismissed")
