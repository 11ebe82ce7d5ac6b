"""Problems: everything wrong with a file, one value each, through one door.

PROBLEM_CODES declares every code the kit emits, with what it means; the
table in docs/problem-codes.md is this table (tests/test_codes.py checks
it).  A Problem is made with Problem.at, and a run collects its problems in
one Problems, which keeps the cap.
"""
from dataclasses import dataclass

# code → what it means, as docs/problem-codes.md says it.
PROBLEM_CODES = {
    "unreadable": "the file is missing, a directory, not a regular file (a FIFO, a device),"
                  " or cannot be read (exit 2)",
    "too-large": "the file is over 50 MB, or holds more than 3,000,000 values; a text of more"
                 " than 100,000 pages, or one that runs on for 256 KB with nowhere to cut it;"
                 " a PDF whose text is over 50 MB (exit 2; [limits.md](limits.md))",
    "encoding": "not UTF-8: UTF-16 (with or without a byte-order mark), or a byte that is"
                " not UTF-8, as cp1252 and latin-1 write é (exit 2)",
    "syntax": "not YAML: the line, a caret, and a hint (exit 2; see the walk-through in"
              " [editing.md](editing.md))",
    "bad-character": "a character YAML does not allow, such as a control character, or a raw"
                     " NEL, LS or PS (U+0085, U+2028, U+2029), a line break to YAML 1.1 and"
                     " text to YAML 1.2 and editors (exit 2)",
    "too-deep": "nesting deeper than 32 levels (exit 2)",
    "second-document": "a second YAML document (`---`) in the file",
    "duplicate-key": "a key given twice in one mapping",
    "tag": "a YAML tag (`!!python/object`, `!custom`): never constructed",
    "alias": "a YAML alias (`*name`): never expanded",
    "bad-key": "a mapping, a list or null (`~`, or an empty key) used as a key",
    "bad-value": "a value that does not fit its YAML type (`!!int eight`, `!!float \"\"`,"
                 " `!!timestamp x`), or `.nan`, `.inf`",
    "number-too-large": "a number past a float's range (`1e400`, 400 digits) or written with"
                        " more than 400 characters (a 4,500-digit number too)",
    "ambiguous-number": "a plain value YAML 1.1 reads as a number and YAML 1.2 as text"
                        " (`1:20`, `0b101`, `1_000`) or as another number (`010`: 8 or 10):"
                        " quote the text, or write the number in plain digits",
    "ambiguous-boolean": "a plain value YAML 1.1 reads as a boolean and YAML 1.2 as text"
                         " (`yes`, `no`, `on`, `off`): write `true` or `false`, or quote"
                         " the text",
    "comment-in-text": "a ` #` (or a line starting with `#`) that cut an unquoted text short:"
                       " quote the value",
    "control-character": "a C0 or C1 control character or a bidi override in any string,"
                         " header included",
    "empty-file": "the file holds nothing",
    "unknown-key": "a key the schema does not know (with a did-you-mean)",
    "missing-key": "a required key, or one that another key or the verdict needs, is missing",
    "forbidden-key": "a key the verdict rules out (a quote on an unsourced claim, a section"
                     " on a not-in-paper one)",
    "bad-type": "a value of the wrong kind (a list for a string, 3.3 unquoted)",
    "empty-text": "an empty string",
    "empty-list": "`claims` is an empty list",
    "out-of-range": "a page below 1, a negative tolerance",
    "bad-id": "an id that is not kebab-case",
    "bad-url": "a url that is not http(s)",
    "bad-date": "a date that is not a real YYYY, YYYY-MM or YYYY-MM-DD date (`2024-13-45` is"
                " refused)",
    "bad-arxiv": "`paper.arxiv` not an arXiv id like `2407.21783` (the version goes in"
                 " `paper.version`)",
    "bad-doi": "`paper.doi` not a DOI like `10.48550/arXiv.2407.21783`",
    "bad-section-number": "a section number that is not like `3.3.1` or `abstract`",
    "bad-version": "`paper.version` not like `v3`",
    "bad-locator": "a locator not like `Table 4`",
    "bad-verdict": "a verdict outside the vocabulary",
    "duplicate-id": "two claims, or two checks, with one id",
    "unknown-section": "a cited section not listed under `sections`",
    "wrong-title": "a title that is not the cited section's",
    "page-out-of-section": "a page outside its section's span",
    "expression": "a check's expression that is refused or cannot be computed",
    "check-failed": "a check whose computed value disagrees with what is expected",
    "quote-not-found": "a quote not found in the article or paper text",
    "text-mismatch": "none of the file's article (or paper) quotes is in the text: probably"
                     " another article than the file's (a `-f` forgotten)",
    "text-missing": "(a warning; an error with `--strict`) the header's `article.text` or"
                    " `paper.text` names no file; that text is not checked",
    "quote-too-short": "a quote of fewer than 2 words or 8 characters: too short to prove"
                       " anything",
    "paraphrase": "(a note) a paraphrase (`quote_exact: false`), not looked for",
    "wrong-page": "a paper quote found, but not on its cited page",
    "wrong-section": "a paper quote found, but not under its cited section",
    "version-differs": "(a warning) the paper text's arXiv stamp is another version than"
                       " `paper.version`: its pages may differ",
    "paper-differs": "(a warning) the paper text's arXiv stamp is another paper than"
                     " `paper.arxiv`",
    "pdf-unreadable": "a PDF given to `--paper` that pdftotext cannot read, or pdftotext is"
                      " not installed (exit 2)",
    "misplaced-claim": "a claim pasted under `dismissed:` or `checks:`: move it under"
                       " `claims:`",
    "dismissal-unmatched": "a dismissal that names no sentence of the article",
    "dismissal-ambiguous": "a dismissal that names several sentences: quote more of the one"
                           " meant",
    "dismissal-tracked": "a dismissal of a sentence a claim tracks: remove the dismissal",
    "untracked-sentence": "(a warning; an error with `--strict`) a checkable sentence no"
                          " claim tracks",
    "untracked-figure": "(a warning; an error with `--strict`) a figure in no article quote,"
                        " in a sentence another claim tracks",
    "audit-limit": "the article has more than 5,000 sentences or 2,000,000 characters, or the"
                   " file more than 500 dismissals: the audit stopped there",
    "too-many-problems": "1,000 problems found; the kit stopped there",
}

# A run reports this many problems, then one that says it stopped: a hostile
# file could otherwise make millions of them, at a cost in memory that helps
# nobody.
MAX_PROBLEMS = 1000
# How a problem's level is coloured in a terminal.
LEVEL_STYLES = {"error": "red", "warning": "yellow", "note": "cyan"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with a file, at a 1-based line and column.

    code is one of PROBLEM_CODES; level is "error" for a problem, while
    "warning" and "note" lines are printed the same way but do not fail a
    check.  detail holds lines printed below the problem, as a compiler
    prints them: the source line, a caret under the column, a hint.
    """

    path: str
    line: int
    col: int
    code: str
    where: str = ""
    message: str
    level: str = "error"
    detail: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A code missing from the table would be missing from the docs.
        if self.code not in PROBLEM_CODES:
            raise ValueError(f"problem code {self.code!r} is not in PROBLEM_CODES")

    @classmethod
    def at(cls, path: str, at: tuple[int, int], code: str, message: str, *,
           where: str = "", level: str = "error", detail: tuple[str, ...] = ()) -> "Problem":
        """The problem at a (line, col) of a file: how the kit makes every one."""
        return cls(path=path, line=at[0], col=at[1], code=code, where=where,
                   message=message, level=level, detail=detail)

    def __str__(self) -> str:
        return "".join(text for text, _ in self.parts())

    def parts(self) -> list[tuple[str, str | None]]:
        """The printed line in (text, style) parts, styled as compilers and
        ruff colour theirs in a terminal: the path bold, the level in its
        colour (output.STYLES names the styles)."""
        where = f"{self.where}: " if self.where else ""
        return [(self.path, "bold"), (f":{self.line}:{self.col}: ", None),
                (self.level, LEVEL_STYLES.get(self.level)), (f"[{self.code}]", "bold"),
                (f": {where}{self.message}", None)]


class Problems:
    """The problems of one run, in the order they were found, up to MAX_PROBLEMS.

    One collection goes from load through validate, the checks and the quote
    checks, so the cap counts them all.  It is kept here and nowhere else:
    the problem that reaches it is followed by one that says the kit stopped
    there, and every later one is dropped.  A step that would go on finding
    problems for long stops once the collection is full.
    """

    __slots__ = ("_items", "full")

    def __init__(self) -> None:
        self._items: list[Problem] = []
        self.full = False

    def add(self, path: str, at: tuple[int, int], code: str, message: str, *,
            where: str = "", level: str = "error", detail: tuple[str, ...] = ()) -> None:
        """Collect the problem at a (line, col) of a file (see Problem.at)."""
        if self.full:
            return
        self._items.append(Problem.at(path, at, code, message, where=where, level=level,
                                      detail=detail))
        if len(self._items) >= MAX_PROBLEMS:
            self._items.append(Problem.at(path, at, "too-many-problems",
                                          f"{MAX_PROBLEMS} problems found; stopped here"))
            self.full = True

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        return self._items[index]
